import { Injectable } from '@nestjs/common';
import { MuteService } from '../../moderation/mutes/mute.service.js';
import { MuteMemberDto } from '../dto/moderation.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** The channel owner mutes a player in its channel (docs/moderation.md#mutes); answers the mute. */
@Packet({ type: 'MUTE_MEMBER', body: MuteMemberDto })
@Injectable()
export class MuteMemberHandler implements PacketHandler<MuteMemberDto> {
  constructor(private readonly mutes: MuteService) {}

  async handle(session: Session, body: MuteMemberDto) {
    const { gameIndex, playerId } = session.player;
    return this.mutes.mute(gameIndex, body, playerId);
  }
}
