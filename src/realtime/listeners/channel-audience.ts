import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PresenceAudience } from '../../presence/presence-audience.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { ChannelIdsLoader } from '../session/channel-ids-loader.js';

/** Contributes "players sharing a channel" to the NOTIFY_PRESENCE audience. */
@Injectable()
export class ChannelAudienceSource implements OnModuleInit {
  constructor(
    private readonly audience: PresenceAudience,
    private readonly channelIds: ChannelIdsLoader,
    private readonly cache: ChannelCache,
  ) {}

  onModuleInit(): void {
    this.audience.register(async (gameIndex, playerId) => {
      const ids = new Set<number>();
      const channelIds = await this.channelIds.of(gameIndex, playerId);
      if (channelIds.length === 0) return ids;
      const channels = await Promise.all(channelIds.map((channelId) => this.cache.get(gameIndex, channelId).catch(() => null)));
      for (const channel of channels) for (const id of channel?.members ?? []) ids.add(id);
      return ids;
    });
  }
}
