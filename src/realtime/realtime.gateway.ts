import { type BeforeApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { clientAddress } from '../common/rate-limit/client-address.js';
import { ShutdownState } from '../common/shutdown/shutdown-state.js';
import { AppConfig } from '../infra/config/app-config.js';
import { ShutdownDrain } from './session/shutdown-drain.js';
import { SessionLifecycle } from './session/session-lifecycle.service.js';
import { SessionLog } from './session/session-log.js';
import { SessionRegistry } from './session/session-registry.js';

/** Largest accepted frame; a chat packet is well under 2 KB. */
const MAX_FRAME_BYTES = 64 * 1024;

/**
 * The WebSocket endpoint `/ws` (Hive packet framing; frames are routed by HiveWsAdapter to the
 * @Packet handlers). This class owns the connection's life: open, idle sweep, close, shutdown.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES })
export class RealtimeGateway implements OnGatewayConnection, OnGatewayDisconnect, OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private sweeper: NodeJS.Timeout | null = null;
  private readonly cleanups = new Set<Promise<void>>();
  private readonly idleMs: number;
  private readonly trustProxy: boolean;

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly log: SessionLog,
    private readonly shutdown: ShutdownState,
    private readonly drain: ShutdownDrain,
    config: AppConfig,
  ) {
    this.idleMs = config.settings.wsIdleTimeoutSeconds * 1000;
    this.trustProxy = config.settings.trustProxy;
  }

  onModuleInit(): void {
    // One timer for all connections instead of one per connection re-armed on every packet.
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(1000, Math.max(50, this.idleMs / 4)));
    this.sweeper.unref();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    // A stopping instance takes no new connections (docs/operations.md#shutdown).
    if (this.shutdown.draining) return socket.close(1013, 'shutting down');
    this.sessions.open(socket, clientAddress(request, this.trustProxy));
    this.log.socketOpened();
  }

  handleDisconnect(socket: WebSocket): void {
    const session = this.sessions.forSocket(socket);
    if (!session) return;
    this.log.socketClosed(session);
    session.closing = true;
    const cleanup = this.lifecycle.closed(session).finally(() => this.cleanups.delete(cleanup));
    this.cleanups.add(cleanup);
  }

  /** Open sockets plus disconnects whose cleanup (PUBLIC exits, presence) is still running. */
  get busyConnections(): number {
    return this.sessions.all.size + this.cleanups.size;
  }

  /** Resolves when the cleanups already started have finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.cleanups]);
  }

  /** First step of a shutdown, before any other part stops: no new sockets, the players handed over. */
  async onModuleDestroy(): Promise<void> {
    this.shutdown.begin();
    if (this.sweeper) clearInterval(this.sweeper);
    await this.drain.handOver();
  }

  /**
   * Drains every connection while the database and Redis are still open: packets already read are
   * answered, then NOTIFY_DISCONNECT `shutdown` and the close; disconnect clean-ups and group
   * commits finish. Bounded by SHUTDOWN_TIMEOUT.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.drain.run(() => this.settled());
  }

  private closeIdle(): void {
    const deadline = Date.now() - this.idleMs;
    for (const session of this.sessions.all) {
      if (session.lastActivity < deadline && !session.closing) session.disconnect('idle');
    }
  }
}
