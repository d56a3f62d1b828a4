import { Injectable } from '@nestjs/common';
import { ChannelChatService, type ChatAnswer } from '../chat/channel-chat.service.js';
import { ChannelChatDto, fastChannelChatBody } from '../dto/chat.dto.js';
import { Later, Packet, type PacketHandler } from '../protocol/packet-handler.js';
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

  /**
   * A repeated clientMessageId gets the first answer and delivers nothing (docs/realtime.md#idempotent-sends).
   * Without one, the message answers once stored while the connection's next packet is admitted
   * (docs/realtime.md#ordering).
   */
  async handle(session: Session, body: ChannelChatDto): Promise<object | Later> {
    const { gameIndex, playerId } = session.player;
    if (body.clientMessageId === undefined) {
      const { done } = await this.chat.accept(gameIndex, playerId, body);
      return new Later(done.then((answer) => this.sent(gameIndex, playerId, body.channelId, answer)));
    }
    return this.once.run(gameIndex, playerId, body.clientMessageId, async () =>
      this.sent(gameIndex, playerId, body.channelId, await this.chat.send(gameIndex, playerId, body)),
    );
  }

  /** Sending moves the sender's read position to its message. */
  private sent(gameIndex: number, playerId: number, channelId: string, { epoch, ...answer }: ChatAnswer): Omit<ChatAnswer, 'epoch'> {
    this.unread.sent(gameIndex, playerId, channelId, epoch, answer.seq);
    return answer;
  }
}
