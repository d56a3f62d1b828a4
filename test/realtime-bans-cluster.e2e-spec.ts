import { asPlayer, hive, playerToken } from './support/http.js';
import { type TestApp, truncateAll } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients, resetRealtimeCaches } from './support/ws-client.js';

/**
 * A ban made through one instance takes effect on the others at once: two app instances in one
 * process sharing one Redis (TEST_REDIS_URL, else the local one) and, with DATABASE_URL, one
 * PostgreSQL. On the embedded database each instance has its own in-memory database, so the
 * test writes the ban into B's database itself, behind B's back (no event): what must reach B
 * through Redis is the news that closes the socket and drops B's cached ban check.
 */
const suite = await describeWithRedis('realtime-bans-cluster');

/** A ban must close the player's socket on every instance within this long. */
const CLOSE_WITHIN_MS = 1_000;
/** How long an instance may serve a ban check from memory: the refusal on B must come sooner. */
const BAN_CACHE_MS = 2_000;

suite(`player bans across two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const apps = useTwoTestApps();
  const open: WsClient[] = [];
  const track = <T extends WsClient>(c: T): T => {
    open.push(c);
    return c;
  };
  /** What B's own database says, when it is not A's (embedded mode); nothing to do otherwise. */
  const mirrorBanOnB = async (playerId: number, banned: boolean, reason: string | null) => {
    if (sharedDatabase) return;
    await b.dataSource.query(`UPDATE players SET is_ban = $1, ban_until = NULL, ban_reason = $2 WHERE game_index = 1 AND id = $3`, [
      banned,
      reason,
      playerId,
    ]);
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

  it('a ban through A closes the socket on B within 1 s, and B refuses the player at once; an unban through A lets it in at once', async () => {
    // The profile exists on both databases; the player connects on B.
    await playerToken(a, 5);
    const token = await playerToken(b, 5);
    const onB = track(await WsClient.connect(b, 5, { token }));
    // B's ban check now sits in its cache ("not banned") for BAN_CACHE_MS.
    await asPlayer(b, token).get('/api/table/services/parties').expect(200);
    const warmedAt = Date.now();

    await mirrorBanOnB(5, true, 'toxic');
    await hive(a).put('/api/v1/games/1/users/5/ban').send({ banned: true, reason: 'toxic' }).expect(200);
    const answeredAt = Date.now();
    expect(await onB.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'banned' });
    expect(await onB.closed).toEqual({ code: 1008, reason: 'banned' });
    expect(Date.now() - answeredAt).toBeLessThan(CLOSE_WITHIN_MS);

    const refused = track(await WsClient.open(b));
    const res = await refused.request('CONNECT', { token });
    expect(res).toMatchObject({ status: 401, message: 'player 5 is banned: toxic', body: { code: 101 } });
    await refused.closed;
    expect((await asPlayer(b, token).get('/api/table/services/parties').expect(401)).body.detail).toBe('player 5 is banned: toxic');
    // Otherwise B's cache alone could have refused nothing and this test would prove nothing.
    expect(Date.now() - warmedAt).toBeLessThan(BAN_CACHE_MS);

    // B's cache now holds the refusal, which an unban through A drops.
    await mirrorBanOnB(5, false, null);
    const liftedAt = Date.now();
    await hive(a).put('/api/v1/games/1/users/5/ban').send({ banned: false }).expect(200);
    // The unban travels over Redis; B acts on it a moment after A answered.
    let back: WsClient | null = null;
    while (!back) {
      const attempt = track(await WsClient.open(b));
      const answer = await attempt.request('CONNECT', { token });
      if (answer.status === 200) back = attempt;
      else expect(Date.now() - liftedAt).toBeLessThan(CLOSE_WITHIN_MS);
    }
    expect(Date.now() - liftedAt).toBeLessThan(BAN_CACHE_MS);
    await back.flush();
  });

  it('a ban through B closes a socket on A (either direction)', async () => {
    await playerToken(b, 7);
    const onA = track(await WsClient.connect(a, 7));
    if (!sharedDatabase) await a.dataSource.query(`UPDATE players SET is_ban = true WHERE game_index = 1 AND id = 7`);
    await hive(b).put('/api/v1/games/1/users/7/ban').send({ banned: true, durationSeconds: 600 }).expect(200);
    expect(await onA.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'banned' });
    expect((await onA.closed).reason).toBe('banned');
  });
});
