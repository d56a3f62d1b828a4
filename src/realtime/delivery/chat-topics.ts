import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { errorText } from '../../common/errors/error-text.js';
import { ChannelIdsLoader } from '../session/channel-ids-loader.js';
import { SessionRegistry } from '../session/session-registry.js';
import { channelStream, directStream, streamKey } from '../streams/stream-names.js';
import { RealtimeBus } from './realtime-bus.js';

/**
 * Which chat topics this instance follows (RealtimeBus): the direct stream of every player
 * connected here, and every channel one of them is in. So a chat message is pushed by Redis only
 * to the instances holding its recipients (docs/realtime.md#several-instances-redis).
 *
 * The order that keeps "every message after your position is pushed to you": CONNECT, RECONNECT
 * and ENTER_CHANNEL wait for the subscriptions (`join`, `enter`) before they read positions, and
 * the numbering script publishes a message in the same step as it numbers it, so a message
 * numbered after the position was read is published after the subscription was in place.
 * Memberships changed by someone else (HTTP, a party, another instance) follow their
 * `channel.*` events; after a Redis outage (`resync`) every local player's channels are read again.
 */
@Injectable()
export class ChatTopics implements OnModuleInit {
  private readonly logger = new Logger('ChatTopics');
  /** The channels of each player connected here, by "game:player". */
  private readonly players = new Map<string, Set<string>>();

  constructor(
    private readonly bus: RealtimeBus,
    private readonly sessions: SessionRegistry,
    private readonly events: DomainEvents,
    private readonly channelIds: ChannelIdsLoader,
  ) {}

  onModuleInit(): void {
    if (!this.bus.distributed) return;
    this.sessions.onGone((gameIndex, playerId) => this.leave(gameIndex, playerId));
    this.events.subscribe('channel.entered', (e) => void this.enter(e.gameIndex, e.playerId, e.channelId));
    this.events.subscribe('channel.exited', (e) => this.exit(e.gameIndex, e.playerId, e.channelId));
    this.events.subscribe('channel.deleted', (e) => this.deleted(e.gameIndex, e.channelId));
    this.bus.onMessage((m) => {
      if (m.k === 'channel' && m.op === 'entered') void this.enter(m.g, m.p!, m.c);
      else if (m.k === 'channel' && m.op === 'exited') this.exit(m.g, m.p!, m.c);
      else if (m.k === 'channel' && m.op === 'deleted') this.deleted(m.g, m.c);
      else if (m.k === 'resync') void this.rejoinAll();
    });
  }

  /** A player connected here (CONNECT, RECONNECT) with these channels: resolves once the topics are followed. */
  async join(gameIndex: number, playerId: number, channelIds: string[]): Promise<void> {
    if (!this.bus.distributed) return;
    const key = `${gameIndex}:${playerId}`;
    const before = this.players.get(key);
    const now = new Set(channelIds);
    this.players.set(key, now);
    const waits: Promise<void>[] = [];
    if (!before) waits.push(this.bus.follow(this.directTopic(gameIndex, playerId)));
    for (const channelId of now) if (!before?.has(channelId)) waits.push(this.bus.follow(this.channelTopic(gameIndex, channelId)));
    if (before) for (const channelId of before) if (!now.has(channelId)) this.bus.unfollow(this.channelTopic(gameIndex, channelId));
    await Promise.all(waits);
    // Gone while the subscriptions were on their way.
    if (!this.sessions.get(gameIndex, playerId)) this.leave(gameIndex, playerId);
  }

  /** A player connected here is in the channel now: resolves once its topic is followed (at once if it already was). */
  enter(gameIndex: number, playerId: number, channelId: string): Promise<void> {
    const channels = this.players.get(`${gameIndex}:${playerId}`);
    const topic = this.channelTopic(gameIndex, channelId);
    if (!channels) return Promise.resolve();
    if (channels.has(channelId)) return this.bus.followed(topic);
    channels.add(channelId);
    return this.bus.follow(topic);
  }

  private exit(gameIndex: number, playerId: number, channelId: string): void {
    if (this.players.get(`${gameIndex}:${playerId}`)?.delete(channelId)) this.bus.unfollow(this.channelTopic(gameIndex, channelId));
  }

  private deleted(gameIndex: number, channelId: string): void {
    const prefix = `${gameIndex}:`;
    for (const [key, channels] of this.players) {
      if (key.startsWith(prefix) && channels.delete(channelId)) this.bus.unfollow(this.channelTopic(gameIndex, channelId));
    }
  }

  /** The player is no longer connected here. */
  private leave(gameIndex: number, playerId: number): void {
    const key = `${gameIndex}:${playerId}`;
    const channels = this.players.get(key);
    if (!channels) return;
    this.players.delete(key);
    this.bus.unfollow(this.directTopic(gameIndex, playerId));
    for (const channelId of channels) this.bus.unfollow(this.channelTopic(gameIndex, channelId));
  }

  /** Membership changes announced while Redis was unreachable never arrived: read every local player's channels again. */
  private async rejoinAll(): Promise<void> {
    await Promise.all(
      [...this.sessions.connected()].map(async (session) => {
        const { gameIndex, playerId } = session.player;
        try {
          await this.join(gameIndex, playerId, await this.channelIds.of(gameIndex, playerId));
        } catch (err) {
          this.logger.warn(`reading the channels of player ${gameIndex}:${playerId} again failed: ${errorText(err)}`);
        }
      }),
    );
  }

  private channelTopic(gameIndex: number, channelId: string): string {
    return this.bus.topic(streamKey(channelStream(gameIndex, channelId, false)));
  }

  private directTopic(gameIndex: number, playerId: number): string {
    return this.bus.topic(streamKey(directStream(gameIndex, playerId)));
  }
}
