import { Injectable } from '@nestjs/common';
import type { StoredMessage } from '../../channel/chat-history.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { notifyFrame, stamp } from '../protocol/notify-packets.js';
import { BlockCache } from './block-cache.js';
import { ChannelCache, type CachedChannel } from './channel-cache.js';
import { ChatWriter } from './chat-writer.js';
import { assertMessageLength } from './message-rules.js';
import { MessageIdGenerator } from './message-id.js';

export interface ChannelChatInput {
  channelId: string;
  message: string;
  extraData?: string;
  replyMessageId?: string;
  mentionedPlayerIds?: number[];
}

/**
 * One channel message: member check and block filtering from memory, stored (group commit)
 * before the sender is answered when the channel keeps history, serialised once, pushed to
 * every other member wherever connected.
 */
@Injectable()
export class ChannelChatService {
  constructor(
    private readonly channels: ChannelCache,
    private readonly blocks: BlockCache,
    private readonly writer: ChatWriter,
    private readonly ids: MessageIdGenerator,
    private readonly delivery: DeliveryService,
  ) {}

  async send(gameIndex: number, from: number, input: ChannelChatInput): Promise<{ messageId: string; timestampMillis: number }> {
    assertMessageLength(input.message);
    const channel = await this.memberChannel(gameIndex, input.channelId, from);
    const { id, millis } = this.ids.next();
    const message: StoredMessage = {
      messageId: id,
      gameIndex,
      channelId: input.channelId,
      from,
      message: input.message,
      extraData: input.extraData ?? null,
      replyMessageId: input.replyMessageId ?? null,
      mentionedPlayerIds: input.mentionedPlayerIds ?? [],
      timestampMillis: millis,
    };
    if (channel.info.chatHistoryAllowed) await this.writer.store(message);
    const recipients = await this.recipients(gameIndex, channel, from);
    if (recipients.length) {
      const frame = notifyFrame('NOTIFY_CHANNEL_CHAT', {
        channelId: message.channelId,
        messageId: id,
        from,
        message: message.message,
        extraData: message.extraData,
        replyMessageId: message.replyMessageId,
        mentionedPlayerIds: message.mentionedPlayerIds,
        ...stamp(millis),
      });
      this.delivery.toPlayers(gameIndex, recipients, frame);
    }
    return { messageId: id, timestampMillis: millis };
  }

  /** The channel, if the sender is a member; a cache miss is confirmed against the database. */
  private async memberChannel(gameIndex: number, channelId: string, playerId: number): Promise<CachedChannel> {
    let channel = await this.channels.get(gameIndex, channelId);
    if (!channel.members.has(playerId)) channel = await this.channels.refresh(gameIndex, channelId);
    if (!channel.members.has(playerId)) {
      throw new DomainError(ErrorCode.NotInChannel, `player ${playerId} is not in channel "${channelId}"; only members may send to it`);
    }
    return channel;
  }

  /** Members other than the sender, minus blocks either way. */
  private async recipients(gameIndex: number, channel: CachedChannel, from: number): Promise<number[]> {
    const others = [...channel.members].filter((id) => id !== from);
    const [blockedBySender, lists] = await Promise.all([this.blocks.of(gameIndex, from), this.blocks.ofMany(gameIndex, others)]);
    return others.filter((id) => !blockedBySender.has(id) && !lists.get(id)?.has(from));
  }
}
