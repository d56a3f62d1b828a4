import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppConfig } from '../infra/config/app-config.js';

/**
 * The Redis connection shared by presence and the realtime bus, or nothing when REDIS_URL is
 * unset (single-instance mode). Every key and channel name goes through `key()` so several
 * deployments or test runs can share one Redis.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  /** Commands and PUBLISH; null in single-instance mode. */
  readonly client: Redis | null;
  /** This process, as other instances see it. */
  readonly instanceId = randomUUID();
  private readonly subscribers: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    const url = config.settings.redisUrl;
    this.client = url ? this.open(url, 'commands') : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  key(name: string): string {
    return `${this.config.settings.redisPrefix}${name}`;
  }

  /** A dedicated connection for SUBSCRIBE (a subscribed connection can run nothing else). */
  subscriber(): Redis {
    if (!this.config.settings.redisUrl) throw new Error('Redis is not configured (REDIS_URL)');
    const sub = this.open(this.config.settings.redisUrl, 'subscriber');
    this.subscribers.push(sub);
    return sub;
  }

  private open(url: string, role: string): Redis {
    const redis = new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
    redis.on('error', (err) => this.logger.warn(`${role} connection: ${err.message}`));
    return redis;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const redis of [...this.subscribers, ...(this.client ? [this.client] : [])]) {
      await redis.quit().catch(() => redis.disconnect());
    }
  }
}
