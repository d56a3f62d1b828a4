import { type BeforeApplicationShutdown, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../infra/config/app-config.js';
import { type Login, PresenceService } from './presence.service.js';
import { RedisConnection, type RedisClient } from './redis-connection.js';

const DAY_SECONDS = 86_400;
const SEEN_SECONDS = 30 * DAY_SECONDS;
/** The suffix of a stopping instance's stand-in (see handOver). */
const STAND_IN = '-grace';
/** Presence keys written back per script call after a reconnection. */
const RESTORE_BATCH = 500;
/** Disconnects remembered for Redis while it is unreachable; past this many the oldest are dropped. */
const MAX_OFFLINE_BACKLOG = 100_000;
/** What degrades or answers busy while Redis is unreachable (log lines, error messages). */
const SHARED_PRESENCE = 'presence across instances';

/** Deletes the player's presence key only while it still names this instance (a newer login elsewhere wins). */
const MARK_OFFLINE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, -string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Writes this instance's players back (Redis restarted empty, or missed writes while unreachable).
 * KEYS: presence keys; ARGV[1]: expiry seconds, then per key its "since" and its value. A key that
 * names a later connection (a newer login on another instance) is left alone.
 */
const RESTORE = `
local n = 0
for i, key in ipairs(KEYS) do
  local since = tonumber(ARGV[2 * i])
  local v = redis.call('GET', key)
  local bar = v and string.find(v, '|', 1, true)
  local held = bar and tonumber(string.sub(v, 1, bar - 1))
  if not held or held <= since then
    redis.call('SET', key, ARGV[2 * i + 1], 'EX', ARGV[1])
    n = n + 1
  end
end
return n`;

interface MarkOffline {
  pcMarkOffline(...args: string[]): Promise<unknown>;
}

/** A presence value, "{since}|{instanceId}". */
function parseEntry(value: string | null): { since: number; instance: string } | null {
  if (!value) return null;
  const bar = value.indexOf('|');
  return { since: Number(value.slice(0, bar)), instance: value.slice(bar + 1) };
}

interface LocalPlayer {
  gameIndex: number;
  playerId: number;
  since: number;
}

interface OfflineMark {
  gameIndex: number;
  playerId: number;
  at: number;
}

/**
 * Presence across instances. A player key `presence:{game:player}` = "{since}|{instanceId}"
 * says where the player is connected; it counts only while that instance's heartbeat key
 * `instance:{id}` (expiry PRESENCE_TTL, refreshed every third of it) exists. The braces are hash
 * tags: a player's keys (and an instance's) share one Redis Cluster slot, different players'
 * keys spread over all of them. So a crashed
 * instance's players go offline within PRESENCE_TTL seconds, at the cost of one Redis write
 * per instance per beat, not one per connected player.
 *
 * Redis is not the only copy of this instance's part: its own players are also kept here. While
 * Redis is unreachable, member lists show those (others as offline), checks about other players
 * answer busy, and disconnects wait in a backlog; when Redis is back (possibly empty), the
 * heartbeat, the backlog and every local player's key are written again.
 */
@Injectable()
export class RedisPresenceService extends PresenceService implements OnModuleInit, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private readonly redis: RedisClient;
  private readonly ttlMs: number;
  /** This instance's connected players, by "game:player". */
  private readonly local = new Map<string, LocalPlayer>();
  /** Disconnects Redis has not heard of yet, by "game:player". */
  private readonly offlineBacklog = new Map<string, OfflineMark>();
  /** A write was missed while the connection stayed up (a timeout): the next beat writes everything back. */
  private dirty = false;

  constructor(
    private readonly connection: RedisConnection,
    config: AppConfig,
  ) {
    super();
    this.redis = connection.client!;
    // Sent by its SHA once Redis knows it (EVALSHA), not as text on every disconnect.
    this.redis.defineCommand('pcMarkOffline', { numberOfKeys: 2, lua: MARK_OFFLINE });
    this.ttlMs = config.settings.presenceTtlSeconds * 1000;
    connection.onReconnected(() => this.restore());
  }

  async onModuleInit(): Promise<void> {
    await this.connection.whenReady();
    await this.beat();
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Before the Redis connection closes (that happens in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Graceful stop: this instance's players go offline at once, not after the TTL.
    if (this.connection.available) await this.redis.del(this.aliveKey(this.connection.instanceId)).catch(() => undefined);
  }

  /** Stops the heartbeat without cleaning up, as a crash would (tests). */
  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (!this.connection.available) return;
    if (this.dirty) return this.restore();
    await this.beat().catch((err) => this.missed('the instance heartbeat', err));
  }

  private async beat(): Promise<void> {
    const id = this.connection.instanceId;
    await this.redis
      .multi()
      .set(this.aliveKey(id), '1', 'PX', this.ttlMs)
      .set(this.beatKey(id), String(Date.now()), 'EX', DAY_SECONDS)
      .exec();
  }

  /**
   * Writes back everything this instance keeps in Redis. Every command is sent before the first
   * answer is awaited, so a login or disconnect handled meanwhile is sent after it and wins.
   */
  private async restore(): Promise<void> {
    this.dirty = false;
    const writes: Promise<unknown>[] = [this.beat()];
    for (const mark of [...this.offlineBacklog.values()]) {
      this.offlineBacklog.delete(this.localKey(mark.gameIndex, mark.playerId));
      writes.push(
        this.sendOffline(mark).catch((err) => {
          this.keepOffline(mark);
          throw err;
        }),
      );
    }
    const players = [...this.local.values()];
    const value = (p: LocalPlayer) => `${p.since}|${this.connection.instanceId}`;
    // A script's keys must share a slot on a cluster: one key per call there (pipelined per node).
    const batchSize = this.connection.cluster ? 1 : RESTORE_BATCH;
    for (let i = 0; i < players.length; i += batchSize) {
      const batch = players.slice(i, i + batchSize);
      const keys = batch.map((p) => this.onlineKey(p.gameIndex, p.playerId));
      writes.push(
        this.redis.eval(RESTORE, keys.length, ...keys, String(DAY_SECONDS), ...batch.flatMap((p) => [String(p.since), value(p)])),
      );
    }
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) this.missed('writing presence back', failed.reason);
  }

  async connectedSince(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    if (this.connection.available) {
      try {
        return await this.sharedConnectedSince(gameIndex, playerIds);
      } catch (err) {
        this.connection.warn(SHARED_PRESENCE, err);
      }
    } else {
      this.connection.warn(SHARED_PRESENCE);
    }
    return new Map(playerIds.map((id) => [id, this.local.get(this.localKey(gameIndex, id))?.since ?? null]));
  }

  async isOnline(gameIndex: number, playerId: number): Promise<boolean> {
    if (this.local.has(this.localKey(gameIndex, playerId))) return true;
    if (!this.connection.available) throw this.connection.busy(SHARED_PRESENCE);
    try {
      return (await this.sharedConnectedSince(gameIndex, [playerId])).get(playerId) != null;
    } catch (err) {
      throw this.connection.busy(SHARED_PRESENCE, err);
    }
  }

  async lastSeen(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    if (playerIds.every((id) => this.local.has(this.localKey(gameIndex, id)))) {
      const now = Date.now();
      return new Map(playerIds.map((id) => [id, now]));
    }
    if (!this.connection.available) throw this.connection.busy(SHARED_PRESENCE);
    try {
      return await this.sharedLastSeen(gameIndex, playerIds);
    } catch (err) {
      throw this.connection.busy(SHARED_PRESENCE, err);
    }
  }

  /**
   * Writes the player's key and reads what it held in the same command (SET ... GET), so of two
   * logins on different instances the later one in Redis's order learns of the earlier, whose
   * instance it tells (a targeted claim), and no other instance hears of it.
   */
  async markOnline(gameIndex: number, playerId: number, since: number): Promise<Login> {
    const key = this.localKey(gameIndex, playerId);
    const here = this.local.has(key);
    this.local.set(key, { gameIndex, playerId, since });
    this.offlineBacklog.delete(key);
    if (!this.connection.available) {
      // Not written now: the reconnection writes every local player back.
      this.connection.warn(SHARED_PRESENCE);
      return { wasOnline: here, replaced: undefined };
    }
    let previous: { since: number; instance: string } | null;
    try {
      previous = parseEntry(
        await this.redis.set(this.onlineKey(gameIndex, playerId), `${since}|${this.connection.instanceId}`, 'EX', DAY_SECONDS, 'GET'),
      );
    } catch (err) {
      this.missed(SHARED_PRESENCE, err);
      return { wasOnline: here, replaced: undefined };
    }
    if (!previous) return { wasOnline: here, replaced: null };
    // A stopping instance's players are held by its stand-in (handOver); a connection still open there is its own.
    const instance = previous.instance.endsWith(STAND_IN) ? previous.instance.slice(0, -STAND_IN.length) : previous.instance;
    const replaced = instance === this.connection.instanceId ? null : { instance, since: previous.since };
    if (here) return { wasOnline: true, replaced };
    try {
      return { wasOnline: (await this.aliveInstances([previous.instance])).size > 0, replaced };
    } catch {
      return { wasOnline: false, replaced };
    }
  }

  async markOffline(gameIndex: number, playerId: number, at: number): Promise<void> {
    const mark = { gameIndex, playerId, at };
    this.local.delete(this.localKey(gameIndex, playerId));
    if (!this.connection.available) {
      this.keepOffline(mark);
      return this.connection.warn(SHARED_PRESENCE);
    }
    await this.sendOffline(mark).catch((err) => {
      this.keepOffline(mark);
      this.missed(SHARED_PRESENCE, err);
    });
  }

  released(gameIndex: number, playerId: number, since: number): void {
    const key = this.localKey(gameIndex, playerId);
    if (this.local.get(key)?.since === since) this.local.delete(key);
  }

  /**
   * The players' keys name a stand-in for this instance whose heartbeat key lives `graceMs`: they
   * count as online that long after this instance's own heartbeat is gone (deleted at shutdown).
   */
  override async handOver(players: { gameIndex: number; playerId: number; since: number }[], graceMs: number): Promise<void> {
    if (players.length === 0 || !this.connection.available) return;
    const standIn = `${this.connection.instanceId}${STAND_IN}`;
    for (const p of players) this.local.delete(this.localKey(p.gameIndex, p.playerId));
    const point = (p: { gameIndex: number; playerId: number; since: number }) =>
      [this.onlineKey(p.gameIndex, p.playerId), `${p.since}|${standIn}`, 'EX', DAY_SECONDS] as const;
    const handOver = async () => {
      if (!this.connection.cluster) {
        const multi = this.redis.multi().set(this.aliveKey(standIn), '1', 'PX', graceMs);
        for (const p of players) multi.set(...point(p));
        return multi.exec();
      }
      // The keys are in many slots: no transaction on a cluster. The stand-in first, so no player reads as offline meanwhile.
      await this.redis.set(this.aliveKey(standIn), '1', 'PX', graceMs);
      return Promise.all(players.map((p) => this.redis.set(...point(p))));
    };
    await handOver().catch((err) => this.connection.warn('handing presence over at shutdown', err));
  }

  private sendOffline({ gameIndex, playerId, at }: OfflineMark): Promise<unknown> {
    return (this.redis as unknown as MarkOffline).pcMarkOffline(
      this.onlineKey(gameIndex, playerId),
      this.seenKey(gameIndex, playerId),
      `|${this.connection.instanceId}`,
      String(at),
      String(SEEN_SECONDS),
    );
  }

  /** Remembers a disconnect for Redis, unless the player connected here again since. */
  private keepOffline(mark: OfflineMark): void {
    const key = this.localKey(mark.gameIndex, mark.playerId);
    if (this.local.has(key) || (this.offlineBacklog.get(key)?.at ?? -1) > mark.at) return;
    this.offlineBacklog.delete(key);
    if (this.offlineBacklog.size >= MAX_OFFLINE_BACKLOG) this.offlineBacklog.delete(this.offlineBacklog.keys().next().value!);
    this.offlineBacklog.set(key, mark);
  }

  private missed(what: string, err: unknown): void {
    this.dirty = true;
    this.connection.warn(what, err);
  }

  private async sharedConnectedSince(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    const entries = await this.entries(gameIndex, playerIds);
    const alive = await this.aliveInstances(entries.map((e) => e?.instance));
    return new Map(playerIds.map((id, i) => [id, entries[i] && alive.has(entries[i].instance) ? entries[i].since : null]));
  }

  private async sharedLastSeen(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    if (playerIds.length === 0) return new Map();
    const [entries, seen] = await Promise.all([
      this.entries(gameIndex, playerIds),
      this.connection.getMany(playerIds.map((id) => this.seenKey(gameIndex, id))),
    ]);
    const alive = await this.aliveInstances(entries.map((e) => e?.instance));
    const dead = [...new Set(entries.filter((e) => e && !alive.has(e.instance)).map((e) => e!.instance))];
    const lastBeats = new Map<string, number>();
    if (dead.length) {
      const beats = await this.connection.getMany(dead.map((id) => this.beatKey(id)));
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

  private async entries(gameIndex: number, playerIds: number[]): Promise<({ since: number; instance: string } | null)[]> {
    if (playerIds.length === 0) return [];
    const values = await this.connection.getMany(playerIds.map((id) => this.onlineKey(gameIndex, id)));
    return values.map(parseEntry);
  }

  private async aliveInstances(instances: (string | undefined)[]): Promise<Set<string>> {
    const ids = [...new Set(instances.filter((i): i is string => !!i))];
    if (ids.length === 0) return new Set();
    const values = await this.connection.getMany(ids.map((id) => this.aliveKey(id)));
    return new Set(ids.filter((_, i) => values[i] !== null));
  }

  private localKey(gameIndex: number, playerId: number): string {
    return `${gameIndex}:${playerId}`;
  }
  private onlineKey(gameIndex: number, playerId: number): string {
    return this.connection.key(`presence:{${gameIndex}:${playerId}}`);
  }
  private seenKey(gameIndex: number, playerId: number): string {
    return this.connection.key(`seen:{${gameIndex}:${playerId}}`);
  }
  private aliveKey(instanceId: string): string {
    return this.connection.key(`instance:{${instanceId}}`);
  }
  private beatKey(instanceId: string): string {
    return this.connection.key(`instance-beat:{${instanceId}}`);
  }
}
