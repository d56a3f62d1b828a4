import { Injectable } from '@nestjs/common';
import { GetUnreadDto } from '../dto/unread.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';
import { UnreadService } from '../streams/unread.service.js';

/** Unread counts of the given channels the player is in, or of all of them (no message is scanned). */
@Packet({ type: 'GET_UNREAD', body: GetUnreadDto })
@Injectable()
export class GetUnreadHandler implements PacketHandler<GetUnreadDto> {
  constructor(private readonly unread: UnreadService) {}

  async handle(session: Session, body: GetUnreadDto) {
    const { gameIndex, playerId } = session.player;
    return { channels: await this.unread.unread(gameIndex, playerId, body.channelIds) };
  }
}
