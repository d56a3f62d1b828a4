import { Injectable, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../../presence/redis-connection.js';
import { MetricsService } from './metrics.service.js';

/** What pg's Pool tells about itself (the embedded database's adapter is a pg Pool of one connection too). */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * Gauges read when Prometheus scrapes, from the objects that know: the database pool (`idle`,
 * `busy` = open minus idle, `waiting` = queries queued for a connection) and, only when REDIS_URL
 * is set, whether the Redis command connection is ready (1) or not (0). Without Redis there is no
 * `partychat_redis_up` at all, so an alert on `== 0` fires only for a configured Redis.
 */
@Injectable()
export class InfraGauges {
  constructor(metrics: MetricsService, dataSource: DataSource, @Optional() redis?: RedisConnection) {
    new Gauge({
      name: 'partychat_db_pool_connections',
      help: 'Database pool connections by state (idle, busy, waiting = queries waiting for a connection)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      collect() {
        const pool = (dataSource.driver as { master?: Partial<PoolCounts> }).master;
        const total = pool?.totalCount ?? 0;
        const idle = pool?.idleCount ?? 0;
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'busy' }, Math.max(0, total - idle));
        this.set({ state: 'waiting' }, pool?.waitingCount ?? 0);
      },
    });
    if (redis?.enabled) {
      new Gauge({
        name: 'partychat_redis_up',
        help: 'Whether the Redis command connection is ready (1) or not (0); absent without REDIS_URL',
        registers: [metrics.registry],
        collect() {
          this.set(redis.available ? 1 : 0);
        },
      });
    }
  }
}
