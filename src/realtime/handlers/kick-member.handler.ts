import { Injectable } from '@nestjs/common';
import { ChannelBanService } from '../../channel/channel-bans.service.js';
import { KickMemberDto } from '../dto/moderation.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/**
 * The channel owner removes a member, and bans it too when durationSeconds > 0
 * (docs/moderation.md#channel-bans-and-kicks). Answers `{channelId, playerId, ban}` (ban null for a plain kick).
 */
@Packet({ type: 'KICK_MEMBER', body: KickMemberDto })
@Injectable()
export class KickMemberHandler implements PacketHandler<KickMemberDto> {
  constructor(private readonly bans: ChannelBanService) {}

  async handle(session: Session, body: KickMemberDto) {
    const { gameIndex, playerId } = session.player;
    const ban = await this.bans.kick(gameIndex, body.channelId, playerId, body);
    return { channelId: body.channelId, playerId: body.playerId, ban };
  }
}
