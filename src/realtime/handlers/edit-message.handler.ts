import { Injectable } from '@nestjs/common';
import { MessageEditsService } from '../../channel/message-edits.service.js';
import { WordFilterService } from '../../moderation/word-filter.service.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { assertMessageLength } from '../chat/message-rules.js';
import { MuteCache } from '../chat/mute-cache.js';
import { EditMessageDto } from '../dto/message.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/**
 * The sender changes the text of its stored message within EDIT_WINDOW seconds
 * (docs/moderation.md#editing-and-deleting-messages). The chat rules of a new message apply to the
 * new text (length 204, a mute of the sender in that channel or game-wide 403/310, word filter:
 * masked, or 312); the response carries it as stored. Counted by the chat rate limit (RATE_CHAT),
 * like CHANNEL_CHAT.
 */
@Packet({ type: 'EDIT_MESSAGE', body: EditMessageDto })
@Injectable()
export class EditMessageHandler implements PacketHandler<EditMessageDto> {
  constructor(
    private readonly edits: MessageEditsService,
    private readonly filter: WordFilterService,
    private readonly channels: ChannelCache,
    private readonly mutes: MuteCache,
  ) {}

  async handle(session: Session, body: EditMessageDto) {
    const { gameIndex, playerId } = session.player;
    assertMessageLength(body.message);
    // A muted player may not change what it said either (from memory, docs/moderation.md#mutes).
    const channel = await this.channels.get(gameIndex, body.channelId);
    const muted = this.mutes.check(gameIndex, playerId, channel.info);
    if (muted !== null) await muted;
    const text = await this.filter.chatText(gameIndex, body.message);
    return this.edits.edit(gameIndex, body.channelId, body.messageId, playerId, text);
  }
}
