import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PurgeService } from './channel/purge.service.js';
import { errorText } from './common/errors/error-text.js';
import { EventsModule } from './common/events/events.module.js';
import { AppConfigModule } from './infra/config/app-config.module.js';
import { DatabaseModule } from './infra/database/database.module.js';
import { nestLogger, startupLogSettings } from './observability/logging/logger.js';
import { MetricsModule } from './observability/metrics/metrics.module.js';
import { PartyPurge } from './party/party-purge.js';
import { PartyInviteRepository } from './party/party-invite.repository.js';
import { PartyReadyCheckRepository } from './party/party-ready-check.repository.js';

/** Just what the purge needs: configuration, the database (migrated), the event publisher, the counters and the party module's purge step. */
@Module({
  imports: [AppConfigModule, MetricsModule, DatabaseModule, EventsModule],
  providers: [PurgeService, PartyInviteRepository, PartyReadyCheckRepository, PartyPurge],
})
class PurgeCliModule {}

/** `npm run purge`: one purge pass, for operators who schedule it with an external cron. */
async function main(): Promise<void> {
  const logger = new Logger('Purge');
  const app = await NestFactory.createApplicationContext(PurgeCliModule, {
    logger: nestLogger(startupLogSettings(process.env)),
  });
  try {
    const result = await app.get(PurgeService).runOnce();
    const done = `${result.channels} channels and ${result.messages} messages deleted`;
    logger.log(
      !result.skipped
        ? `done: ${done}`
        : result.channels || result.messages
          ? `another instance took the purge lock; stopped after ${done}`
          : 'another instance holds the purge lock; nothing done',
    );
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  new Logger('Purge').error(`purge failed: ${errorText(err)}`);
  process.exit(1);
});
