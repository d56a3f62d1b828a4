import { Injectable } from '@nestjs/common';
import type { StoredMessage } from '../../channel/chat-history.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { WordFilterService } from '../../moderation/word-filter.service.js';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { stamp } from '../protocol/notify-packets.js';
import { SessionRegistry } from '../session/session-registry.js';
import type { Session } from '../session/session.js';
import { seqFrame } from '../streams/seq-frame.js';
import { type StreamRef, channelStream } from '../streams/stream-names.js';
import type { Appended } from '../streams/stream-store.js';
import { Streams } from '../streams/streams.service.js';
import { BlockCache } from './block-cache.js';
import { ChannelCache, type CachedChannel } from './channel-cache.js';
import { ChatWriter } from './chat-writer.js';
import { assertMessageLength } from './message-rules.js';
import { MuteCache } from './mute-cache.js';
import { SlowMode } from './slow-mode.js';

/** A member connected to this instance, with its block list (null when empty). */
interface LocalRecipient {
  id: number;
  session: Session;
  blocks: Set<number> | null;
}

/**
 * A channel's members split into this instance's sockets and the rest, with their block lists;
 * derived once and reused for every message until membership, sessions or blocks change.
 */
interface Recipients {
  channelVersion: number;
  sessionsVersion: number;
  blocksVersion: number;
  local: LocalRecipient[];
  remote: { id: number; blocks: Set<number> | null }[];
}

const CHANNEL_KIND = { kind: 'channel' } as const;

export interface ChatAnswer {
  messageId: string;
  timestampMillis: number;
  message: string;
  seq: number;
  epoch: string;
}

export interface ChannelChatInput {
  channelId: string;
  message: string;
  extraData?: string;
  replyMessageId?: string;
  mentionedPlayerIds?: number[];
}

/**
 * One channel message: member check, mutes, slow mode, word filter and block filtering from memory,
 * numbered in the channel's stream (its push serialised once, seq included), stored (group commit)
 * before the sender is answered when the channel keeps history, pushed to every other member
 * wherever connected. The seq is final before the row is written or anyone sees the message, and
 * ids rise with seq in a stream, so history (id order) is seq order.
 */
@Injectable()
export class ChannelChatService {
  constructor(
    private readonly channels: ChannelCache,
    private readonly blocks: BlockCache,
    private readonly writer: ChatWriter,
    private readonly streams: Streams,
    private readonly delivery: DeliveryService,
    private readonly sessions: SessionRegistry,
    private readonly slowMode: SlowMode,
    private readonly filter: WordFilterService,
    private readonly mutes: MuteCache,
    private readonly metrics: MetricsService,
  ) {}

  /** The response body (without `epoch`) carries the text as delivered (masked by the word filter, if it was). */
  async send(gameIndex: number, from: number, input: ChannelChatInput): Promise<ChatAnswer> {
    return (await this.accept(gameIndex, from, input)).done;
  }

  /**
   * Admits a message: every check, then its numbering is issued. `done` settles once it is
   * numbered, stored (history) and pushed. The sender's next message may be admitted before `done`:
   * numbering (in the order issued), storing (group commit, in numbering order) and pushing all
   * follow admission order, so a sender's messages keep their order (docs/realtime.md#ordering).
   * In slow mode a message is admitted only once the previous one is done (slow mode counts
   * accepted messages).
   */
  async accept(gameIndex: number, from: number, input: ChannelChatInput): Promise<{ done: Promise<ChatAnswer> }> {
    const arrivedAt = performance.now();
    assertMessageLength(input.message);
    const channel = await this.memberChannel(gameIndex, input.channelId, from);
    // From memory: a Map lookup for a player who is not muted.
    const muted = this.mutes.check(gameIndex, from, channel.info);
    if (muted !== null) await muted;
    // A refused message (too soon, or holding a filtered word in refuse mode) changes nothing.
    const slowKey = this.slowMode.check(gameIndex, channel.info, from);
    const delivered = await this.filter.chatText(gameIndex, input.message);
    const history = channel.info.chatHistoryAllowed;
    const stream = channelStream(gameIndex, input.channelId, history);
    const extraData = input.extraData ?? null;
    const replyMessageId = input.replyMessageId ?? null;
    const mentionedPlayerIds = input.mentionedPlayerIds ?? [];
    // Who gets it is decided before numbering: after it nothing awaits but the commit, so pushes
    // keep the order of numbering. Without history the push for other instances goes out with the
    // numbering itself (one Redis round trip, see streams/redis-stream-scripts.ts).
    const { local, remote } = await this.audience(gameIndex, channel, from);
    const publish = history ? undefined : this.delivery.remoteInStream(gameIndex, remote, input.channelId, arrivedAt);
    const build = (messageId: string, at: number) =>
      seqFrame('NOTIFY_CHANNEL_CHAT', {
        channelId: input.channelId,
        messageId,
        from,
        message: delivered,
        extraData,
        replyMessageId,
        mentionedPlayerIds,
        ...stamp(at),
        editedAtMillis: null,
      });
    // Not awaited: the sender's next message may be numbered meanwhile, in turn (Streams.append).
    const done = this.streams.append(stream, from, build, publish).then((appended) =>
      this.complete(
        appended,
        { gameIndex, channelId: input.channelId, stream, from, arrivedAt, local, remote, history },
        {
          message: delivered,
          extraData,
          replyMessageId,
          mentionedPlayerIds,
        },
      ),
    );
    if (slowKey === null) return { done };
    await done;
    this.slowMode.accepted(slowKey, channel.info);
    return { done };
  }

  /**
   * A numbered message: stored first when the channel keeps history (group commit resolves in
   * queue order), then pushed without awaiting anything, so pushes keep seq order.
   */
  private async complete(
    appended: Appended,
    to: {
      gameIndex: number;
      channelId: string;
      stream: StreamRef;
      from: number;
      arrivedAt: number;
      local: Session[];
      remote: number[];
      history: boolean;
    },
    content: Pick<StoredMessage, 'message' | 'extraData' | 'replyMessageId' | 'mentionedPlayerIds'>,
  ): Promise<ChatAnswer> {
    const { id, millis, seq, epoch } = appended;
    const { gameIndex, channelId, local, remote, arrivedAt } = to;
    if (to.history) {
      try {
        await this.writer.store({ messageId: id, gameIndex, channelId, from: to.from, ...content, timestampMillis: millis, seq });
      } catch (err) {
        await this.streams.retract(to.stream, seq);
        throw err;
      }
    }
    this.metrics.messages.inc(CHANNEL_KIND);
    if (local.length) {
      // Serialised and encoded once; the same bytes go to every socket.
      const frame = Buffer.from(appended.frame, 'utf8');
      for (const session of local) session.sendInStream(channelId, seq, frame);
    }
    this.metrics.delivered(arrivedAt, local.length);
    if (remote.length && !appended.published) this.delivery.toRemoteInStream(gameIndex, remote, appended.frame, channelId, seq, arrivedAt);
    return { messageId: id, timestampMillis: millis, message: content.message, seq, epoch };
  }

  /** Who gets the push: local sessions and remote player ids, the sender and blocks (either way) left out. */
  private async audience(gameIndex: number, channel: CachedChannel, from: number): Promise<{ local: Session[]; remote: number[] }> {
    const [recipients, blockedBySender] = await Promise.all([this.recipients(gameIndex, channel), this.blocks.of(gameIndex, from)]);
    const local: Session[] = [];
    const remote: number[] = [];
    if (recipients.local.length + recipients.remote.length <= 1) return { local, remote };
    const noSenderBlocks = blockedBySender.size === 0;
    for (const r of recipients.local) {
      if (r.id === from || (r.blocks !== null && r.blocks.has(from)) || (!noSenderBlocks && blockedBySender.has(r.id))) continue;
      local.push(r.session);
    }
    for (const r of recipients.remote) {
      if (r.id !== from && !(r.blocks !== null && r.blocks.has(from)) && !blockedBySender.has(r.id)) remote.push(r.id);
    }
    return { local, remote };
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

  /**
   * The channel's recipients (sender included; the send loop skips it and blocks either way),
   * rebuilt only when the membership, the sessions of this instance or a block list changed.
   */
  private async recipients(gameIndex: number, channel: CachedChannel): Promise<Recipients> {
    const cached = channel.recipients as Recipients | undefined;
    if (
      cached &&
      cached.channelVersion === channel.version &&
      cached.sessionsVersion === this.sessions.version &&
      cached.blocksVersion === this.blocks.version
    ) {
      return cached;
    }
    const channelVersion = channel.version;
    const blocksVersion = this.blocks.version;
    const members = [...channel.members];
    const lists = await this.blocks.ofMany(gameIndex, members);
    const built: Recipients = { channelVersion, sessionsVersion: this.sessions.version, blocksVersion, local: [], remote: [] };
    for (const id of members) {
      const list = lists.get(id);
      const blocks = list && list.size ? list : null;
      const session = this.sessions.get(gameIndex, id);
      if (session) built.local.push({ id, session, blocks });
      else built.remote.push({ id, blocks });
    }
    // Stored only if nothing changed while the block lists were read.
    if (channelVersion === channel.version && blocksVersion === this.blocks.version && built.sessionsVersion === this.sessions.version) {
      channel.recipients = built;
    }
    return built;
  }
}
