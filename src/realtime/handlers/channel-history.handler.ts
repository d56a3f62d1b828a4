import { Injectable } from '@nestjs/common';
import { ChatHistoryService } from '../../channel/chat-history.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { ChannelHistoryDto } from '../dto/channel.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** The HTTP history (docs/chat-api.md) for a member of the channel. */
@Packet({ type: 'CHANNEL_HISTORY', body: ChannelHistoryDto })
@Injectable()
export class ChannelHistoryHandler implements PacketHandler<ChannelHistoryDto> {
  constructor(
    private readonly cache: ChannelCache,
    private readonly history: ChatHistoryService,
  ) {}

  async handle(session: Session, body: ChannelHistoryDto) {
    const { gameIndex, playerId } = session.player;
    let channel = await this.cache.get(gameIndex, body.channelId);
    if (!channel.members.has(playerId)) channel = await this.cache.refresh(gameIndex, body.channelId);
    if (!channel.members.has(playerId)) {
      throw new DomainError(
        ErrorCode.NotInChannel,
        `player ${playerId} is not in channel "${body.channelId}"; only members may read its history`,
      );
    }
    return this.history.history(gameIndex, body.channelId, { messageId: body.messageId, prevSize: body.prevSize, nextSize: body.nextSize });
  }
}
