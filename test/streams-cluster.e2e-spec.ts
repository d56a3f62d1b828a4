import { hive, playerToken } from './support/http.js';
import type { TestApp } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Ordered streams across two instances on one Redis (and, with DATABASE_URL, one PostgreSQL; on
 * the embedded pass each instance has its own database, so channels are created on both).
 */
const suite = await describeWithRedis('streams-cluster');

suite(`streams across two instances${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  const apps = useTwoTestApps();
  const open: WsClient[] = [];
  const connect = async (app: TestApp, playerId: number) => {
    await playerToken(apps.a, playerId);
    const c = await WsClient.connect(app, playerId, { token: await playerToken(app, playerId) });
    open.push(c);
    return c;
  };
  const channelWith = async (channelId: string, members: number[], extra: Record<string, unknown> = {}) => {
    for (const app of apps.databases()) {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
        .expect(200);
      for (const playerId of members) {
        await hive(app).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
      }
    }
  };

  afterEach(async () => {
    await closeClients([apps.a, apps.b], open.splice(0));
  });

  it('concurrent senders on both instances: seq 1..N without gaps or repeats, every message pushed once to a watcher on each', async () => {
    const senders = [1, 2, 3, 4, 5, 6, 7, 8];
    await channelWith('race', [...senders, 20, 21], { chatHistoryAllowed: true });
    const clients = await Promise.all(senders.map((id) => connect(id <= 4 ? apps.a : apps.b, id)));
    const watchers = [await connect(apps.a, 20), await connect(apps.b, 21)];
    const PER_SENDER = 25;
    const answers = await Promise.all(
      clients.flatMap((c) =>
        Array.from({ length: PER_SENDER }, (_, i) => c.ok('CHANNEL_CHAT', { channelId: 'race', message: `${c.playerId}-${i}` })),
      ),
    );
    const total = senders.length * PER_SENDER;
    const seqs = answers.map((a) => a.seq as number).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // History (id order) is seq order, whichever instance stored the message.
    const byId = [...answers].sort((x, y) => (BigInt(x.messageId) < BigInt(y.messageId) ? -1 : 1)).map((a) => a.seq);
    expect(byId).toEqual(seqs);
    for (const w of watchers) {
      const got: number[] = [];
      for (let i = 0; i < total; i++) got.push((await w.nextNotify('NOTIFY_CHANNEL_CHAT')).seq);
      expect(got.sort((x, y) => x - y)).toEqual(seqs);
    }
  });

  it('direct messages to one player from both instances share its "@direct" numbering', async () => {
    const target = await connect(apps.a, 30);
    const [fromA, fromB] = [await connect(apps.a, 31), await connect(apps.b, 32)];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? fromA : fromB).ok('DIRECT_CHAT', { toPlayerId: 30, message: `d${i}` })),
    );
    expect(answers.map((a) => a.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const pushed: number[] = [];
    for (let i = 0; i < 10; i++) pushed.push((await target.nextNotify('NOTIFY_DIRECT_CHAT')).seq);
    expect(pushed.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a clientMessageId repeated on the other instance (after a reconnect) returns the first answer and delivers nothing', async () => {
    await channelWith('once', [40, 41]);
    const onA = await connect(apps.a, 40);
    const watcher = await connect(apps.b, 41);
    const first = await onA.ok('CHANNEL_CHAT', { channelId: 'once', message: 'hello', clientMessageId: 'retry-me' });
    await onA.close();
    const onB = await connect(apps.b, 40);
    expect(await onB.ok('CHANNEL_CHAT', { channelId: 'once', message: 'hello', clientMessageId: 'retry-me' })).toEqual(first);
    const next = await onB.ok('CHANNEL_CHAT', { channelId: 'once', message: 'new' });
    expect(next.seq).toBe(first.seq + 1);
    expect(await watcher.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq: first.seq, message: 'hello' });
    expect(await watcher.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq: next.seq, message: 'new' });
  });

  it('a client dropped from A recovers exactly the missed messages on B (kept in Redis), channel and "@direct"', async () => {
    await channelWith('resume', [50, 51]);
    const ann = await connect(apps.b, 50);
    const bob = await connect(apps.a, 51);
    const start = bob.connectBody.positions as { channelId: string; epoch: string; seq: number }[];
    await ann.ok('CHANNEL_CHAT', { channelId: 'resume', message: 'seen' });
    expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).seq).toBe(1);
    await bob.terminate();
    for (const m of ['a', 'b', 'c']) await ann.ok('CHANNEL_CHAT', { channelId: 'resume', message: m });
    const back = await WsClient.reconnect(apps.b, 51, {
      token: await playerToken(apps.b, 51),
      positions: start.map((p) => (p.channelId === 'resume' ? { ...p, seq: 1 } : p)),
    });
    open.push(back);
    expect(back.connectBody.recovered).toEqual([{ channelId: 'resume', fromSeq: 2, toSeq: 4 }]);
    expect(back.connectBody.gaps).toEqual([]);
    await back.flush();
    expect(back.pending('NOTIFY_CHANNEL_CHAT').map((m) => [m.seq, m.message])).toEqual([
      [2, 'a'],
      [3, 'b'],
      [4, 'c'],
    ]);
  });
});
