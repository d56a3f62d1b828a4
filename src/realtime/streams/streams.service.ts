import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChannelQueries } from '../../channel/channel-queries.js';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisConnection } from '../../presence/redis-connection.js';
import { MessageIdGenerator } from '../chat/message-id.js';
import { MemoryStreamStore } from './memory-stream-store.js';
import { RedisStreamStore } from './redis-stream-store.js';
import type { SeqFrame } from './seq-frame.js';
import { DIRECT_STREAM, type Position, type StreamRef, type StreamStart, freshEpoch, historyEpoch, streamKey } from './stream-names.js';
import type { Appended, Missed, Order, Publish, StreamStore } from './stream-store.js';

/** Attempts of one append: a start, then ids behind another instance's (its clock may run ahead). */
const MAX_ATTEMPTS = 6;

/** An append issued on a stream: the id of its current attempt, and whether it is settled. */
interface Issued {
  id: string;
  settled: boolean;
  done: Promise<void>;
}

/**
 * Ordered streams (docs/realtime.md#streams): every channel message and every direct message gets
 * the next `seq` of its stream from one authority (Redis in Redis mode, this process otherwise),
 * which also keeps the last RESUME_BUFFER messages for RECONNECT_WINDOW seconds.
 *
 * Epochs: a channel with history has one epoch for its life and continues its seq from the
 * database when no live state exists (restart, Redis lost its data); any other stream starts under
 * a new epoch whenever its live state is gone (single-instance restart, a week idle in Redis,
 * `RECONNECT_WINDOW` idle in memory). While Redis is unreachable an instance numbers streams itself
 * under epochs of its own, so clients see the change and reload.
 */
@Injectable()
export class Streams implements OnModuleInit, OnApplicationShutdown {
  private readonly memory: MemoryStreamStore;
  private readonly shared: RedisStreamStore | null;
  private readonly epochPrefix = freshEpoch();
  private epochs = 0;
  private sweeper: NodeJS.Timeout | null = null;
  /** Per stream, the latest append issued here (see append). */
  private readonly issued = new Map<string, Issued>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly ids: MessageIdGenerator,
    private readonly channels: ChannelQueries,
    config: AppConfig,
  ) {
    const { resumeBuffer, reconnectWindowSeconds } = config.settings;
    this.memory = new MemoryStreamStore(resumeBuffer, reconnectWindowSeconds * 1000);
    this.shared = redis.client
      ? new RedisStreamStore(redis.client, (name) => redis.key(name), resumeBuffer, reconnectWindowSeconds, redis.cluster)
      : null;
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.memory.sweep(), 30_000);
    this.sweeper.unref();
    // Back from an outage: Redis is the authority again; what was numbered here meanwhile is forgotten.
    this.redis.onReconnected(() => this.memory.clear());
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /**
   * Gives a message its id and seq and keeps it for recovery. `build` makes the push for an id
   * and time (it may be called again for a later id in Redis mode). `publish`: the push for other
   * instances, sent with the numbering when the store can (Redis), saving a round trip.
   *
   * Appends to a stream may be issued without waiting for each other (a connection pipelines its
   * messages): they are numbered in the order they were issued. The store is asked once per
   * message; should it refuse (a stream to start, an id behind another instance's), the messages
   * issued after it on this instance are refused too and each retries only once its predecessor is
   * settled (docs/realtime.md#ordering).
   */
  async append(ref: StreamRef, from: number, build: (id: string, millis: number) => SeqFrame, publish?: Publish): Promise<Appended> {
    const { store, degraded } = this.pick();
    const key = streamKey(ref);
    const before = this.issued.get(key);
    const mine: Issued = { id: '', settled: false, done: null as unknown as Promise<void> };
    let settle!: () => void;
    mine.done = new Promise((resolve) => (settle = resolve));
    this.issued.set(key, mine);
    const mint = () => {
      const { id, millis } = this.ids.next();
      mine.id = id;
      return { id, millis, from, frame: build(id, millis) };
    };
    try {
      let start: StreamStart | null = ref.history && !degraded ? null : this.newStart();
      let order: Order = { after: before && !before.settled ? before.id : '', clear: '' };
      for (let attempt = 0; ; attempt++) {
        const result = await store.append(key, start, mint, publish, order);
        if (result !== 'start' && !('behind' in result)) return result;
        if (attempt >= MAX_ATTEMPTS) throw new Error(`stream ${key}: could not append (${JSON.stringify(result)})`);
        if (before) await before.done;
        if (result === 'start') start = await this.startOf(ref);
        else if (result.behind) this.ids.advancePast(result.behind);
        order = { after: '', clear: mine.id };
      }
    } finally {
      mine.settled = true;
      settle();
      if (this.issued.get(key) === mine) this.issued.delete(key);
    }
  }

  /** Where a stream without live state starts: a channel with history continues from the database. */
  private async startOf(ref: StreamRef): Promise<StreamStart> {
    const facts = (await this.channels.streamFacts(ref.gameIndex, [ref.name])).get(ref.name);
    return facts?.history ? { epoch: historyEpoch(facts.createdAt), seq: facts.lastSeq } : this.newStart();
  }

  /**
   * The latest positions of these channels (those that exist) and of the player's direct stream.
   * `memberships`: the channels are the player's own (they exist), so the database is read only
   * for streams without live state (CONNECT of a player whose channels are all live reads nothing).
   */
  async positions(gameIndex: number, playerId: number, channelIds: string[], direct = true, memberships = false): Promise<Position[]> {
    const { store, degraded } = this.pick();
    if (memberships && !degraded) return this.livePositions(store, gameIndex, playerId, channelIds, direct);
    const facts = await this.channels.streamFacts(gameIndex, channelIds);
    const names = channelIds.filter((id) => facts.has(id));
    const keys = names.map((name) => streamKey({ gameIndex, name, playerId, history: false }));
    const starts: StreamStart[] = names.map((name) => {
      const f = facts.get(name)!;
      return f.history && !degraded ? { epoch: historyEpoch(f.createdAt), seq: f.lastSeq } : this.newStart();
    });
    if (direct) {
      names.push(DIRECT_STREAM);
      keys.push(streamKey({ gameIndex, name: DIRECT_STREAM, playerId, history: false }));
      starts.push(this.newStart());
    }
    const latest = await store.positions(keys, starts);
    return names.map((channelId, i) => ({ channelId, epoch: latest[i]!.epoch, seq: latest[i]!.seq }));
  }

  /** positions() of existing channels: live state first, the database only for the channels without it. */
  private async livePositions(
    store: StreamStore,
    gameIndex: number,
    playerId: number,
    channelIds: string[],
    direct: boolean,
  ): Promise<Position[]> {
    const names = direct ? [...channelIds, DIRECT_STREAM] : [...channelIds];
    const keys = names.map((name) => streamKey({ gameIndex, name, playerId, history: false }));
    const starts = names.map((name) => (name === DIRECT_STREAM ? this.newStart() : null));
    const latest = await store.positions(keys, starts);
    const unknown = channelIds.filter((_, i) => latest[i] === null);
    if (unknown.length) {
      const facts = await this.channels.streamFacts(gameIndex, unknown);
      const found = unknown.filter((id) => facts.has(id));
      const again = await store.positions(
        found.map((name) => streamKey({ gameIndex, name, playerId, history: false })),
        found.map((name) => {
          const f = facts.get(name)!;
          return f.history ? { epoch: historyEpoch(f.createdAt), seq: f.lastSeq } : this.newStart();
        }),
      );
      found.forEach((name, i) => (latest[names.indexOf(name)] = again[i]));
    }
    const out: Position[] = [];
    names.forEach((channelId, i) => {
      const at = latest[i];
      if (at) out.push({ channelId, epoch: at.epoch, seq: at.seq });
    });
    return out;
  }

  /** The kept messages of a stream after `afterSeq` (see StreamStore.missed). */
  missed(ref: StreamRef, afterSeq: number): Promise<Missed | null> {
    return this.pick().store.missed(streamKey(ref), afterSeq);
  }

  /** A message that was numbered but then refused (its storing failed): never replayed. */
  async retract(ref: StreamRef, seq: number): Promise<void> {
    await this.pick()
      .store.retract(streamKey(ref), seq)
      .catch(() => undefined);
  }

  /** Tests: forgets this process's streams. */
  clearMemory(): void {
    this.memory.clear();
  }

  private pick(): { store: StreamStore; degraded: boolean } {
    if (!this.shared) return { store: this.memory, degraded: false };
    if (this.redis.available) return { store: this.shared, degraded: false };
    this.redis.warn('stream numbering across instances (numbered here under epochs of this instance)');
    return { store: this.memory, degraded: true };
  }

  /** The start of a stream without history: seq 0 under an epoch no other stream state had. */
  private newStart(): StreamStart {
    return { epoch: `${this.epochPrefix}${(++this.epochs).toString(36)}`, seq: 0 };
  }
}
