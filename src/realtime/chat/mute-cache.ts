import { Injectable } from '@nestjs/common';
import { BatchLoader } from '../../common/batch-loader.js';
import { Versions } from '../../common/versions.js';
import { type ActiveMute, MuteService } from '../../moderation/mutes/mute.service.js';
import { type MutedScope, mutedError, stoppingMute } from './mute-rules.js';

const MAX_ENTRIES = 200_000;
const NONE: readonly ActiveMute[] = Object.freeze([]);

/**
 * Every chatting player's mutes in memory, so the mute check of a message is a Map lookup (an
 * empty list for nearly everyone). Loaded on a player's first message, the players asked for in
 * one turn of the event loop in one statement; dropped on mute.changed from any instance (via the
 * bus) and after a Redis outage. A read that a drop overtook does not store what it read. Timed
 * mutes end by themselves: the check compares their end with the clock.
 */
@Injectable()
export class MuteCache {
  private readonly entries = new Map<string, readonly ActiveMute[]>();
  private readonly versions = new Versions<string>();
  private readonly reads: BatchLoader<ActiveMute[]>;

  constructor(mutes: MuteService) {
    this.reads = new BatchLoader((gameIndex, ids) => mutes.inForceOfMany(gameIndex, ids), []);
  }

  /**
   * Refuses (403/310) a message of a muted player: `scope` is the channel, or null for a direct
   * message (only a game-wide mute stops those). null when the answer came from memory and lets the
   * message through; otherwise a promise to await (a first load, or the refusal).
   */
  check(gameIndex: number, playerId: number, scope: MutedScope | null): Promise<void> | null {
    const key = `${gameIndex}:${playerId}`;
    const mutes = this.entries.get(key);
    if (mutes === undefined) return this.load(key, gameIndex, playerId).then((loaded) => this.apply(key, playerId, loaded, scope));
    if (mutes.length === 0) return null;
    const now = Date.now();
    const mute = stoppingMute(mutes, scope, now);
    if (mute !== null) return Promise.reject(mutedError(playerId, mute));
    this.forgetEnded(key, mutes, now);
    return null;
  }

  drop(gameIndex: number, playerId: number): void {
    const key = `${gameIndex}:${playerId}`;
    this.versions.bump(key);
    this.entries.delete(key);
    this.reads.forget(gameIndex, playerId);
  }

  /**
   * Forgets everything: after Redis comes back (mute changes announced by other instances may have
   * been missed), and in tests that empty the database behind the events' back.
   */
  clear(): void {
    this.versions.bumpAll();
    this.entries.clear();
  }

  /** check() after a load. */
  private apply(key: string, playerId: number, mutes: readonly ActiveMute[], scope: MutedScope | null): void {
    const now = Date.now();
    const mute = stoppingMute(mutes, scope, now);
    if (mute !== null) throw mutedError(playerId, mute);
    this.forgetEnded(key, mutes, now);
  }

  /** Once every cached mute of the player has ended, the next check is a plain lookup again. */
  private forgetEnded(key: string, mutes: readonly ActiveMute[], now: number): void {
    if (mutes.length !== 0 && mutes.every((m) => m.endMillis <= now) && this.entries.get(key) === mutes) this.entries.set(key, NONE);
  }

  private async load(key: string, gameIndex: number, playerId: number): Promise<readonly ActiveMute[]> {
    const version = this.versions.current();
    const loaded = await this.reads.get(gameIndex, playerId);
    const mutes = loaded.length === 0 ? NONE : loaded;
    if (this.versions.isCurrent(key, version)) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, mutes);
    }
    return mutes;
  }
}
