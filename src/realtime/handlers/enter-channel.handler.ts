import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { ChatTopics } from '../delivery/chat-topics.js';
import { EnterChannelDto } from '../dto/channel.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';
import { Streams } from '../streams/streams.service.js';
import { UnreadService } from '../streams/unread.service.js';

/** The same ChannelService.enter as the HTTP API: same rules, limits and codes. */
@Packet({ type: 'ENTER_CHANNEL', body: EnterChannelDto })
@Injectable()
export class EnterChannelHandler implements PacketHandler<EnterChannelDto> {
  constructor(
    private readonly channels: ChannelService,
    private readonly streams: Streams,
    private readonly unread: UnreadService,
    private readonly topics: ChatTopics,
  ) {}

  async handle(session: Session, body: EnterChannelDto) {
    const { gameIndex, playerId } = session.player;
    await this.channels.enter(gameIndex, body.channelId, playerId, { password: body.password });
    // The channel's pushes reach this instance before its position is read.
    await this.topics.enter(gameIndex, playerId, body.channelId);
    // The channel's latest position: the messages after it are pushed to the new member.
    const [position] = await this.streams.positions(gameIndex, playerId, [body.channelId], false);
    // Also done on the channel.entered event; here too so that the answer follows the write.
    await this.unread.entered(gameIndex, playerId, body.channelId);
    return { channelId: body.channelId, ...(position ? { position } : {}) };
  }
}
