// Ordered streams, memory figure: what the recovery buffers hold with 10,000 active channels, each
// sent more than RESUME_BUFFER messages of a typical chat push (~260 bytes): in this process
// (single-instance mode, the in-memory store: resident and heap growth, after a GC) and in Redis
// (Redis mode: used_memory growth under a key prefix of its own, deleted at the end). The figures
// quoted in docs/performance.md come from here.
//
//   npm run build && node --expose-gc bench/stream-memory.mjs
//
// Settings (env): CHANNELS (10000), BUFFER (200, the RESUME_BUFFER default), MESSAGES (per channel,
// 250), REDIS_URL (redis://127.0.0.1:6379; empty: skip the Redis part).
import { Redis } from 'ioredis';
import { MemoryStreamStore, MAX_KEPT_TOTAL } from '../dist/src/realtime/streams/memory-stream-store.js';
import { RedisStreamStore } from '../dist/src/realtime/streams/redis-stream-store.js';
import { seqFrame } from '../dist/src/realtime/streams/seq-frame.js';

const CHANNELS = Number(process.env.CHANNELS ?? 10_000);
const BUFFER = Number(process.env.BUFFER ?? 200);
const MESSAGES = Number(process.env.MESSAGES ?? 250);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_SECONDS = 120;

let nextId = 10n ** 17n;
/** A push as the chat path builds it: a 60-character message, ids, stamps. */
function minted(channel, i) {
  const id = (nextId++).toString();
  return () => ({
    id,
    millis: Date.now(),
    from: 1000 + (i % 10),
    frame: seqFrame('NOTIFY_CHANNEL_CHAT', {
      channelId: `bench-channel-${channel}`,
      messageId: id,
      from: 1000 + (i % 10),
      message: `message ${i} of a party chat, about sixty characters long.`.slice(0, 60),
      extraData: null,
      replyMessageId: null,
      mentionedPlayerIds: [],
      timestampMillis: Date.now(),
      timestamp: new Date().toISOString(),
      editedAtMillis: null,
    }),
  });
}

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const usage = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
};

async function inMemory() {
  const before = usage();
  const store = new MemoryStreamStore(BUFFER, WINDOW_SECONDS * 1000);
  for (let i = 0; i < MESSAGES; i++) {
    for (let c = 0; c < CHANNELS; c++) await store.append(`900:c:${c}`, { epoch: 'e', seq: 0 }, minted(c, i));
  }
  const after = usage();
  const kept = Math.min(CHANNELS * Math.min(BUFFER, MESSAGES), MAX_KEPT_TOTAL);
  return {
    kept,
    rssMB: mb(after.rss - before.rss),
    heapMB: mb(after.heap - before.heap),
    bytesPerKept: Math.round((after.heap - before.heap) / kept),
    cap: MAX_KEPT_TOTAL,
    store,
  };
}

async function inRedis() {
  if (!REDIS_URL) return null;
  const client = new Redis(REDIS_URL);
  const prefix = `bench-streams-${process.pid}:`;
  const used = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))[1]);
  try {
    const store = new RedisStreamStore(client, (name) => `${prefix}${name}`, BUFFER, WINDOW_SECONDS);
    const before = await used();
    for (let i = 0; i < MESSAGES; i++) {
      await Promise.all(Array.from({ length: CHANNELS }, (_, c) => store.append(`900:c:${c}`, { epoch: 'e', seq: 0 }, minted(c, i))));
    }
    const after = await used();
    const kept = CHANNELS * Math.min(BUFFER, MESSAGES);
    return { kept, usedMB: mb(after - before), bytesPerKept: Math.round((after - before) / kept) };
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    client.disconnect();
  }
}

const memory = await inMemory();
delete memory.store;
const redis = await inRedis();
console.log(JSON.stringify({ channels: CHANNELS, buffer: BUFFER, messagesPerChannel: MESSAGES, memory, redis }, null, 2));
