import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { PlayerRefDto } from '../dto/player.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

@Packet({ type: 'BLOCK_MEMBER', body: PlayerRefDto })
@Injectable()
export class BlockMemberHandler implements PacketHandler<PlayerRefDto> {
  constructor(private readonly channels: ChannelService) {}

  async handle(session: Session, body: PlayerRefDto) {
    const { gameIndex, playerId } = session.player;
    await this.channels.block(gameIndex, playerId, body.playerId);
    return { playerId: body.playerId };
  }
}
