import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { ChannelRefDto } from '../dto/channel.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

@Packet({ type: 'EXIT_CHANNEL', body: ChannelRefDto })
@Injectable()
export class ExitChannelHandler implements PacketHandler<ChannelRefDto> {
  constructor(private readonly channels: ChannelService) {}

  async handle(session: Session, body: ChannelRefDto) {
    const { gameIndex, playerId } = session.player;
    await this.channels.exit(gameIndex, body.channelId, playerId);
    return { channelId: body.channelId };
  }
}
