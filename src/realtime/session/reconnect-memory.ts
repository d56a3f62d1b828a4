import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisConnection } from '../../presence/redis-connection.js';

/** What degrades or answers busy while Redis is unreachable (log lines, error messages). */
const SHARED_MEMORY = 'the PUBLIC channels to restore on RECONNECT';

interface Memory {
  channelIds: string[];
  until: number;
}

/**
 * The PUBLIC channels a player was in when the connection dropped, kept for RECONNECT_WINDOW
 * seconds. In Redis when configured, since the RECONNECT may reach another instance. What could
 * not be written there (Redis unreachable) is kept here, serves a RECONNECT to this instance, and
 * goes to Redis when it is back; a RECONNECT whose memory may be in an unreachable Redis is busy.
 */
@Injectable()
export class ReconnectMemory {
  /** Without Redis: every memory. With Redis: those not written there yet. */
  private readonly local = new Map<string, Memory>();
  private readonly windowSeconds: number;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.windowSeconds = config.settings.reconnectWindowSeconds;
    redis.onReconnected(() => this.flush());
  }

  async remember(gameIndex: number, playerId: number, channelIds: string[]): Promise<void> {
    if (this.windowSeconds === 0 || channelIds.length === 0) return;
    const key = `reconnect:${gameIndex}:${playerId}`;
    const client = this.redis.client;
    if (client && this.redis.available) {
      try {
        await client.set(this.redis.key(key), JSON.stringify(channelIds), 'EX', this.windowSeconds);
        return;
      } catch (err) {
        this.redis.warn(SHARED_MEMORY, err);
      }
    } else if (client) {
      this.redis.warn(SHARED_MEMORY);
    }
    const now = Date.now();
    if (this.local.size > 10_000) for (const [k, v] of this.local) if (v.until < now) this.local.delete(k);
    this.local.set(key, { channelIds, until: now + this.windowSeconds * 1000 });
  }

  /** The remembered channels (once: recalling forgets them); [] when none or the window passed. */
  async recall(gameIndex: number, playerId: number): Promise<string[]> {
    const key = `reconnect:${gameIndex}:${playerId}`;
    const entry = this.local.get(key);
    this.local.delete(key);
    const client = this.redis.client;
    const kept = entry && entry.until >= Date.now() ? entry.channelIds : [];
    if (!client) return kept;
    if (entry) {
      // Newer than anything Redis may hold for the player, which goes.
      if (this.redis.available) client.del(this.redis.key(key)).catch(() => undefined);
      return kept;
    }
    if (!this.redis.available) throw this.redis.busy(SHARED_MEMORY);
    let raw: string | null;
    try {
      raw = await client.getdel(this.redis.key(key));
    } catch (err) {
      throw this.redis.busy(SHARED_MEMORY, err);
    }
    return raw ? (JSON.parse(raw) as string[]) : [];
  }

  /** Redis is back: the memories kept here go there, for the rest of their window. */
  private async flush(): Promise<void> {
    const client = this.redis.client!;
    const now = Date.now();
    const writes: Promise<unknown>[] = [];
    for (const [key, entry] of [...this.local]) {
      this.local.delete(key);
      if (entry.until <= now) continue;
      writes.push(
        client.set(this.redis.key(key), JSON.stringify(entry.channelIds), 'PX', entry.until - now).catch((err) => {
          if (!this.local.has(key)) this.local.set(key, entry);
          throw err;
        }),
      );
    }
    const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
    if (failed) this.redis.warn(SHARED_MEMORY, failed.reason);
  }
}
