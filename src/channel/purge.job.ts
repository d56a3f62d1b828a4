import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../infra/config/app-config.js';
import { PurgeService } from './purge.service.js';
import { errorText } from '../common/errors/error-text.js';

const JOB_NAME = 'channel-purge';

/** Runs the purge every PURGE_INTERVAL seconds (0 disables it: e.g. when an external cron runs `npm run purge`). */
@Injectable()
export class PurgeJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Purge');
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly purge: PurgeService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.settings.purgeIntervalSeconds;
    if (seconds <= 0) return;
    this.scheduler.addInterval(
      JOB_NAME,
      setInterval(() => this.tick(), seconds * 1000),
    );
  }

  async onModuleDestroy(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB_NAME)) this.scheduler.deleteInterval(JOB_NAME);
    await this.current;
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.purge
      .runOnce()
      .catch((err: unknown) => this.logger.error(`purge failed: ${errorText(err)}`))
      .finally(() => (this.current = null));
  }
}
