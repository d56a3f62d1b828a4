import { Injectable } from '@nestjs/common';
import { MuteService } from '../../moderation/mutes/mute.service.js';
import { ChannelMemberDto } from '../dto/moderation.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** The channel owner lifts a mute of its channel (docs/moderation.md#mutes). */
@Packet({ type: 'UNMUTE_MEMBER', body: ChannelMemberDto })
@Injectable()
export class UnmuteMemberHandler implements PacketHandler<ChannelMemberDto> {
  constructor(private readonly mutes: MuteService) {}

  async handle(session: Session, body: ChannelMemberDto) {
    const { gameIndex, playerId } = session.player;
    await this.mutes.unmute(gameIndex, body.playerId, body.channelId, playerId);
    return { channelId: body.channelId, playerId: body.playerId };
  }
}
