import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChannelQueries } from '../../channel/channel-queries.js';
import { type ReadPosition, ReadPositions } from '../../channel/read-positions.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { errorText } from '../../common/errors/error-text.js';
import { DomainEvents } from '../../common/events/domain-events.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { Streams } from './streams.service.js';

/** Sender positions are written this often at most (reads of the same instance flush first). */
const SENT_FLUSH_MS = 200;

export interface Unread {
  channelId: string;
  epoch: string;
  lastSeq: number;
  readSeq: number;
  unread: number;
}

/**
 * Unread counts (docs/realtime.md#unread-counts): read positions kept in the database, counted
 * against the streams' latest seq, so nothing scans messages. A sender's own message moves its
 * position (written in batches off the chat path); entering a channel starts at its latest seq.
 */
@Injectable()
export class UnreadService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('UnreadService');
  private pending = new Map<string, ReadPosition>();
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(
    private readonly reads: ReadPositions,
    private readonly streams: Streams,
    private readonly channels: ChannelCache,
    private readonly queries: ChannelQueries,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    // Whatever the door (HTTP, WebSocket, a party, RECONNECT): a new member has nothing unread.
    this.events.subscribe(
      'channel.entered',
      (e) => void this.entered(e.gameIndex, e.playerId, e.channelId).catch((err) => this.failed(err)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** The sender's position moves to its message (batched; a lower one never overwrites a higher one). */
  sent(gameIndex: number, playerId: number, channelId: string, epoch: string, seq: number): void {
    const key = `${gameIndex}:${channelId}:${playerId}`;
    const known = this.pending.get(key);
    if (known && known.epoch === epoch && known.seq >= seq) return;
    this.pending.set(key, { gameIndex, channelId, playerId, epoch, seq });
    if (!this.scheduled) {
      // One statement for every message sent in that time: the chat path does no database write of its own.
      this.scheduled = true;
      setTimeout(() => void this.flush(), SENT_FLUSH_MS).unref();
    }
  }

  /** The player's position in the channel becomes its latest seq. */
  async entered(gameIndex: number, playerId: number, channelId: string): Promise<void> {
    const [position] = await this.streams.positions(gameIndex, playerId, [channelId], false);
    if (position) await this.reads.save([{ gameIndex, channelId, playerId, epoch: position.epoch, seq: position.seq }], true);
  }

  /** MARK_READ: a seq above the latest counts as the latest; a lower one than stored is ignored. */
  async markRead(gameIndex: number, playerId: number, channelId: string, seq: number): Promise<Unread> {
    await this.assertMember(gameIndex, channelId, playerId);
    const [position] = await this.streams.positions(gameIndex, playerId, [channelId], false);
    if (!position) throw new DomainError(ErrorCode.ChannelNotFound, `channel "${channelId}" does not exist or was deleted`);
    await this.flush();
    await this.reads.save([{ gameIndex, channelId, playerId, epoch: position.epoch, seq: Math.min(seq, position.seq) }]);
    return (await this.count(gameIndex, playerId, [position]))[0];
  }

  /** GET_UNREAD: the given channels the player is in, or all of them. */
  async unread(gameIndex: number, playerId: number, channelIds?: string[]): Promise<Unread[]> {
    const mine = await this.queries.channelIdsOf(gameIndex, playerId);
    const wanted = channelIds ? mine.filter((id) => channelIds.includes(id)) : mine;
    const positions = await this.streams.positions(gameIndex, playerId, wanted, false);
    await this.flush();
    return this.count(gameIndex, playerId, positions);
  }

  /** Writes the pending sender positions; resolves once they are written. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      this.scheduled = false;
      if (this.pending.size === 0) return;
      const rows = [...this.pending.values()];
      this.pending = new Map();
      await this.reads.save(rows).catch((err) => this.failed(err));
    });
    return this.writing;
  }

  private async count(
    gameIndex: number,
    playerId: number,
    positions: { channelId: string; epoch: string; seq: number }[],
  ): Promise<Unread[]> {
    const stored = await this.reads.of(
      gameIndex,
      playerId,
      positions.map((p) => p.channelId),
    );
    return positions.map(({ channelId, epoch, seq: lastSeq }) => {
      const read = stored.get(channelId);
      // Another epoch: what was read is gone with the lost messages; everything since counts.
      const readSeq = read && read.epoch === epoch ? Math.min(read.seq, lastSeq) : 0;
      return { channelId, epoch, lastSeq, readSeq, unread: lastSeq - readSeq };
    });
  }

  private async assertMember(gameIndex: number, channelId: string, playerId: number): Promise<void> {
    let channel = await this.channels.get(gameIndex, channelId);
    if (!channel.members.has(playerId)) channel = await this.channels.refresh(gameIndex, channelId);
    if (!channel.members.has(playerId)) {
      throw new DomainError(ErrorCode.NotInChannel, `player ${playerId} is not in channel "${channelId}"`);
    }
  }

  private failed(err: unknown): void {
    this.logger.warn(`saving read positions failed: ${errorText(err)}`);
  }
}
