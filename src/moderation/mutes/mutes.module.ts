import { Module } from '@nestjs/common';
import { ChannelModule } from '../../channel/channel.module.js';
import { EndedRestrictionsPurge } from '../ended-restrictions.purge.js';
import { MuteService } from './mute.service.js';
import { MutesController } from './mutes.controller.js';

/**
 * Mutes (docs/moderation.md#mutes): the server API and the service MUTE_MEMBER / UNMUTE_MEMBER
 * and the realtime mute cache use. Publishes mute.changed.
 */
@Module({
  imports: [ChannelModule],
  controllers: [MutesController],
  providers: [MuteService, EndedRestrictionsPurge],
  exports: [MuteService],
})
export class MutesModule {}
