import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { PresenceService } from '../../presence/presence.service.js';
import { RealtimeBus } from '../delivery/realtime-bus.js';
import { PresenceNotifier } from './presence-notifier.js';
import { ReconnectMemory } from './reconnect-memory.js';
import { SessionRegistry } from './session-registry.js';
import type { Session } from './session.js';

/**
 * What happens when a player's connection starts and ends: one connection per player (a newer
 * login anywhere closes older ones, `duplicated`), presence, NOTIFY_PRESENCE, and leaving the
 * PUBLIC channels on close (remembered for RECONNECT).
 */
@Injectable()
export class SessionLifecycle implements OnModuleInit {
  private readonly logger = new Logger('SessionLifecycle');

  constructor(
    private readonly registry: SessionRegistry,
    private readonly presence: PresenceService,
    private readonly bus: RealtimeBus,
    private readonly channels: ChannelService,
    private readonly memory: ReconnectMemory,
    private readonly notifier: PresenceNotifier,
  ) {}

  onModuleInit(): void {
    this.bus.onMessage((m) => {
      if (m.k !== 'claim') return;
      const local = this.registry.get(m.g, m.p);
      if (local && isOlder(local, m.since, m.sid)) this.supersede(local);
    });
  }

  /** CONNECT / RECONNECT succeeded: the session now speaks for the player. */
  async open(session: Session, identity: PlayerIdentity, languageCode: string | null): Promise<void> {
    session.identity = identity;
    session.languageCode = languageCode;
    session.connectedAt = Date.now();
    const { gameIndex, playerId } = identity;
    const previous = this.registry.register(session);
    if (previous) this.supersede(previous);
    let wasOnline: boolean;
    try {
      wasOnline = previous !== undefined || (await this.presence.isOnline(gameIndex, playerId));
      await this.presence.markOnline(gameIndex, playerId, session.connectedAt);
    } catch (err) {
      // Not connected after all (e.g. Redis unreachable): the router answers 500 and closes the socket.
      this.registry.unregister(session);
      session.identity = null;
      throw err;
    }
    this.bus.publish({ k: 'claim', g: gameIndex, p: playerId, sid: session.id, since: session.connectedAt });
    if (!wasOnline) {
      this.notifier.send(gameIndex, playerId, true, session.connectedAt, await this.notifier.audienceOf(gameIndex, playerId));
    }
  }

  /** The socket closed (any reason). */
  async closed(session: Session): Promise<void> {
    this.registry.all.delete(session);
    if (!session.identity || session.superseded || !this.registry.unregister(session)) return;
    const { gameIndex, playerId } = session.identity;
    try {
      const at = Date.now();
      const audience = await this.notifier.audienceOf(gameIndex, playerId);
      await this.presence.markOffline(gameIndex, playerId, at);
      const left = await this.channels.exitAllPublic(gameIndex, playerId);
      await this.memory.remember(gameIndex, playerId, left);
      this.notifier.send(gameIndex, playerId, false, at, audience);
    } catch (err) {
      this.logger.error(`cleanup after player ${gameIndex}:${playerId} disconnected failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  private supersede(session: Session): void {
    session.superseded = true;
    this.registry.unregister(session);
    session.disconnect('duplicated');
  }
}

/** Whether the local session lost to a login elsewhere: the later login wins, ties by session id. */
function isOlder(local: Session, since: number, sessionId: string): boolean {
  if (local.id === sessionId) return false;
  return local.connectedAt < since || (local.connectedAt === since && local.id < sessionId);
}
