import { Module } from '@nestjs/common';
import { ChannelBansController } from './channel-bans.controller.js';
import { ChannelBanService } from './channel-bans.service.js';
import { ChannelModule } from './channel.module.js';

/** Channel bans and kicks (docs/moderation.md#channel-bans-and-kicks): the server API and the service KICK_MEMBER uses. */
@Module({
  imports: [ChannelModule],
  controllers: [ChannelBansController],
  providers: [ChannelBanService],
  exports: [ChannelBanService],
})
export class ChannelBansModule {}
