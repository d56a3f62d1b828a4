import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisConnection } from '../../presence/redis-connection.js';

const IN_FLIGHT = '';
/** A duplicate of a send still in flight elsewhere waits for its answer this long (checking every 50 ms). */
const WAIT_MS = 3_000;
const MAX_LOCAL = 200_000;

interface Local {
  until: number;
  answer: Promise<object>;
}

/**
 * Idempotent sends (docs/realtime.md#idempotent-sends): the first answer to a (player,
 * clientMessageId) is kept for RECONNECT_WINDOW seconds and returned to every repeat, which
 * delivers nothing. In Redis (SET NX, then the answer) in Redis mode, so a repeat sent to another
 * instance after a reconnect is caught too; in memory otherwise, or while Redis is unreachable.
 * A send that failed is forgotten: its repeat is a new attempt.
 */
@Injectable()
export class SendOnce implements OnModuleInit, OnApplicationShutdown {
  private readonly local = new Map<string, Local>();
  private readonly windowMs: number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.windowMs = Math.max(1, config.settings.reconnectWindowSeconds) * 1000;
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** `send` once per (game, player, clientMessageId); without a clientMessageId, always. */
  async run<T extends object>(
    gameIndex: number,
    playerId: number,
    clientMessageId: string | undefined,
    send: () => Promise<T>,
  ): Promise<T> {
    if (clientMessageId === undefined) return send();
    const key = `sent:${gameIndex}:${playerId}:${clientMessageId}`;
    if (this.redis.client && this.redis.available) return this.viaRedis(this.redis.key(key), send);
    const now = Date.now();
    const known = this.local.get(key);
    if (known && known.until > now) return known.answer as Promise<T>;
    if (this.local.size >= MAX_LOCAL) this.sweep(now, MAX_LOCAL / 10);
    const answer = send();
    this.local.set(key, { until: now + this.windowMs, answer });
    answer.catch(() => this.local.delete(key));
    return answer;
  }

  private async viaRedis<T extends object>(key: string, send: () => Promise<T>): Promise<T> {
    const client = this.redis.client!;
    if ((await client.set(key, IN_FLIGHT, 'PX', this.windowMs, 'NX')) === 'OK') {
      let answer: T;
      try {
        answer = await send();
      } catch (err) {
        await client.del(key).catch(() => undefined);
        throw err;
      }
      await client.set(key, JSON.stringify(answer), 'PX', this.windowMs).catch((err) => this.redis.warn('idempotent sends', err));
      return answer;
    }
    for (let waited = 0; ; waited += 50) {
      const stored = await client.get(key);
      if (stored === null) return this.viaRedis(key, send);
      if (stored !== IN_FLIGHT) return JSON.parse(stored) as T;
      if (waited >= WAIT_MS)
        throw new DomainError(ErrorCode.Busy, 'a message with this clientMessageId is still being sent; try again shortly');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Drops expired answers, and the oldest ones until `free` places are free. */
  private sweep(now = Date.now(), free = 0): void {
    for (const [key, entry] of this.local) if (entry.until <= now) this.local.delete(key);
    for (const key of this.local.keys()) {
      if (this.local.size <= MAX_LOCAL - free) break;
      this.local.delete(key);
    }
  }

  /** Tests: forgets the answers kept in memory. */
  clear(): void {
    this.local.clear();
  }
}
