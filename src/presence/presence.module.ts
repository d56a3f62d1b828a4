import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../infra/config/app-config.js';
import { PresenceAudience } from './presence-audience.js';
import { LocalPresenceService, PresenceService } from './presence.service.js';
import { RedisConnection } from './redis-connection.js';
import { RedisPresenceService } from './redis-presence.service.js';

/** Presence for every module: in memory, or in Redis (shared by all instances) when REDIS_URL is set. */
@Global()
@Module({
  providers: [
    // Async: with REDIS_URL but no REDIS_CLUSTER, the server is asked whether it is a cluster first.
    { provide: RedisConnection, inject: [AppConfig], useFactory: (config: AppConfig) => RedisConnection.create(config) },
    PresenceAudience,
    {
      provide: PresenceService,
      inject: [RedisConnection, AppConfig],
      useFactory: (redis: RedisConnection, config: AppConfig) =>
        redis.enabled ? new RedisPresenceService(redis, config) : new LocalPresenceService(),
    },
  ],
  exports: [PresenceService, PresenceAudience, RedisConnection],
})
export class PresenceModule {}
