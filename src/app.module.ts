import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditModule } from './audit/audit.module.js';
import { ChannelModule } from './channel/channel.module.js';
import { ChannelBansModule } from './channel/channel-bans.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { createValidationPipe } from './common/errors/validation.js';
import { EventsModule } from './common/events/events.module.js';
import { PlayerReadsModule } from './common/player-reads.js';
import { RateLimitModule } from './common/rate-limit/rate-limit.module.js';
import { ShutdownModule } from './common/shutdown/shutdown-state.js';
import { HealthController } from './health/health.controller.js';
import { AppConfigModule } from './infra/config/app-config.module.js';
import { DatabaseModule } from './infra/database/database.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { MutesModule } from './moderation/mutes/mutes.module.js';
import { MetricsModule } from './observability/metrics/metrics.module.js';
import { PartyModule } from './party/party.module.js';
import { PlayerModule } from './player/player.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';

@Module({
  imports: [
    AppConfigModule,
    MetricsModule,
    DatabaseModule,
    PlayerReadsModule,
    ScheduleModule.forRoot(),
    EventsModule,
    ShutdownModule,
    AuditModule,
    PresenceModule,
    RateLimitModule,
    PlayerModule,
    ModerationModule,
    ChannelModule,
    MutesModule,
    ChannelBansModule,
    PartyModule,
    RealtimeModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
