import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { PresenceAudience } from '../../presence/presence-audience.js';
import { ChannelCache } from '../chat/channel-cache.js';

/** Contributes "players sharing a channel" to the NOTIFY_PRESENCE audience. */
@Injectable()
export class ChannelAudienceSource implements OnModuleInit {
  constructor(
    private readonly audience: PresenceAudience,
    private readonly channels: ChannelService,
    private readonly cache: ChannelCache,
  ) {}

  onModuleInit(): void {
    this.audience.register(async (gameIndex, playerId) => {
      const ids = new Set<number>();
      for (const channelId of await this.channels.channelIdsOf(gameIndex, playerId)) {
        const channel = await this.cache.get(gameIndex, channelId).catch(() => null);
        for (const id of channel?.members ?? []) ids.add(id);
      }
      return ids;
    });
  }
}
