import { Injectable } from '@nestjs/common';
import { MessageEditsService } from '../../channel/message-edits.service.js';
import { MessageRefDto } from '../dto/message.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** The sender, or the channel owner, deletes a stored message (docs/moderation.md#editing-and-deleting-messages). */
@Packet({ type: 'DELETE_MESSAGE', body: MessageRefDto })
@Injectable()
export class DeleteMessageHandler implements PacketHandler<MessageRefDto> {
  constructor(private readonly edits: MessageEditsService) {}

  handle(session: Session, body: MessageRefDto) {
    const { gameIndex, playerId } = session.player;
    return this.edits.delete(gameIndex, body.channelId, body.messageId, playerId);
  }
}
