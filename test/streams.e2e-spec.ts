import { hive } from './support/http.js';
import { useTestApp } from './support/test-app.js';
import { WsClient, cleanOptionalRedis, closeClients, optionalRedisEnvironment, resetRealtimeCaches } from './support/ws-client.js';

/** Ordered streams, positions and idempotent sends on one instance (Redis mode on CI's second pass). */
describe('realtime streams: seq, positions, clientMessageId', () => {
  const redisEnv = optionalRedisEnvironment();
  const t = useTestApp({ env: redisEnv, cleanup: () => cleanOptionalRedis(redisEnv) });
  const open: WsClient[] = [];
  const connect = async (playerId: number) => {
    const c = await WsClient.connect(t, playerId);
    open.push(c);
    return c;
  };
  const createChannel = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
      .expect(200);
  const enterHttp = (channelId: string, playerId: number) =>
    hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);

  beforeEach(async () => {
    await resetRealtimeCaches(t);
  });
  afterEach(async () => {
    await closeClients(t, open.splice(0));
  });

  it('numbers channel messages 1, 2, 3... in the response, the push and history; positions in CONNECT and ENTER_CHANNEL', async () => {
    await createChannel('s1', { chatHistoryAllowed: true });
    await enterHttp('s1', 1);
    await enterHttp('s1', 2);
    const ann = await connect(1);
    expect(ann.connectBody.positions).toEqual([
      { channelId: 's1', epoch: expect.any(String), seq: 0 },
      { channelId: '@direct', epoch: expect.any(String), seq: 0 },
    ]);
    const epoch = ann.connectBody.positions[0].epoch;
    const bob = await connect(2);
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await ann.ok('CHANNEL_CHAT', { channelId: 's1', message: `m${i}` });
      seqs.push(res.seq);
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq: i, messageId: res.messageId, message: `m${i}` });
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const history = await bob.ok('CHANNEL_HISTORY', { channelId: 's1', prevSize: 10 });
    expect(history.content.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    const [row] = await t.dataSource.query(`SELECT last_seq FROM channels WHERE channel_id = 's1'`);
    expect(Number(row.last_seq)).toBe(5);

    await createChannel('s2');
    const cid = await connect(3);
    expect(await cid.ok('ENTER_CHANNEL', { channelId: 's1' })).toEqual({ channelId: 's1', position: { channelId: 's1', epoch, seq: 5 } });
    expect((await cid.ok('ENTER_CHANNEL', { channelId: 's2' })).position).toEqual({ channelId: 's2', epoch: expect.any(String), seq: 0 });
  });

  it('continues the seq of a channel with history from the database once the live numbering is gone (restart)', async () => {
    await createChannel('kept', { chatHistoryAllowed: true });
    await createChannel('gone');
    for (const c of ['kept', 'gone']) await enterHttp(c, 1);
    const ann = await connect(1);
    for (let i = 0; i < 3; i++) {
      await ann.ok('CHANNEL_CHAT', { channelId: 'kept', message: 'k' });
      await ann.ok('CHANNEL_CHAT', { channelId: 'gone', message: 'g' });
    }
    const first = new Map(ann.connectBody.positions.map((p: { channelId: string; epoch: string }) => [p.channelId, p.epoch]));
    await closeClients(t, open.splice(0));
    // What a restart (or Redis losing its data) leaves: the database only.
    await resetRealtimeCaches(t);
    if (redisEnv.REDIS_URL) await dropRedisStreams(redisEnv.REDIS_URL, redisEnv.REDIS_PREFIX);
    const again = await connect(1);
    const positions = new Map(again.connectBody.positions.map((p: { channelId: string; epoch: string; seq: number }) => [p.channelId, p]));
    expect(positions.get('kept')).toEqual({ channelId: 'kept', epoch: first.get('kept'), seq: 3 });
    expect(positions.get('gone')).toMatchObject({ seq: 0 });
    expect((positions.get('gone') as { epoch: string }).epoch).not.toBe(first.get('gone'));
    expect((await again.ok('CHANNEL_CHAT', { channelId: 'kept', message: 'k4' })).seq).toBe(4);
    expect((await again.ok('CHANNEL_CHAT', { channelId: 'gone', message: 'g1' })).seq).toBe(1);
  });

  it('numbers direct messages in the recipient\'s "@direct" stream', async () => {
    const [ann, bob] = [await connect(1), await connect(2)];
    const one = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'a' });
    const two = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'b' });
    expect([one.seq, two.seq]).toEqual([1, 2]);
    expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ seq: 1, messageId: one.messageId });
    expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ seq: 2, messageId: two.messageId });
    expect((await bob.ok('DIRECT_CHAT', { toPlayerId: 1, message: 'c' })).seq).toBe(1);
  });

  it('a repeated clientMessageId returns the first answer and delivers nothing; another player may use the same id', async () => {
    await createChannel('dup');
    for (const id of [1, 2, 3]) await enterHttp('dup', id);
    const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
    const first = await ann.ok('CHANNEL_CHAT', { channelId: 'dup', message: 'once', clientMessageId: 'abc-1' });
    const again = await ann.ok('CHANNEL_CHAT', { channelId: 'dup', message: 'once', clientMessageId: 'abc-1' });
    expect(again).toEqual(first);
    const direct = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'dm', clientMessageId: 'abc-2' });
    expect(await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'dm', clientMessageId: 'abc-2' })).toEqual(direct);
    const other = await cid.ok('CHANNEL_CHAT', { channelId: 'dup', message: 'mine', clientMessageId: 'abc-1' });
    expect(other.seq).toBe(first.seq + 1);
    await bob.flush();
    expect(bob.pending('NOTIFY_CHANNEL_CHAT').map((m) => m.message)).toEqual(['once', 'mine']);
    expect(bob.pending('NOTIFY_DIRECT_CHAT').map((m) => m.message)).toEqual(['dm']);
    for (const bad of ['', 'x'.repeat(65), 5]) {
      const res = await ann.request('CHANNEL_CHAT', { channelId: 'dup', message: 'x', clientMessageId: bad });
      expect(res).toMatchObject({ status: 400, body: { code: 100 } });
      expect(res.message).toMatch(/clientMessageId/);
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
