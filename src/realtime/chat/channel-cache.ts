import { Injectable } from '@nestjs/common';
import { ChannelService, type ChannelView } from '../../channel/channel.service.js';
import { Versions } from '../../common/versions.js';

export interface CachedChannel {
  info: ChannelView;
  members: Set<number>;
  loadedAt: number;
  /** Bumped on every in-place membership change (derived recipient lists check it). */
  version: number;
  /** Recipient list derived from members by the chat service (see ChannelChatService). */
  recipients?: unknown;
}

/** Settings changes without an event reach us at the latest after this long. */
const MAX_AGE_MS = 10_000;
const MAX_ENTRIES = 50_000;

/**
 * Channel settings and member sets for the chat hot path, so a message costs no database read.
 * Kept right by the channel.* events (of every instance, via the bus): membership changes are
 * applied in place, deletes and updates drop the entry. Every change bumps the channel's version,
 * which stops a load that raced with it from storing what it read before the change.
 */
@Injectable()
export class ChannelCache {
  private readonly entries = new Map<string, CachedChannel>();
  private readonly versions = new Versions<string>();
  private readonly loads = new Map<string, Promise<CachedChannel>>();

  constructor(private readonly channels: ChannelService) {}

  /** The channel (DomainError 201 when it does not exist). */
  async get(gameIndex: number, channelId: string): Promise<CachedChannel> {
    const key = `${gameIndex}:${channelId}`;
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.loadedAt < MAX_AGE_MS) return entry;
    return this.loads.get(key) ?? this.load(gameIndex, channelId, key);
  }

  /** Reads the database, bypassing the cache (a sender the cache does not know yet). */
  async refresh(gameIndex: number, channelId: string): Promise<CachedChannel> {
    const key = `${gameIndex}:${channelId}`;
    this.bump(key);
    this.entries.delete(key);
    return this.load(gameIndex, channelId, key);
  }

  memberEntered(gameIndex: number, channelId: string, playerId: number): void {
    const key = this.bump(`${gameIndex}:${channelId}`);
    const entry = this.entries.get(key);
    if (entry) {
      entry.members.add(playerId);
      entry.version++;
    }
  }

  memberExited(gameIndex: number, channelId: string, playerId: number): void {
    const key = this.bump(`${gameIndex}:${channelId}`);
    const entry = this.entries.get(key);
    if (entry) {
      entry.members.delete(playerId);
      entry.version++;
    }
  }

  drop(gameIndex: number, channelId: string): void {
    const key = this.bump(`${gameIndex}:${channelId}`);
    this.entries.delete(key);
  }

  /**
   * Forgets everything: after Redis comes back (membership changes announced by other instances
   * may have been missed), and in tests that empty the database behind the events' back.
   */
  clear(): void {
    this.versions.bumpAll();
    this.entries.clear();
  }

  private bump(key: string): string {
    this.versions.bump(key);
    return key;
  }

  private load(gameIndex: number, channelId: string, key: string): Promise<CachedChannel> {
    const version = this.versions.current();
    // The load compares itself with the map entry when it settles (after its first await).
    const run = async (): Promise<CachedChannel> => {
      try {
        const [info, memberIds] = await Promise.all([
          this.channels.get(gameIndex, channelId),
          this.channels.memberIds(gameIndex, channelId),
        ]);
        const entry: CachedChannel = { info, members: new Set(memberIds), loadedAt: Date.now(), version: 0 };
        if (this.versions.isCurrent(key, version)) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(key, entry);
        }
        return entry;
      } finally {
        if (this.loads.get(key) === load) this.loads.delete(key);
      }
    };
    const load = run();
    this.loads.set(key, load);
    return load;
  }
}
