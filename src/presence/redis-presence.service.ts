import { type BeforeApplicationShutdown, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../infra/config/app-config.js';
import { PresenceService } from './presence.service.js';
import { RedisConnection } from './redis-connection.js';

const DAY_SECONDS = 86_400;

/** Deletes the player's presence key only while it still names this instance (a newer login elsewhere wins). */
const MARK_OFFLINE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, -string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Presence across instances. A player key `presence:{game}:{player}` = "{since}|{instanceId}"
 * says where the player is connected; it counts only while that instance's heartbeat key
 * `instance:{id}` (expiry PRESENCE_TTL, refreshed every third of it) exists. So a crashed
 * instance's players go offline within PRESENCE_TTL seconds, at the cost of one Redis write
 * per instance per beat, not one per connected player.
 */
@Injectable()
export class RedisPresenceService extends PresenceService implements OnModuleInit, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly redis: Redis;
  private readonly ttlMs: number;

  constructor(
    private readonly connection: RedisConnection,
    config: AppConfig,
  ) {
    super();
    this.redis = connection.client!;
    this.ttlMs = config.settings.presenceTtlSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Before the Redis connection closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Graceful stop: this instance's players go offline at once, not after the TTL.
    await this.redis.del(this.aliveKey(this.connection.instanceId)).catch(() => undefined);
  }

  /** Stops the heartbeat without cleaning up, as a crash would (tests). */
  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    const id = this.connection.instanceId;
    await this.redis
      .multi()
      .set(this.aliveKey(id), '1', 'PX', this.ttlMs)
      .set(this.beatKey(id), String(Date.now()), 'EX', DAY_SECONDS)
      .exec();
  }

  async connectedSince(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    const entries = await this.entries(gameIndex, playerIds);
    const alive = await this.aliveInstances(entries.map((e) => e?.instance));
    return new Map(playerIds.map((id, i) => [id, entries[i] && alive.has(entries[i].instance) ? entries[i].since : null]));
  }

  async lastSeen(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    if (playerIds.length === 0) return new Map();
    const [entries, seen] = await Promise.all([
      this.entries(gameIndex, playerIds),
      this.redis.mget(playerIds.map((id) => this.seenKey(gameIndex, id))),
    ]);
    const alive = await this.aliveInstances(entries.map((e) => e?.instance));
    const dead = [...new Set(entries.filter((e) => e && !alive.has(e.instance)).map((e) => e!.instance))];
    const lastBeats = new Map<string, number>();
    if (dead.length) {
      const beats = await this.redis.mget(dead.map((id) => this.beatKey(id)));
      dead.forEach((id, i) => beats[i] && lastBeats.set(id, Number(beats[i])));
    }
    const now = Date.now();
    return new Map(
      playerIds.map((id, i) => {
        const entry = entries[i];
        if (entry && alive.has(entry.instance)) return [id, now];
        const candidates = [seen[i] ? Number(seen[i]) : null, entry ? (lastBeats.get(entry.instance) ?? null) : null].filter(
          (v): v is number => v !== null,
        );
        return [id, candidates.length ? Math.max(...candidates) : null];
      }),
    );
  }

  async markOnline(gameIndex: number, playerId: number, since: number): Promise<void> {
    await this.redis.set(this.onlineKey(gameIndex, playerId), `${since}|${this.connection.instanceId}`, 'EX', DAY_SECONDS);
  }

  async markOffline(gameIndex: number, playerId: number, at: number): Promise<void> {
    await this.redis.eval(
      MARK_OFFLINE,
      2,
      this.onlineKey(gameIndex, playerId),
      this.seenKey(gameIndex, playerId),
      `|${this.connection.instanceId}`,
      String(at),
      String(30 * DAY_SECONDS),
    );
  }

  private async entries(gameIndex: number, playerIds: number[]): Promise<({ since: number; instance: string } | null)[]> {
    if (playerIds.length === 0) return [];
    const values = await this.redis.mget(playerIds.map((id) => this.onlineKey(gameIndex, id)));
    return values.map((v) => {
      if (!v) return null;
      const bar = v.indexOf('|');
      return { since: Number(v.slice(0, bar)), instance: v.slice(bar + 1) };
    });
  }

  private async aliveInstances(instances: (string | undefined)[]): Promise<Set<string>> {
    const ids = [...new Set(instances.filter((i): i is string => !!i))];
    if (ids.length === 0) return new Set();
    const values = await this.redis.mget(ids.map((id) => this.aliveKey(id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  private onlineKey(gameIndex: number, playerId: number): string {
    return this.connection.key(`presence:${gameIndex}:${playerId}`);
  }
  private seenKey(gameIndex: number, playerId: number): string {
    return this.connection.key(`seen:${gameIndex}:${playerId}`);
  }
  private aliveKey(instanceId: string): string {
    return this.connection.key(`instance:${instanceId}`);
  }
  private beatKey(instanceId: string): string {
    return this.connection.key(`instance-beat:${instanceId}`);
  }
}
