import { Redis } from 'ioredis';
import { RedisStreamStore } from '../src/realtime/streams/redis-stream-store.js';
import type { Appended, Minted, Order } from '../src/realtime/streams/stream-store.js';
import { clusterRedisUrl, describeWithRedis } from './support/two-apps.js';
import { deleteRedisKeys } from './support/ws-client.js';

const describeRedis = await describeWithRedis('stream order');

/** A message with a given id (ids compare as decimal numbers of equal length here). */
const message = (id: bigint, from = 7): (() => Minted) => {
  return () => ({ id: id.toString(), millis: 0, from, frame: { head: `{"m":"${id}","seq":`, tail: '}' } });
};
const START = { epoch: 'e1', seq: 0 };
const BASE = 10n ** 17n;

/**
 * The Redis numbering script keeps the order of appends issued without waiting for each other:
 * an append issued after one that was refused is refused too, whatever its own id, until the
 * first one is retried (docs/realtime.md#ordering).
 */
describeRedis('stream numbering order in Redis (appends issued without waiting)', () => {
  const prefix = `pctest:order:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  let client: Redis;
  let store: RedisStreamStore;
  beforeAll(() => {
    client = new Redis(clusterRedisUrl);
    store = new RedisStreamStore(client, (name) => `${prefix}${name}`, 10, 60);
  });
  afterAll(async () => {
    client.disconnect();
    await deleteRedisKeys(clusterRedisUrl, prefix);
  });
  const append = (key: string, id: bigint, order?: Order, start: typeof START | null = START) =>
    store.append(key, start, message(id), undefined, order);
  const seqOf = (result: unknown) => (result as Appended).seq;
  // The stream's state hash, named as the store names it (hash-tagged for a Redis Cluster).
  const marks = async (key: string) => Object.keys(await client.hgetall(`${prefix}stream:{${key}}`)).filter((f) => f.startsWith('x'));

  it('refuses an append issued after a refused one, then numbers both retries in their order', async () => {
    expect(seqOf(await append('a', BASE + 100n))).toBe(1);
    // Issued together: the first id is behind the stream's latest (another instance's clock ran ahead).
    const [first, second] = await Promise.all([
      append('a', BASE + 50n),
      append('a', BASE + 200n, { after: (BASE + 50n).toString(), clear: '' }),
    ]);
    expect(first).toEqual({ behind: (BASE + 100n).toString() });
    expect(second).toEqual({ behind: (BASE + 100n).toString() });
    // Without `after` the second id alone would have been taken: the order is what refused it.
    expect(await marks('a')).toHaveLength(2);
    expect(seqOf(await append('a', BASE + 300n, { after: '', clear: (BASE + 50n).toString() }))).toBe(2);
    expect(seqOf(await append('a', BASE + 400n, { after: '', clear: (BASE + 200n).toString() }))).toBe(3);
    expect(await marks('a')).toEqual([]);
    // An append after a settled (accepted) one goes through.
    expect(seqOf(await append('a', BASE + 500n, { after: (BASE + 400n).toString(), clear: '' }))).toBe(4);
  });

  it('refuses an append issued after one that found no stream, even once another instance started it', async () => {
    expect(await append('b', BASE + 10n, undefined, null)).toBe('start');
    // Meanwhile another instance starts the stream with its own message.
    expect(seqOf(await append('b', BASE + 20n))).toBe(1);
    expect(await append('b', BASE + 30n, { after: (BASE + 10n).toString(), clear: '' }, null)).toEqual({ behind: (BASE + 20n).toString() });
    expect(seqOf(await append('b', BASE + 40n, { after: '', clear: (BASE + 10n).toString() }))).toBe(2);
    expect(seqOf(await append('b', BASE + 50n, { after: '', clear: (BASE + 30n).toString() }))).toBe(3);
    expect(await marks('b')).toEqual([]);
    const missed = await store.missed('b', 0);
    expect(missed!.entries!.map((e) => JSON.parse(e.frame) as { m: string; seq: number })).toEqual([
      { m: (BASE + 20n).toString(), seq: 1 },
      { m: (BASE + 40n).toString(), seq: 2 },
      { m: (BASE + 50n).toString(), seq: 3 },
    ]);
  });
});
