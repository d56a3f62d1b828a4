import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { WordFilterService } from '../../moderation/word-filter.service.js';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import { PresenceService } from '../../presence/presence.service.js';
import { BlockCache } from '../chat/block-cache.js';
import { assertMessageLength } from '../chat/message-rules.js';
import { MuteCache } from '../chat/mute-cache.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { DirectChatDto } from '../dto/chat.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import { stamp } from '../protocol/notify-packets.js';
import type { Session } from '../session/session.js';
import { SendOnce } from '../streams/send-once.js';
import { seqFrame } from '../streams/seq-frame.js';
import { DIRECT_STREAM, directStream } from '../streams/stream-names.js';
import { Streams } from '../streams/streams.service.js';

/**
 * A 1:1 message to a connected player (not stored; ONE_ON_ONE channels are the stored kind). The
 * word filter applies as to channel messages; the response carries the text as delivered, and the
 * seq the message got in the recipient's "@direct" stream. A repeated clientMessageId gets the first answer.
 */
@Packet({ type: 'DIRECT_CHAT', body: DirectChatDto })
@Injectable()
export class DirectChatHandler implements PacketHandler<DirectChatDto> {
  constructor(
    private readonly blocks: BlockCache,
    private readonly presence: PresenceService,
    private readonly streams: Streams,
    private readonly once: SendOnce,
    private readonly delivery: DeliveryService,
    private readonly filter: WordFilterService,
    private readonly mutes: MuteCache,
    private readonly metrics: MetricsService,
  ) {}

  handle(session: Session, body: DirectChatDto) {
    const { gameIndex, playerId } = session.player;
    return this.once.run(gameIndex, playerId, body.clientMessageId, () => this.send(gameIndex, playerId, body));
  }

  private async send(gameIndex: number, playerId: number, body: DirectChatDto) {
    const arrivedAt = performance.now();
    const to = body.toPlayerId;
    if (to === playerId) throw new DomainError(ErrorCode.Validation, 'toPlayerId must be another player');
    assertMessageLength(body.message);
    // A game-wide mute stops direct messages too (from memory, docs/moderation.md#mutes).
    const muted = this.mutes.check(gameIndex, playerId, null);
    if (muted !== null) await muted;
    if (await this.blocks.blockedEitherWay(gameIndex, playerId, to)) {
      throw new DomainError(ErrorCode.UserBlocked, `players ${playerId} and ${to} are blocked; direct messages between them are refused`);
    }
    if (!(await this.presence.isOnline(gameIndex, to))) {
      throw new DomainError(ErrorCode.UserNotConnected, `player ${to} is not connected`);
    }
    const message = await this.filter.chatText(gameIndex, body.message);
    const extraData = body.extraData ?? null;
    const { id, millis, seq, frame } = await this.streams.append(directStream(gameIndex, to), playerId, (messageId, at) =>
      seqFrame('NOTIFY_DIRECT_CHAT', { messageId, from: playerId, toPlayerId: to, message, extraData, ...stamp(at) }),
    );
    this.metrics.messages.inc({ kind: 'direct' });
    this.delivery.toPlayerInStream(gameIndex, to, frame, DIRECT_STREAM, seq, arrivedAt);
    return { messageId: id, timestampMillis: millis, message, seq };
  }
}
