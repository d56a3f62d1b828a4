import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ShutdownState } from '../common/shutdown/shutdown-state.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers a query, and the instance is not shutting down. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; database: 'ok' }> {
    if (this.shutdown.draining) throw new HttpException({ status: 'error', shutdown: 'draining' }, HttpStatus.SERVICE_UNAVAILABLE);
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'error', database: 'unreachable' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', database: 'ok' };
  }
}
