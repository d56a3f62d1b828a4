import { Injectable } from '@nestjs/common';
import { BlockCache } from '../chat/block-cache.js';
import type { Session } from '../session/session.js';
import { type Position, DIRECT_STREAM, channelStream, directStream } from './stream-names.js';
import type { KeptEntry } from './stream-store.js';
import { Streams } from './streams.service.js';

export interface Recovered {
  channelId: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * RECONNECT's recovery (docs/realtime.md#resume): for each stream the client lists and the player
 * is in, the kept messages after the client's seq are queued to follow the response at once,
 * before any newer push of the stream; a stream that cannot be recovered (another epoch, messages
 * no longer kept) is reported as a gap. Blocks apply as they do live, and, as live, a player's own
 * channel messages are not pushed back to it.
 */
@Injectable()
export class ResumeService {
  constructor(
    private readonly streams: Streams,
    private readonly blocks: BlockCache,
  ) {}

  /** Runs after the session is registered and the channels re-entered: what is numbered later is pushed live. */
  async resume(session: Session, positions: Position[], channelIds: string[]): Promise<{ recovered: Recovered[]; gaps: string[] }> {
    const { gameIndex, playerId } = session.player;
    const member = new Set(channelIds);
    const asked = new Map<string, Position>();
    for (const p of positions) if (p.channelId === DIRECT_STREAM || member.has(p.channelId)) asked.set(p.channelId, p);
    const wanted = [...asked.values()];
    const found = await Promise.all(
      wanted.map((p) =>
        this.streams.missed(
          p.channelId === DIRECT_STREAM ? directStream(gameIndex, playerId) : channelStream(gameIndex, p.channelId, false),
          p.seq,
        ),
      ),
    );
    const recovered: Recovered[] = [];
    const gaps: string[] = [];
    const replays: { position: Position; seq: number; entries: KeptEntry[] }[] = [];
    wanted.forEach((p, i) => {
      const missed = found[i];
      if (!missed || missed.epoch !== p.epoch || missed.seq < p.seq || missed.entries === null) gaps.push(p.channelId);
      else if (missed.seq > p.seq) replays.push({ position: p, seq: missed.seq, entries: missed.entries });
    });
    // Nothing missed (a fresh reconnect): no block lists to read.
    if (replays.length === 0) return { recovered, gaps };
    const senders = new Set(replays.flatMap((r) => r.entries.map((e) => e.from)));
    const [mine, theirs] = await Promise.all([this.blocks.of(gameIndex, playerId), this.blocks.ofMany(gameIndex, [...senders])]);
    for (const { position, seq, entries } of replays) {
      const direct = position.channelId === DIRECT_STREAM;
      const frames = entries
        .filter((e) => (direct || e.from !== playerId) && !mine.has(e.from) && !theirs.get(e.from)?.has(playerId))
        .map((e) => e.frame);
      session.replay(position.channelId, seq, frames);
      recovered.push({ channelId: position.channelId, fromSeq: position.seq + 1, toSeq: seq });
    }
    return { recovered, gaps };
  }
}
