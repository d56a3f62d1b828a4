import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient, resetRealtimeCaches } from './support/ws-client.js';

/** MARK_READ and GET_UNREAD (docs/realtime.md#unread-counts). */
describe('realtime: unread counts', () => {
  const { t, connect, redisEnv, closeAll } = useRealtimeTestApp();
  const createChannel = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
      .expect(200);
  const enterHttp = (channelId: string, playerId: number) =>
    hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
  const say = async (c: WsClient, channelId: string, n: number) => {
    for (let i = 0; i < n; i++) await c.ok('CHANNEL_CHAT', { channelId, message: `m${i}` });
  };

  it('counts what others sent since the read position; MARK_READ never moves it back; sending moves it; entering starts at the latest', async () => {
    await createChannel('u1', { chatHistoryAllowed: true });
    await createChannel('u2');
    for (const c of ['u1', 'u2']) await enterHttp(c, 1);
    const ann = await connect(1);
    await say(ann, 'u1', 4);
    const bob = await connect(2);
    // Entering (here by packet) starts at the latest seq: nothing unread.
    await bob.ok('ENTER_CHANNEL', { channelId: 'u1' });
    await enterHttp('u2', 2);
    const epoch = (await bob.ok('GET_UNREAD', { channelIds: ['u1'] })).channels[0].epoch;
    expect(await bob.ok('GET_UNREAD')).toEqual({
      channels: [
        { channelId: 'u1', epoch, lastSeq: 4, readSeq: 4, unread: 0 },
        { channelId: 'u2', epoch: expect.any(String), lastSeq: 0, readSeq: 0, unread: 0 },
      ],
    });
    await say(ann, 'u1', 3);
    await say(ann, 'u2', 2);
    expect((await bob.ok('GET_UNREAD')).channels.map((c: { unread: number }) => c.unread)).toEqual([3, 2]);
    expect(await bob.ok('MARK_READ', { channelId: 'u1', seq: 6 })).toEqual({ channelId: 'u1', epoch, lastSeq: 7, readSeq: 6, unread: 1 });
    expect(await bob.ok('MARK_READ', { channelId: 'u1', seq: 2 })).toMatchObject({ readSeq: 6, unread: 1 });
    expect(await bob.ok('MARK_READ', { channelId: 'u2', seq: 99 })).toMatchObject({ lastSeq: 2, readSeq: 2, unread: 0 });
    // The sender's own message moves its position: ann has read everything she answered to.
    await bob.ok('CHANNEL_CHAT', { channelId: 'u1', message: 'hi' });
    expect(await bob.ok('GET_UNREAD', { channelIds: ['u1', 'not-mine'] })).toEqual({
      channels: [{ channelId: 'u1', epoch, lastSeq: 8, readSeq: 8, unread: 0 }],
    });
    expect((await ann.ok('GET_UNREAD', { channelIds: ['u1'] })).channels[0]).toMatchObject({ lastSeq: 8, readSeq: 7, unread: 1 });
  });

  it('read positions and the seq of a channel with history survive a restart', async () => {
    await createChannel('kept', { chatHistoryAllowed: true });
    for (const id of [1, 2]) await enterHttp('kept', id);
    const ann = await connect(1);
    await say(ann, 'kept', 5);
    const bob = await connect(2);
    await bob.ok('MARK_READ', { channelId: 'kept', seq: 3 });
    const before = await bob.ok('GET_UNREAD');
    await closeAll();
    // A restart: the live numbering is gone (memory, and Redis if it lost its data); the database stays.
    await resetRealtimeCaches(t);
    if (redisEnv.REDIS_URL) await dropRedisStreams(redisEnv.REDIS_URL, redisEnv.REDIS_PREFIX);
    const again = await connect(2);
    expect(await again.ok('GET_UNREAD')).toEqual(before);
    expect(before.channels[0]).toMatchObject({ lastSeq: 5, readSeq: 3, unread: 2 });
  });

  it('refuses a channel the player is not in (301), a missing one (201) and bad bodies (100)', async () => {
    await createChannel('closed');
    const ann = await connect(1);
    expect(await ann.request('MARK_READ', { channelId: 'closed', seq: 1 })).toMatchObject({ status: 400, body: { code: 301 } });
    expect(await ann.request('MARK_READ', { channelId: 'nowhere', seq: 1 })).toMatchObject({ status: 400, body: { code: 201 } });
    for (const [type, body, text] of [
      ['MARK_READ', { channelId: 'closed' }, /seq must be an integer/],
      ['MARK_READ', { channelId: 'closed', seq: -1 }, /seq must be at least 0/],
      ['MARK_READ', { channelId: 'bad id', seq: 1 }, /channelId must be/],
      ['GET_UNREAD', { channelIds: 'closed' }, /channelIds must be an array/],
      ['GET_UNREAD', { channelIds: ['bad id'] }, /channelIds must contain channel ids/],
    ] as const) {
      const res = await ann.request(type, body);
      expect(res).toMatchObject({ status: 400, body: { code: 100 } });
      expect(res.message).toMatch(text);
    }
  });
});

async function dropRedisStreams(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    const keys = [...(await redis.keys(`${prefix}stream:*`)), ...(await redis.keys(`${prefix}kept:*`))];
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
