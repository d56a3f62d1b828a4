import { Injectable, Logger } from '@nestjs/common';
import { ChannelSeqRecorder } from '../../channel/channel-seq.recorder.js';
import { errorText } from '../../common/errors/error-text.js';
import { ShutdownState } from '../../common/shutdown/shutdown-state.js';
import { AppConfig } from '../../infra/config/app-config.js';
import { PresenceService } from '../../presence/presence.service.js';
import { ChatWriter } from '../chat/chat-writer.js';
import { UnreadService } from '../streams/unread.service.js';
import { SessionLifecycle } from './session-lifecycle.service.js';
import { SessionRegistry } from './session-registry.js';
import type { Session } from './session.js';
import { ShutdownGrace } from './shutdown-grace.js';

/** Left of SHUTDOWN_TIMEOUT for closing Redis and the database after the drain. */
const CLOSE_MARGIN_MS = 1_500;

/**
 * The gateway's part of a graceful stop (docs/operations.md#shutdown). In Redis mode with a
 * SHUTDOWN_GRACE, the connected players are first handed over (they stay online and keep their
 * PUBLIC channels for the grace; a RECONNECT to another instance continues silently); then every
 * connection answers the packets it has read, gets NOTIFY_DISCONNECT `shutdown` and is closed, and
 * what is still being written (group commits, read positions, channels' last seq) is flushed.
 */
@Injectable()
export class ShutdownDrain {
  private readonly logger = new Logger('ShutdownDrain');
  private readonly timeoutMs: number;

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly grace: ShutdownGrace,
    private readonly presence: PresenceService,
    private readonly shutdown: ShutdownState,
    private readonly writer: ChatWriter,
    private readonly unread: UnreadService,
    private readonly seqs: ChannelSeqRecorder,
    config: AppConfig,
  ) {
    this.timeoutMs = config.settings.shutdownTimeoutSeconds * 1000;
  }

  /** The connected players stay online and in their channels for the grace, wherever they reconnect. */
  async handOver(): Promise<void> {
    this.lifecycle.stopGraceSweeper();
    if (!this.grace.enabled) return;
    const connected = [...this.sessions.connected()];
    const players = connected.map((s) => ({ ...s.player, since: s.connectedAt }));
    try {
      await this.presence.handOver(players, this.grace.millis);
      await this.grace.hold(players);
      for (const session of connected) session.handedOver = true;
    } catch (err) {
      this.logger.warn(`handing players over failed (they are left as on any disconnect): ${errorText(err)}`);
    }
  }

  /** Closes every connection after its pending packets, then waits for clean-ups (`settled`) and flushes writes. */
  async run(settled: () => Promise<void>): Promise<void> {
    const deadline = (this.shutdown.since ?? Date.now()) + Math.max(1_000, this.timeoutMs - CLOSE_MARGIN_MS);
    const open = [...this.sessions.all];
    await Promise.all(open.map((session) => this.closeAfterPending(session, deadline)));
    await before(deadline, settled());
    await before(
      deadline,
      (async () => {
        await this.writer.drained();
        await this.unread.flush();
        await this.seqs.flush();
      })(),
    );
  }

  private async closeAfterPending(session: Session, deadline: number): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (session.socket.readyState === 3) return resolve();
      session.socket.once('close', () => resolve());
    });
    await before(deadline, session.settled());
    if (session.identity) session.disconnect('shutdown');
    else session.close(1001, 'shutdown');
    if (!(await before(deadline, closed))) session.socket.terminate();
    await closed;
  }
}

/** Waits for `work` until `deadline` (epoch millis); true when it finished in time. */
async function before(deadline: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
