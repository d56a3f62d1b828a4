import { Injectable } from '@nestjs/common';
import { MarkReadDto } from '../dto/unread.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';
import { UnreadService } from '../streams/unread.service.js';

/** Stores the player's read position in a channel; answers the channel's unread count. */
@Packet({ type: 'MARK_READ', body: MarkReadDto })
@Injectable()
export class MarkReadHandler implements PacketHandler<MarkReadDto> {
  constructor(private readonly unread: UnreadService) {}

  handle(session: Session, body: MarkReadDto) {
    const { gameIndex, playerId } = session.player;
    return this.unread.markRead(gameIndex, playerId, body.channelId, body.seq);
  }
}
