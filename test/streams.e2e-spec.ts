import { ChannelSeqRecorder } from '../src/channel/channel-seq.recorder.js';
import { hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient, resetRealtimeCaches } from './support/ws-client.js';

/** Ordered streams, positions and idempotent sends on one instance (Redis mode on CI's second pass). */
describe('realtime streams: seq, positions, clientMessageId, resume', () => {
  // A small recovery buffer, so that overflowing it takes a few messages.
  const { t, connect, track, redisEnv, closeAll } = useRealtimeTestApp({ env: { RESUME_BUFFER: '5' } });
  const createChannel = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
      .expect(200);
  const enterHttp = (channelId: string, playerId: number) =>
    hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);

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
    await t.app.get(ChannelSeqRecorder).flush();
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
    await closeAll();
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

  describe('RECONNECT with positions', () => {
    const positionOf = (c: WsClient, channelId: string) =>
      (c.connectBody.positions as { channelId: string; epoch: string; seq: number }[]).find((p) => p.channelId === channelId)!;

    it('replays exactly the missed messages, in order, right after the response and before newer pushes; blocks still apply', async () => {
      await createChannel('r');
      for (const id of [1, 2, 3]) await enterHttp('r', id);
      const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      for (let i = 1; i <= 2; i++) await ann.ok('CHANNEL_CHAT', { channelId: 'r', message: `seen${i}` });
      expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).seq).toBe(1);
      expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).seq).toBe(2);
      await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'dm1' });
      const epoch = positionOf(bob, 'r').epoch;
      const direct = positionOf(bob, '@direct');
      await bob.terminate();
      await hive(t).post('/api/v1/games/1/users/2/blocks/3').expect(200);
      await ann.ok('CHANNEL_CHAT', { channelId: 'r', message: 'missed3' });
      await cid.ok('CHANNEL_CHAT', { channelId: 'r', message: 'blocked4' });
      await ann.ok('CHANNEL_CHAT', { channelId: 'r', message: 'missed5' });
      const back = track(await WsClient.open(t));
      const token = await playerToken(t, 2);
      // A newer message races with the RECONNECT: it must come once, after the replay.
      const [res] = await Promise.all([
        back.request('RECONNECT', {
          token,
          positions: [
            { channelId: 'r', epoch, seq: 2 },
            { channelId: '@direct', epoch: direct.epoch, seq: direct.seq },
          ],
        }),
        ann.ok('CHANNEL_CHAT', { channelId: 'r', message: 'newer6' }),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.gaps).toEqual([]);
      expect(res.body.recovered).toEqual(
        expect.arrayContaining([
          { channelId: 'r', fromSeq: 3, toSeq: expect.any(Number) },
          { channelId: '@direct', fromSeq: direct.seq + 1, toSeq: direct.seq + 1 },
        ]),
      );
      await back.flush();
      const after = back.received.slice(back.received.indexOf(res));
      const chat = after.filter((p) => p.packetType === 'NOTIFY_CHANNEL_CHAT').map((p) => p.body.message);
      expect(chat).toEqual(['missed3', 'missed5', 'newer6']);
      expect(after.filter((p) => p.packetType === 'NOTIFY_DIRECT_CHAT').map((p) => p.body.message)).toEqual(['dm1']);
      expect(back.received.indexOf(res)).toBeLessThan(back.received.findIndex((p) => p.body?.message === 'missed3'));
    });

    it('reports a gap when the missed messages overflowed the buffer, when the epoch differs, and for a stream that is gone', async () => {
      await createChannel('big');
      await createChannel('other');
      for (const c of ['big', 'other']) for (const id of [1, 2]) await enterHttp(c, id);
      const [ann, bob] = [await connect(1), await connect(2)];
      const big = positionOf(bob, 'big');
      await bob.close();
      for (let i = 0; i < 6; i++) await ann.ok('CHANNEL_CHAT', { channelId: 'big', message: `m${i}` });
      await ann.ok('CHANNEL_CHAT', { channelId: 'other', message: 'x' });
      const back = await WsClient.reconnect(t, 2, {
        positions: [
          { channelId: 'big', epoch: big.epoch, seq: 0 },
          { channelId: 'other', epoch: 'not-the-epoch', seq: 0 },
          { channelId: 'not-a-member', epoch: 'e', seq: 1 },
        ],
      });
      track(back);
      expect(back.connectBody.recovered).toEqual([]);
      expect(back.connectBody.gaps.sort()).toEqual(['big', 'other']);
      await back.flush();
      expect(back.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
      // One message fewer than the buffer holds is recovered.
      const again = await WsClient.reconnect(t, 2, { positions: [{ channelId: 'big', epoch: big.epoch, seq: 2 }] });
      track(again);
      expect(again.connectBody).toMatchObject({ recovered: [{ channelId: 'big', fromSeq: 3, toSeq: 6 }], gaps: [] });
      await again.flush();
      expect(again.pending('NOTIFY_CHANNEL_CHAT').map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    });

    it('refuses malformed positions with 400/100 naming the field, then closes', async () => {
      const token = await playerToken(t, 9);
      for (const [positions, text] of [
        ['x', /positions must be an array/],
        [[{ channelId: 'c', epoch: 'e', seq: -1 }], /seq must be at least 0/],
        [[{ channelId: 'bad id', epoch: 'e', seq: 1 }], /channelId must be/],
        [[{ channelId: 'c', epoch: '', seq: 1 }], /epoch must be 1 to 64/],
      ] as const) {
        const c = track(await WsClient.open(t));
        const res = await c.request('RECONNECT', { token, positions });
        expect(res).toMatchObject({ status: 400, body: { code: 100 } });
        expect(res.message).toMatch(text);
      }
    });
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
