import { hive } from './support/http.js';
import { type TestApp, truncateAll } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients, resetRealtimeCaches } from './support/ws-client.js';

/**
 * A word list stored through one instance applies on the others within 2 s: two app instances in
 * one process sharing one Redis (TEST_REDIS_URL, else the local one) and, with DATABASE_URL, one
 * PostgreSQL. On the embedded database each instance has its own in-memory database, so the test
 * writes the list into B's database itself, behind B's back (no event): what must reach B through
 * Redis is the news that drops B's compiled copy. B's copy is warm beforehand, and its own refresh
 * comes only after 30 s, so a change seen within 2 s came over the bus.
 */
const suite = await describeWithRedis('word-filter-cluster');

const APPLY_WITHIN_MS = 2_000;

suite(`word filter across two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const apps = useTwoTestApps();
  const open: WsClient[] = [];
  /** What B's own database says, when it is not A's (embedded mode); nothing to do otherwise. */
  const mirrorOnB = async (words: string[], action: 'mask' | 'refuse') => {
    if (sharedDatabase) return;
    await b.dataSource.query(
      `INSERT INTO word_filters (game_index, action, words) VALUES (1, $1, $2::text[])
       ON CONFLICT (game_index) DO UPDATE SET action = EXCLUDED.action, words = EXCLUDED.words`,
      [action, words],
    );
  };
  /** Sends on B until the answer satisfies `done`; returns how long that took. */
  const untilApplied = async (client: WsClient, message: string, done: (res: { status: number; body: any }) => boolean) => {
    const started = Date.now();
    for (;;) {
      const res = await client.request('CHANNEL_CHAT', { channelId: 'g', message });
      if (done(res)) return Date.now() - started;
      if (Date.now() - started > APPLY_WITHIN_MS * 3) throw new Error(`not applied on B: last answer ${JSON.stringify(res)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(() => {
    a = apps.a;
    b = apps.b;
  });
  beforeEach(async () => {
    for (const app of sharedDatabase ? [a] : [a, b]) await truncateAll(app.dataSource);
    for (const app of [a, b]) await resetRealtimeCaches(app);
  });
  afterEach(async () => {
    await closeClients([a, b], open.splice(0));
  });

  it('a list PUT through A masks, then refuses, on B within 2 s', async () => {
    await hive(b).post('/api/v1/games/1/channel').send({ channelId: 'g', channelName: 'G', maxMemberCount: 10, type: 'GROUP' }).expect(200);
    await hive(b).post('/api/v1/games/1/channels/g/enter').send({ playerId: 1 }).expect(200);
    const onB = await WsClient.connect(b, 1);
    open.push(onB);
    // B's compiled copy (empty) is now warm.
    expect((await onB.ok('CHANNEL_CHAT', { channelId: 'g', message: 'hello noob' })).message).toBe('hello noob');

    await mirrorOnB(['noob'], 'mask');
    await hive(a)
      .put('/api/v1/games/1/filter')
      .send({ words: ['noob'], action: 'mask' })
      .expect(200);
    const maskedAfter = await untilApplied(onB, 'hello noob', (res) => res.status === 200 && res.body.message === 'hello ****');
    expect(maskedAfter).toBeLessThan(APPLY_WITHIN_MS);

    await mirrorOnB(['hello'], 'refuse');
    await hive(a)
      .put('/api/v1/games/1/filter')
      .send({ words: ['hello'], action: 'refuse' })
      .expect(200);
    const refusedAfter = await untilApplied(onB, 'hello noob', (res) => res.status === 400 && res.body.code === 312);
    expect(refusedAfter).toBeLessThan(APPLY_WITHIN_MS);
    // Names through B follow the same list.
    const named = await hive(b)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'h', channelName: 'Hello', maxMemberCount: 10, type: 'GROUP' })
      .expect(400);
    expect(named.body).toEqual({ code: 312, message: 'channelName contains a word that is not allowed', data: null });
  });
});
