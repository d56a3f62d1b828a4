import type { RedisClient } from '../../presence/redis-connection.js';
import { APPEND, MISSED, POSITIONS, RETRACT } from './redis-stream-scripts.js';
import { withSeq } from './seq-frame.js';
import type { StreamStart } from './stream-names.js';
import type { Appended, KeptEntry, Minted, Missed, Order, Publish, Refused, StreamStore } from './stream-store.js';

/** A stream's numbering outlives its recovery window: a week without messages, then a new epoch (or the database's seq). */
const STATE_TTL_SECONDS = 7 * 86_400;

type Reply = (string | number)[];
interface Scripts {
  pcStreamAppend(...args: (string | number)[]): Promise<Reply>;
  pcStreamPositions(...args: (string | number)[]): Promise<(string | null)[]>;
  pcStreamPosition(...args: (string | number)[]): Promise<(string | null)[]>;
  pcStreamMissed(...args: (string | number)[]): Promise<string[]>;
  pcStreamRetract(...args: (string | number)[]): Promise<number>;
}

/**
 * The streams of every instance, in Redis: one script per message assigns the seq and keeps the
 * message, in one round trip, so numbering has no gaps whichever instance accepts a message.
 */
export class RedisStreamStore implements StreamStore {
  private readonly scripts: Scripts;

  constructor(
    client: RedisClient,
    private readonly key: (name: string) => string,
    private readonly capacity: number,
    private readonly windowSeconds: number,
    /** A Redis Cluster: a script's keys must share a slot, so streams are asked about one per call. */
    private readonly cluster = false,
  ) {
    client.defineCommand('pcStreamAppend', { numberOfKeys: 2, lua: APPEND });
    client.defineCommand('pcStreamPositions', { lua: POSITIONS });
    // Cluster: one stream per call, declared as one key so that ioredis routes it to the stream's slot.
    client.defineCommand('pcStreamPosition', { numberOfKeys: 1, lua: POSITIONS });
    client.defineCommand('pcStreamMissed', { numberOfKeys: 2, lua: MISSED });
    client.defineCommand('pcStreamRetract', { numberOfKeys: 2, lua: RETRACT });
    this.scripts = client as unknown as Scripts;
  }

  async append(key: string, start: StreamStart | null, mint: () => Minted, publish?: Publish, order?: Order): Promise<Appended | Refused> {
    const [state, kept] = this.keys(key);
    const minted = mint();
    const reply = await this.scripts.pcStreamAppend(
      state,
      kept,
      start?.epoch ?? '',
      start?.seq ?? 0,
      minted.id,
      minted.frame.head,
      minted.frame.tail,
      minted.from,
      this.capacity,
      Math.max(1, this.windowSeconds),
      STATE_TTL_SECONDS,
      order?.after ?? '',
      order?.clear ?? '',
      ...(publish ? [publish.channel, publish.head, publish.tail, publish.command] : []),
    );
    if (Number(reply[0]) === 0) return 'start';
    if (Number(reply[0]) === 1) return { behind: String(reply[1]) };
    const seq = Number(reply[2]);
    return { published: !!publish, id: minted.id, millis: minted.millis, epoch: String(reply[1]), seq, frame: withSeq(minted.frame, seq) };
  }

  async positions(keys: string[], starts: (StreamStart | null)[]): Promise<(StreamStart | null)[]> {
    if (keys.length === 0) return [];
    const read = (reply: (string | null)[], i: number) =>
      reply[2 * i] === null ? null : { epoch: String(reply[2 * i]), seq: Number(reply[2 * i + 1]) };
    const arg = (s: StreamStart | null) => (s ? [s.epoch, s.seq] : ['', 0]);
    if (this.cluster) {
      const one = (key: string, s: StreamStart | null) => this.scripts.pcStreamPosition(this.keys(key)[0], ...arg(s), STATE_TTL_SECONDS);
      return (await Promise.all(keys.map((key, i) => one(key, starts[i])))).map((reply) => read(reply, 0));
    }
    const reply = await this.scripts.pcStreamPositions(
      keys.length,
      ...keys.map((k) => this.keys(k)[0]),
      ...starts.flatMap(arg),
      STATE_TTL_SECONDS,
    );
    return keys.map((_, i) => read(reply, i));
  }

  async missed(key: string, afterSeq: number): Promise<Missed | null> {
    const reply = await this.scripts.pcStreamMissed(...this.keys(key), afterSeq);
    if (reply.length === 0) return null;
    const seq = Number(reply[1]);
    const count = seq - afterSeq;
    let entries: KeptEntry[] | null = [];
    if (count > 0 && reply.length - 2 !== count) entries = null;
    else {
      for (const raw of reply.slice(2)) {
        const newline = raw.indexOf('\n');
        const from = Number(raw.slice(0, newline));
        if (from !== 0) entries.push({ from, frame: raw.slice(newline + 1) });
      }
    }
    return { epoch: reply[0], seq, entries };
  }

  async retract(key: string, seq: number): Promise<void> {
    await this.scripts.pcStreamRetract(...this.keys(key), seq);
  }

  private keys(key: string): [string, string] {
    return [this.key(`stream:{${key}}`), this.key(`kept:{${key}}`)];
  }
}
