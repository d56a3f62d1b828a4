import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { errorText } from '../../common/errors/error-text.js';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { PresenceService } from '../../presence/presence.service.js';
import { RealtimeBus } from '../delivery/realtime-bus.js';
import { ChannelIdsLoader } from './channel-ids-loader.js';
import { PresenceNotifier } from './presence-notifier.js';
import { ReconnectMemory } from './reconnect-memory.js';
import { SessionLog } from './session-log.js';
import { SessionRegistry } from './session-registry.js';
import type { Session } from './session.js';
import { ShutdownGrace } from './shutdown-grace.js';

/** Login claims per bus message when they are restated. */
const CLAIMS_PER_MESSAGE = 500;
/** How often expired shutdown graces are looked for. */
const GRACE_SWEEP_MS = 500;

/**
 * What happens when a player's connection starts and ends: one connection per player (a newer
 * login anywhere closes older ones, `duplicated`), presence, NOTIFY_PRESENCE, and leaving the
 * PUBLIC channels on close (remembered for RECONNECT). None of it waits for Redis: while Redis is
 * unreachable, presence and reconnect memory are written when it returns, and the claims of
 * every local session are restated then, so a login made meanwhile still closes older ones.
 * A player handed over by a stopping instance (ShutdownGrace) is left only when its grace ends.
 */
@Injectable()
export class SessionLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SessionLifecycle');
  private graceSweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly presence: PresenceService,
    private readonly bus: RealtimeBus,
    private readonly channels: ChannelService,
    private readonly memory: ReconnectMemory,
    private readonly notifier: PresenceNotifier,
    private readonly log: SessionLog,
    private readonly grace: ShutdownGrace,
    private readonly channelIds: ChannelIdsLoader,
  ) {}

  onModuleInit(): void {
    if (this.grace.enabled) {
      this.graceSweeper = setInterval(() => void this.endGraces(), GRACE_SWEEP_MS);
      this.graceSweeper.unref();
    }
    this.bus.onMessage((m) => {
      if (m.k === 'claim') this.claimed(m.g, m.p, m.sid, m.since, m.r);
      else if (m.k === 'claims') for (const [g, p, sid, since] of m.c) this.claimed(g, p, sid, since);
      else if (m.k === 'resync') this.restateClaims();
    });
  }

  /**
   * CONNECT / RECONNECT succeeded: the session now speaks for the player. `audience`: its
   * NOTIFY_PRESENCE audience when the caller asked for it already (with its other reads).
   */
  async open(session: Session, identity: PlayerIdentity, languageCode: string | null, audience?: Promise<Set<number>>): Promise<void> {
    session.identity = identity;
    session.languageCode = languageCode;
    session.connectedAt = Date.now();
    const { gameIndex, playerId } = identity;
    const previous = this.registry.register(session);
    if (previous) this.supersede(previous);
    // Sent in one turn so they share one Redis round trip (auto-pipelining): the presence write
    // (which says what the login replaced) and the end of a shutdown grace (back within a grace:
    // the PUBLIC channels it kept continue, without a clean-up later).
    const marked = this.presence.markOnline(gameIndex, playerId, session.connectedAt);
    const graceEnded = this.grace
      .resume(gameIndex, playerId)
      .catch((err) => this.logger.warn(`ending a shutdown grace failed: ${errorText(err)}`));
    let wasOnline: boolean;
    try {
      const login = await marked;
      const claim = { k: 'claim', g: gameIndex, p: playerId, sid: session.id, since: session.connectedAt } as const;
      // Only the instance whose connection was replaced hears of it; every instance when that is unknown.
      if (login.replaced) this.bus.publishToInstance(login.replaced.instance, { ...claim, r: login.replaced.since });
      else if (login.replaced === undefined) this.bus.publish(claim);
      wasOnline = previous !== undefined || login.wasOnline;
    } catch (err) {
      // Not connected after all (neither call fails for want of Redis; this is the unexpected): the
      // router answers with the error and closes the socket.
      this.registry.unregister(session);
      this.presence.released(gameIndex, playerId, session.connectedAt);
      session.identity = null;
      throw err;
    }
    this.log.connected(session);
    await graceEnded;
    if (!wasOnline) {
      this.notifier.send(gameIndex, playerId, true, session.connectedAt, await (audience ?? this.notifier.audienceOf(gameIndex, playerId)));
    }
  }

  onApplicationShutdown(): void {
    this.stopGraceSweeper();
  }

  stopGraceSweeper(): void {
    if (this.graceSweeper) clearInterval(this.graceSweeper);
    this.graceSweeper = null;
  }

  /** The socket closed (any reason). */
  async closed(session: Session): Promise<void> {
    this.registry.all.delete(session);
    if (!session.identity || session.superseded || !this.registry.unregister(session)) return;
    if (session.handedOver) return;
    await this.leave(session.identity.gameIndex, session.identity.playerId);
  }

  /**
   * A player gone (disconnected here, or its shutdown grace ended): PUBLIC channels left
   * (remembered for RECONNECT), offline. Its channels and audience are read in one statement
   * (shared with other disconnects of the same moment); a player in no PUBLIC channel needs no
   * transaction to leave them.
   */
  private async leave(gameIndex: number, playerId: number): Promise<void> {
    try {
      const at = Date.now();
      // Read from now on: a read sent before may predate a channel the player entered since.
      this.channelIds.forget(gameIndex, playerId);
      const memberships = this.channelIds.memberships(gameIndex, playerId);
      memberships.catch(() => undefined);
      const audience = await this.notifier.audienceOf(gameIndex, playerId);
      await this.presence.markOffline(gameIndex, playerId, at);
      const inPublic = (await memberships).some((m) => m.isPublic);
      const left = inPublic ? await this.channels.exitAllPublic(gameIndex, playerId) : [];
      await this.memory.remember(gameIndex, playerId, left);
      this.notifier.send(gameIndex, playerId, false, at, audience);
    } catch (err) {
      this.logger.error(`cleanup after player ${gameIndex}:${playerId} disconnected failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  /** Shutdown graces that ended without a new login: the usual clean-up, by whichever instance claimed them. */
  private async endGraces(): Promise<void> {
    try {
      for (const { gameIndex, playerId } of await this.grace.expired()) {
        if (!this.registry.get(gameIndex, playerId)) await this.leave(gameIndex, playerId);
      }
    } catch (err) {
      this.logger.warn(`ending shutdown graces failed: ${errorText(err)}`);
    }
  }

  /**
   * A login elsewhere. `replaced`: the connection it replaced in the presence record (opened at
   * `replaced`): Redis ordered the two logins, so exactly that one closes, whatever the clocks of
   * the two instances say (a newer one here replaced the claimant in turn, and told it so).
   * Without it (a claim to every instance), the later login by the clock wins.
   */
  private claimed(gameIndex: number, playerId: number, sessionId: string, since: number, replaced?: number): void {
    const local = this.registry.get(gameIndex, playerId);
    if (!local) return;
    if (replaced !== undefined ? local.connectedAt === replaced : isOlder(local, since, sessionId)) this.supersede(local);
  }

  /** Tells every instance again which players are connected here (claims published while Redis was away were lost). */
  private restateClaims(): void {
    let batch: [number, number, string, number][] = [];
    for (const session of this.registry.connected()) {
      const { gameIndex, playerId } = session.player;
      batch.push([gameIndex, playerId, session.id, session.connectedAt]);
      if (batch.length === CLAIMS_PER_MESSAGE) {
        this.bus.publish({ k: 'claims', c: batch });
        batch = [];
      }
    }
    if (batch.length) this.bus.publish({ k: 'claims', c: batch });
  }

  private supersede(session: Session): void {
    session.superseded = true;
    this.registry.unregister(session);
    if (session.identity) this.presence.released(session.identity.gameIndex, session.identity.playerId, session.connectedAt);
    session.disconnect('duplicated');
  }
}

/** Whether the local session lost to a login elsewhere: the later login wins, ties by session id. */
function isOlder(local: Session, since: number, sessionId: string): boolean {
  if (local.id === sessionId) return false;
  return local.connectedAt < since || (local.connectedAt === since && local.id < sessionId);
}
