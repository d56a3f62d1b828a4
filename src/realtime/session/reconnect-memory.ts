import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisConnection } from '../../presence/redis-connection.js';

/**
 * The PUBLIC channels a player was in when the connection dropped, kept for RECONNECT_WINDOW
 * seconds. In Redis when configured, since the RECONNECT may reach another instance.
 */
@Injectable()
export class ReconnectMemory {
  private readonly local = new Map<string, { channelIds: string[]; until: number }>();
  private readonly windowSeconds: number;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.windowSeconds = config.settings.reconnectWindowSeconds;
  }

  async remember(gameIndex: number, playerId: number, channelIds: string[]): Promise<void> {
    if (this.windowSeconds === 0 || channelIds.length === 0) return;
    const key = `reconnect:${gameIndex}:${playerId}`;
    if (this.redis.client) {
      await this.redis.client.set(this.redis.key(key), JSON.stringify(channelIds), 'EX', this.windowSeconds);
      return;
    }
    const now = Date.now();
    if (this.local.size > 10_000) for (const [k, v] of this.local) if (v.until < now) this.local.delete(k);
    this.local.set(key, { channelIds, until: now + this.windowSeconds * 1000 });
  }

  /** The remembered channels (once: recalling forgets them); [] when none or the window passed. */
  async recall(gameIndex: number, playerId: number): Promise<string[]> {
    const key = `reconnect:${gameIndex}:${playerId}`;
    if (this.redis.client) {
      const raw = await this.redis.client.getdel(this.redis.key(key));
      return raw ? (JSON.parse(raw) as string[]) : [];
    }
    const entry = this.local.get(key);
    this.local.delete(key);
    return entry && entry.until >= Date.now() ? entry.channelIds : [];
  }
}
