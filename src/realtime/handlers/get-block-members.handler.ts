import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

@Packet({ type: 'GET_BLOCK_MEMBERS' })
@Injectable()
export class GetBlockMembersHandler implements PacketHandler {
  constructor(private readonly channels: ChannelService) {}

  async handle(session: Session) {
    const { gameIndex, playerId } = session.player;
    return { blocks: await this.channels.blocks(gameIndex, playerId) };
  }
}
