import { Controller, Get, HttpException, HttpStatus, type OnModuleDestroy } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../presence/redis-connection.js';
import { ShutdownState } from '../common/shutdown/shutdown-state.js';

/** Longest wait for the database or Redis to answer a readiness check (both are asked at once). */
const CHECK_TIMEOUT_MS = 1_000;

type Check = 'ok' | 'unreachable';

/** Resolves 'ok' when `probe` succeeds within CHECK_TIMEOUT_MS, else 'unreachable'. */
async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Check>((resolve) => (timer = setTimeout(() => resolve('unreachable'), CHECK_TIMEOUT_MS)));
  const answer = probe().then(
    (): Check => 'ok',
    (): Check => 'unreachable',
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness and readiness (docs/operations.md#health-routes). */
@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleDestroy {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnection,
    private readonly shutdown: ShutdownState,
  ) {}

  /**
   * The first shutdown hook Nest runs (this controller belongs to the root module, whose hooks come
   * first): readiness turns 503 before anything else stops.
   */
  onModuleDestroy(): void {
    this.shutdown.begin();
  }

  /** Liveness: the process answers. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers a query and Redis (when configured) a PING, each within a second; 503 once shutting down. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; database: 'ok'; redis?: 'ok' }> {
    if (this.shutdown.draining) throw new HttpException({ status: 'shutting down' }, HttpStatus.SERVICE_UNAVAILABLE);
    const client = this.redis.client;
    const [database, redis] = await Promise.all([
      check(() => this.dataSource.query('SELECT 1')),
      client ? check(() => client.ping()) : undefined,
    ]);
    const body = redis === undefined ? { database } : { database, redis };
    if (database !== 'ok' || (redis !== undefined && redis !== 'ok')) {
      throw new HttpException({ status: 'error', ...body }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', database: 'ok', ...(redis ? { redis: 'ok' as const } : {}) };
  }
}
