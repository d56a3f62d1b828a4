import { asPlayer, playerToken } from './support/http.js';
import { redisReachable } from './support/redis-probe.js';
import { type TestApp, startTestApp, truncateAll } from './support/test-app.js';
import { WsClient, closeClients, deleteRedisKeys, redisTestEnvironment, resetRealtimeCaches } from './support/ws-client.js';

const P = '/api/table/services/parties';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Ready checks across two instances sharing one PostgreSQL (and one Redis for delivery): a check
 * ends exactly once whichever instance sweeps it, and still times out when the instance that
 * started it is gone. An in-memory embedded database cannot be shared between two apps: without
 * DATABASE_URL the suite does not run (CI's PostgreSQL pass runs it).
 */
const runnable = Boolean(process.env.DATABASE_URL) && (Boolean(process.env.TEST_REDIS_URL) || (await redisReachable(redisUrl)));
if (!runnable) console.warn('party-ready-check-cluster: needs DATABASE_URL and a Redis; not run');
const suite = runnable ? describe : describe.skip;

suite('ready checks: two instances, one PostgreSQL', () => {
  let a: TestApp | null = null;
  let b: TestApp;
  const env = redisTestEnvironment(redisUrl);
  const open: WsClient[] = [];
  const on = async (app: TestApp, playerId: number) => {
    const c = await WsClient.connect(app, playerId);
    open.push(c);
    return c;
  };

  /** A party on `app` of the given players, the first its Owner. */
  async function party(app: TestApp, ids: number[]) {
    const owner = asPlayer(app, await playerToken(app, ids[0]));
    const row = (
      await owner
        .post(P)
        .send({ data: { name: `p${ids[0]}`, max_member_count: 5 } })
        .expect(200)
    ).body.row;
    for (const id of ids.slice(1))
      await asPlayer(app, await playerToken(app, id))
        .post(`${P}/${row.id}`)
        .send({})
        .expect(200);
    return { id: row.id as number, owner };
  }

  beforeAll(async () => {
    a = await startTestApp(env);
    b = await startTestApp(env);
    await truncateAll(b.dataSource);
    for (const app of [a, b]) await resetRealtimeCaches(app);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteRedisKeys(redisUrl, env.REDIS_PREFIX);
  });
  afterEach(async () => {
    await closeClients(a ? [a, b] : [b], open.splice(0));
  });

  it('both instances sweeping: every check ends once, each member hears DONE once', async () => {
    const parties = [await party(a!, [1, 2]), await party(b, [3, 4]), await party(a!, [5, 6])];
    const clients = [await on(a!, 1), await on(b, 2), await on(b, 3), await on(a!, 4), await on(b, 5), await on(a!, 6)];
    const started = await Promise.all(parties.map((p) => p.owner.post(`${P}/${p.id}/ready-check`).send({ timeout: 5 }).expect(200)));
    for (const c of clients) await c.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE', () => true, 9_000);
    const lastExpiry = Math.max(...started.map((r) => Date.parse(r.body.row.expires_at)));
    expect(Date.now() - lastExpiry).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // more sweeps on both instances
    await Promise.all(clients.map((c) => c.flush()));
    for (const c of clients) {
      expect(c.received.filter((p) => p.packetType === 'NOTIFY_PARTY_READY_CHECK_DONE')).toHaveLength(1);
    }
    const [{ n }] = await b.dataSource.query(`SELECT count(*)::int AS n FROM party_ready_checks WHERE status = 'timeout'`);
    expect(n).toBe(3);
  }, 30_000);

  it('the starting instance stopped: the other one times the check out within 2 s of expires_at', async () => {
    const p = await party(a!, [11, 12, 13]);
    const clients = [await on(b, 11), await on(b, 12), await on(b, 13)];
    const started = (await p.owner.post(`${P}/${p.id}/ready-check`).send({ timeout: 5 }).expect(200)).body.row;
    await a!.close();
    a = null;
    const done = await clients[1].nextNotify('NOTIFY_PARTY_READY_CHECK_DONE', () => true, 9_000);
    const late = Date.now() - Date.parse(started.expires_at);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(2_000);
    expect(done).toEqual({ partyId: p.id, readyCheck: { ...started, status: 'timeout' } });
    for (const c of [clients[0], clients[2]]) expect(await c.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual(done);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await Promise.all(clients.map((c) => c.flush()));
    for (const c of clients) expect(c.received.filter((x) => x.packetType === 'NOTIFY_PARTY_READY_CHECK_DONE')).toHaveLength(1);
  }, 30_000);
});
