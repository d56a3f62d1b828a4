import { Injectable } from '@nestjs/common';
import { ChannelChatService } from '../chat/channel-chat.service.js';
import { ChannelChatDto, fastChannelChatBody } from '../dto/chat.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';
import { SendOnce } from '../streams/send-once.js';
import { UnreadService } from '../streams/unread.service.js';

@Packet({ type: 'CHANNEL_CHAT', body: ChannelChatDto, fastBody: fastChannelChatBody })
@Injectable()
export class ChannelChatHandler implements PacketHandler<ChannelChatDto> {
  constructor(
    private readonly chat: ChannelChatService,
    private readonly once: SendOnce,
    private readonly unread: UnreadService,
  ) {}

  /** A repeated clientMessageId gets the first answer and delivers nothing (docs/realtime.md#idempotent-sends). */
  handle(session: Session, body: ChannelChatDto) {
    const { gameIndex, playerId } = session.player;
    return this.once.run(gameIndex, playerId, body.clientMessageId, async () => {
      const { epoch, ...answer } = await this.chat.send(gameIndex, playerId, body);
      // Sending moves the sender's read position to its message.
      this.unread.sent(gameIndex, playerId, body.channelId, epoch, answer.seq);
      return answer;
    });
  }
}
