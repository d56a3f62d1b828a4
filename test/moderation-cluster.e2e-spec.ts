import { hive } from './support/http.js';
import type { TestApp } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Mutes and channel bans made through one instance take effect on the others within 1 s: two app
 * instances in one process sharing one Redis (TEST_REDIS_URL, else the local one) and, with
 * DATABASE_URL, one PostgreSQL. On the embedded database each instance has its own in-memory
 * database, so the test writes the mute into B's database itself, behind B's back (no event):
 * what must reach B through Redis is the news that drops B's cached mutes (B's cache is warm
 * beforehand and never expires by itself, so a refusal on B came from the bus) and the pushes.
 */
const suite = await describeWithRedis('moderation-cluster');

const APPLY_WITHIN_MS = 1_000;

suite(`mutes and channel bans across two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const apps = useTwoTestApps();
  const open: WsClient[] = [];
  const track = (c: WsClient) => {
    open.push(c);
    return c;
  };
  /** A GROUP channel with these members, in every database. */
  const channelEverywhere = async (channelId: string, owner: number, ...memberIds: number[]) => {
    for (const app of apps.databases()) {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId, channelName: channelId, maxMemberCount: 10, type: 'GROUP', playerId: owner })
        .expect(200);
      for (const playerId of memberIds) await hive(app).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
    }
  };
  /** What B's own database says, when it is not A's (embedded mode); nothing to do otherwise. */
  const mirrorOnB = async (sql: string, params: unknown[]) => {
    if (!sharedDatabase) await b.dataSource.query(sql, params);
  };
  /** Sends on B until the answer's status is `status`; returns how long that took. */
  const untilStatus = async (client: WsClient, channelId: string, status: number) => {
    const started = Date.now();
    for (;;) {
      const res = await client.request('CHANNEL_CHAT', { channelId, message: 'hello' });
      if (res.status === status) return { res, after: Date.now() - started };
      if (Date.now() - started > APPLY_WITHIN_MS * 3) throw new Error(`not applied on B: last answer ${JSON.stringify(res)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(() => {
    a = apps.a;
    b = apps.b;
  });
  afterEach(async () => {
    await closeClients([a, b], open.splice(0));
  });

  it('a game-wide mute through A refuses the player connected to B within 1 s; an unmute through A lifts it', async () => {
    await channelEverywhere('guild', 1, 2);
    const onB = track(await WsClient.connect(b, 2));
    // B's cached mutes of player 2 (none) are now warm.
    await onB.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'before' });

    await mirrorOnB(`INSERT INTO mutes (game_index, player_id, channel_id, reason) VALUES (1, 2, NULL, 'spam')`, []);
    const muted = (await hive(a).post('/api/v1/games/1/mutes').send({ playerId: 2, reason: 'spam' }).expect(200)).body.data;
    expect(await onB.nextNotify('NOTIFY_MUTED')).toEqual({ channelId: null, untilMillis: null, reason: 'spam' });
    const refused = await untilStatus(onB, 'guild', 403);
    expect(refused.after).toBeLessThan(APPLY_WITHIN_MS);
    expect(refused.res.body).toEqual({ code: 310, mutedUntilMillis: muted.untilMillis });
    track(await WsClient.connect(a, 1));
    expect(await onB.request('DIRECT_CHAT', { toPlayerId: 1, message: 'x' })).toMatchObject({ status: 403, body: { code: 310 } });

    await mirrorOnB(`DELETE FROM mutes WHERE player_id = 2`, []);
    await hive(a).delete('/api/v1/games/1/mutes?playerId=2').expect(200);
    expect(await onB.nextNotify('NOTIFY_UNMUTED')).toEqual({ channelId: null });
    expect((await untilStatus(onB, 'guild', 200)).after).toBeLessThan(APPLY_WITHIN_MS);
  });

  it("MUTE_MEMBER by the owner on A stops the member's messages on B", async () => {
    await channelEverywhere('guild', 1, 2);
    const owner = track(await WsClient.connect(a, 1));
    const onB = track(await WsClient.connect(b, 2));
    await onB.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'before' });
    await mirrorOnB(`INSERT INTO mutes (game_index, player_id, channel_id, ends_at) VALUES (1, 2, 'guild', now() + interval '1 hour')`, []);
    const muted = await owner.ok('MUTE_MEMBER', { channelId: 'guild', playerId: 2, durationSeconds: 3600 });
    expect(await onB.nextNotify('NOTIFY_MUTED')).toEqual({ channelId: 'guild', untilMillis: muted.untilMillis, reason: null });
    const refused = await untilStatus(onB, 'guild', 403);
    expect(refused.after).toBeLessThan(APPLY_WITHIN_MS);
    expect(refused.res.body.code).toBe(310);
  });

  it('a channel ban through A removes a member connected to B: the pushes arrive on B', async () => {
    // The ban goes through A. On the embedded pass B's database gets the channel too: an instance
    // follows the chat topics of its players' channels as its database lists them.
    for (const app of apps.databases()) {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'guild', channelName: 'G', maxMemberCount: 10, type: 'GROUP' })
        .expect(200);
      for (const playerId of [1, 2, 3]) await hive(app).post('/api/v1/games/1/channels/guild/enter').send({ playerId }).expect(200);
    }
    const onA = track(await WsClient.connect(a, 1));
    const [banned, witness] = [track(await WsClient.connect(b, 2)), track(await WsClient.connect(b, 3))];

    const ban = (await hive(a).post('/api/v1/games/1/channels/guild/bans').send({ playerId: 2, reason: 'toxic' }).expect(200)).body.data;
    const exit = { channelId: 'guild', playerId: 2, reason: 'banned', timestamp: expect.any(String), timestampMillis: expect.any(Number) };
    expect(await banned.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exit);
    expect(await banned.nextNotify('NOTIFY_KICKED')).toEqual({ channelId: 'guild', reason: 'toxic', untilMillis: ban.untilMillis });
    expect(await witness.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exit);
    expect(await onA.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exit);
    // A's next message reaches B's remaining member only.
    await onA.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'bye' });
    expect(await witness.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'bye' });
    await banned.flush();
    expect(banned.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    expect((await hive(a).post('/api/v1/games/1/channels/guild/enter').send({ playerId: 2 }).expect(403)).body.code).toBe(311);
  });
});
