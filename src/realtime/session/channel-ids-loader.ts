import { Injectable } from '@nestjs/common';
import { ChannelQueries } from '../../channel/channel-queries.js';
import { BatchLoader } from '../../common/batch-loader.js';

/**
 * "Every channel the player is in" for CONNECT/RECONNECT answers and the presence audience,
 * one statement per burst of concurrent connects (and one per connect for both uses).
 */
@Injectable()
export class ChannelIdsLoader {
  private readonly loader: BatchLoader<string[]>;

  constructor(channels: ChannelQueries) {
    this.loader = new BatchLoader((gameIndex, ids) => channels.channelIdsOfMany(gameIndex, ids), []);
  }

  of(gameIndex: number, playerId: number): Promise<string[]> {
    return this.loader.get(gameIndex, playerId);
  }
}
