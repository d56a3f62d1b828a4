import { Global, Module } from '@nestjs/common';
import { LocalPresenceService, PresenceService } from './presence.service.js';

/** Presence for every module; the realtime issue swaps in a Redis-backed binding when REDIS_URL is set. */
@Global()
@Module({
  providers: [{ provide: PresenceService, useClass: LocalPresenceService }],
  exports: [PresenceService],
})
export class PresenceModule {}
