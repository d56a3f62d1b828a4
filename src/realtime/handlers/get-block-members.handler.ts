import { Injectable } from '@nestjs/common';
import { BlockService } from '../../channel/block.service.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

@Packet({ type: 'GET_BLOCK_MEMBERS' })
@Injectable()
export class GetBlockMembersHandler implements PacketHandler {
  constructor(private readonly blocks: BlockService) {}

  async handle(session: Session) {
    const { gameIndex, playerId } = session.player;
    return { blocks: await this.blocks.list(gameIndex, playerId) };
  }
}
