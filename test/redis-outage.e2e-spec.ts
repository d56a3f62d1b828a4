import { Redis } from 'ioredis';
import { RedisConnection } from '../src/presence/redis-connection.js';
import { MessageIdGenerator } from '../src/realtime/chat/message-id.js';
import { RealtimeGateway } from '../src/realtime/realtime.gateway.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { TestRedisServer, redisServerBinary } from './support/redis-server.js';
import { type TestApp, startTestApp, truncateAll } from './support/test-app.js';
import { WsClient, closeClients, redisTestEnvironment, resetRealtimeCaches } from './support/ws-client.js';

/**
 * Redis stops and comes back while two instances run. The suite starts a redis-server of its own
 * on a free port (the shared one is never touched), so it is skipped where the binary is missing.
 * With DATABASE_URL both instances share that PostgreSQL; on the embedded database each has its
 * own and the test writes the same channels into both, as the cluster suite does.
 */
const binary = redisServerBinary();
if (!binary) console.warn('redis-outage: no redis-server on PATH; the Redis outage suite is not run');
const suite = binary ? describe : describe.skip;
const sharedDatabase = Boolean(process.env.DATABASE_URL);

/**
 * "Fast": without retries on the request path (a command fails at once, or after the 1 s command
 * timeout). Before, the same requests took 3-4 s of retries and then failed; the bound leaves room
 * for a loaded machine while still telling the two apart.
 */
const FAST_MS = 2_500;
/** How long recovery may take once Redis is back (reconnect back-off included). */
const RECOVERY_MS = 8_000;
const P = '/api/table/services/parties';

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = RECOVERY_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = `probe answered ${JSON.stringify(value)}`;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting until ${what}${last ? ` (last: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work();
  return { value, ms: Date.now() - start };
}

suite(`realtime: Redis goes away and comes back${sharedDatabase ? ' (one PostgreSQL)' : ' (own embedded databases)'}`, () => {
  let redis: TestRedisServer;
  let a: TestApp;
  let b: TestApp;
  let env: Record<string, string>;
  const open: WsClient[] = [];
  const on = async (app: TestApp, playerId: number) => {
    const c = await WsClient.connect(app, playerId);
    open.push(c);
    return c;
  };
  const databases = () => (sharedDatabase ? [a] : [a, b]);
  const everywhere = async (call: (app: TestApp) => Promise<unknown>) => {
    for (const app of databases()) await call(app);
  };
  const channelWith = (channelId: string, type: 'GROUP' | 'PUBLIC', ...ids: number[]) =>
    everywhere(async (app) => {
      await hive(app).post('/api/v1/games/1/channel').send({ channelId, channelName: channelId, maxMemberCount: 50, type }).expect(200);
      for (const playerId of ids) await hive(app).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
    });
  const commandStatus = (app: TestApp) => app.app.get(RedisConnection).client!.status;
  const bothReady = () => until('both instances reconnected to Redis', () => commandStatus(a) === 'ready' && commandStatus(b) === 'ready');
  const outage = async () => {
    await redis.kill();
    await until('both instances saw Redis go', () => commandStatus(a) !== 'ready' && commandStatus(b) !== 'ready', 5_000);
  };
  /** The app has seen its closed sockets go and finished their cleanup (PUBLIC exits, presence, reconnect memory). */
  const cleanupsDone = async (app: TestApp, stillOpen: number) => {
    const gateway = app.app.get(RealtimeGateway, { strict: false });
    await until('disconnect cleanups finished', async () => {
      await gateway.settled();
      return gateway.busyConnections === stillOpen;
    });
  };
  const presenceSeenBy = async (watcher: WsClient, ids: number[]) =>
    (await watcher.ok('GET_PRESENCE', { playerIds: ids })).players as {
      playerId: number;
      online: boolean;
      lastSeenMillis: number | null;
    }[];

  beforeAll(async () => {
    redis = await TestRedisServer.start(binary!);
    env = { ...redisTestEnvironment(redis.url), PRESENCE_TTL: '3' };
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 120_000);
  afterAll(async () => {
    if (redis && !redis.running) await redis.start();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    for (const app of databases()) await truncateAll(app.dataSource);
    for (const app of [a, b]) await resetRealtimeCaches(app);
  });
  afterEach(async () => {
    if (!redis.running) await redis.start();
    await bothReady();
    await closeClients([a, b], open.splice(0));
  }, 30_000);

  it('while Redis is down: channel details from the database, a new CONNECT and chat between local players, each within a second', async () => {
    await channelWith('guild', 'GROUP', 1, 2, 3);
    const token1 = await playerToken(a, 1);
    const token2 = await playerToken(a, 2);
    const party = (
      await asPlayer(a, token1)
        .post(P)
        .send({ data: { name: 'Wolves', max_member_count: 5 } })
        .expect(200)
    ).body.row;
    await asPlayer(a, token2).post(`${P}/${party.id}`).send({}).expect(200);
    const ann = await on(a, 1);
    await outage();

    const details = await timed(() => hive(a).get('/api/v1/games/1/channels/guild').expect(200));
    expect(details.ms).toBeLessThan(FAST_MS);
    // Degraded presence: what this instance knows (its own connections); nobody else is counted.
    expect(details.value.body.data.members).toEqual(
      expect.arrayContaining([
        { playerId: 1, connectedTimeMillis: expect.any(Number) },
        { playerId: 2, connectedTimeMillis: null },
        { playerId: 3, connectedTimeMillis: null },
      ]),
    );

    const connect = await timed(() => WsClient.connect(a, 2, { token: token2 }));
    const bob = connect.value;
    open.push(bob);
    expect(connect.ms).toBeLessThan(FAST_MS);
    // Stream positions come from this instance while Redis is down (epochs of its own).
    expect(bob.connectBody).toMatchObject({ playerId: 2, gameIndex: 1, channelIds: ['guild'], positions: expect.any(Array) });
    expect(await ann.nextNotify('NOTIFY_PRESENCE', (p) => p.playerId === 2)).toMatchObject({ playerId: 2, online: true });

    const sent = await timed(() => ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'redis is down' }));
    expect(sent.ms).toBeLessThan(FAST_MS);
    expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({
      messageId: sent.value.messageId,
      from: 1,
      message: 'redis is down',
    });
    const back = await bob.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'still here' });
    expect(await ann.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: back.messageId, from: 2 });
    const dm = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'local direct' });
    expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ messageId: dm.messageId, from: 1 });

    const members = await timed(() => hive(a).get('/api/v1/games/1/channels/guild/members').expect(200));
    expect(members.ms).toBeLessThan(FAST_MS);
    expect(members.value.body.data.members).toEqual(
      expect.arrayContaining([
        { playerId: 1, connectedTimeMillis: expect.any(Number) },
        { playerId: 2, connectedTimeMillis: expect.any(Number) },
      ]),
    );
    const partyMembers = await timed(() => asPlayer(a, token1).get(`${P}/${party.id}/members`).expect(200));
    expect(partyMembers.ms).toBeLessThan(FAST_MS);
    expect(partyMembers.value.body.list.map((m: { id: number; online: boolean }) => [m.id, m.online])).toEqual([
      [1, true],
      [2, true],
    ]);
    // A PUBLIC enter of a player connected here needs nobody else.
    await channelWith('lobby', 'PUBLIC');
    const entered = await timed(() => ann.ok('ENTER_CHANNEL', { channelId: 'lobby' }));
    expect(entered.ms).toBeLessThan(FAST_MS);
  });

  it('while Redis is down: what needs the other instances answers 503 with code 108 at once', async () => {
    await channelWith('lobby', 'PUBLIC');
    await channelWith('guild', 'GROUP', 1, 2);
    const ann = await on(a, 1);
    await on(b, 2);
    await outage();

    // Another instance's player: only Redis knows.
    const presence = await timed(() => ann.request('GET_PRESENCE', { playerIds: [1, 2] }));
    expect(presence.ms).toBeLessThan(FAST_MS);
    expect(presence.value).toMatchObject({ status: 503, body: { code: 108 } });
    // Only players connected here: known without Redis.
    expect(await ann.ok('GET_PRESENCE', { playerIds: [1] })).toEqual({
      players: [{ playerId: 1, online: true, lastSeenMillis: expect.any(Number) }],
    });

    const direct = await timed(() => ann.request('DIRECT_CHAT', { toPlayerId: 2, message: 'are you there?' }));
    expect(direct.ms).toBeLessThan(FAST_MS);
    expect(direct.value).toMatchObject({ status: 503, body: { code: 108 } });

    const enter = await timed(() => hive(a).post('/api/v1/games/1/channels/lobby/enter').send({ playerId: 2 }));
    expect(enter.ms).toBeLessThan(FAST_MS);
    expect(enter.value.status).toBe(503);
    expect(enter.value.body).toEqual({ code: 108, message: expect.any(String), data: null });
    await hive(a).post('/api/v1/games/1/channels/lobby/enter').send({ playerId: 1 }).expect(200);

    const custom = await timed(() => hive(a).post('/api/v1/games/1/custom/user').send({ playerId: 2, data: 'x' }));
    expect(custom.ms).toBeLessThan(FAST_MS);
    expect(custom.value.status).toBe(503);
    expect(custom.value.body).toMatchObject({ code: 108, data: null });
    await hive(a).post('/api/v1/games/1/custom/user').send({ playerId: 1, data: 'local' }).expect(200);
    expect(await ann.nextNotify('NOTIFY_CUSTOM')).toEqual({ data: 'local' });

    // RECONNECT whose memory may sit in Redis (the drop was not on this instance): refused, socket closed.
    const socket = await WsClient.open(a);
    open.push(socket);
    const reconnect = await timed(async () => socket.request('RECONNECT', { token: await playerToken(a, 3) }));
    expect(reconnect.ms).toBeLessThan(FAST_MS);
    expect(reconnect.value).toMatchObject({ status: 503, body: { code: 108 } });
    await socket.closed;
  });

  it('after Redis restarts EMPTY, every connected player is online again on both instances, without restarting the app', async () => {
    const players = [101, 102, 103, 104, 105, 106, 107, 108, 109, 110];
    const lateComers = [111, 112];
    await channelWith('guild', 'GROUP', ...players, ...lateComers, 200);
    const onA: WsClient[] = [];
    for (const id of players) onA.push(await on(a, id));
    const watcher = await on(b, 200);
    expect((await presenceSeenBy(watcher, players)).every((p) => p.online)).toBe(true);

    await outage();
    for (const id of lateComers) onA.push(await on(a, id));
    await redis.start();

    const everyone = [...players, ...lateComers];
    const seen = await until('every player shows online from instance B', async () => {
      const list = await presenceSeenBy(watcher, everyone);
      return list.every((p) => p.online) && list;
    });
    expect(seen.map((p) => p.playerId)).toEqual(everyone);
    const fromA = await on(a, 201);
    expect((await presenceSeenBy(fromA, [...everyone, 200])).every((p) => p.online)).toBe(true);
    const members = (await hive(b).get('/api/v1/games/1/channels/guild/members').expect(200)).body.data.members as {
      playerId: number;
      connectedTimeMillis: number | null;
    }[];
    for (const id of [...everyone, 200]) expect(members).toContainEqual({ playerId: id, connectedTimeMillis: expect.any(Number) });

    // Both subscribers are back on the bus: messages cross instances in both directions.
    let attempt = 0;
    const fromB = await until('a message sent on B reaches a player on A', async () => {
      const text = `from B #${++attempt}`;
      await watcher.ok('CHANNEL_CHAT', { channelId: 'guild', message: text });
      return onA[0].nextNotify('NOTIFY_CHANNEL_CHAT', (m) => m.message === text, 500);
    });
    expect(fromB).toMatchObject({ from: 200 });
    const reply = await onA[0].ok('CHANNEL_CHAT', { channelId: 'guild', message: 'from A' });
    expect(await watcher.nextNotify('NOTIFY_CHANNEL_CHAT', (m) => m.messageId === reply.messageId)).toMatchObject({ from: 101 });

    // Each instance holds its message-id node number again (a new instance cannot take it).
    const probe = new Redis(redis.url);
    try {
      for (const app of [a, b]) {
        const nodeId = app.app.get(MessageIdGenerator, { strict: false }).nodeId;
        expect(await probe.get(`${env.REDIS_PREFIX}node:${nodeId}`)).toBe(app.app.get(RedisConnection).instanceId);
      }
    } finally {
      probe.disconnect();
    }
  }, 30_000);

  it('a player who leaves while Redis is down is offline once Redis returns with its old data', async () => {
    const leaver = await on(a, 7);
    const stays = await on(a, 8);
    const watcher = await on(b, 9);
    expect((await presenceSeenBy(watcher, [7, 8])).map((p) => p.online)).toEqual([true, true]);

    await redis.shutdownSaving();
    await until('both instances saw Redis go', () => commandStatus(a) !== 'ready' && commandStatus(b) !== 'ready', 5_000);
    const before = Date.now();
    await leaver.close();
    open.splice(open.indexOf(leaver), 1);
    await cleanupsDone(a, 1);
    const after = Date.now();
    await redis.start();

    const seen = await until('player 7 shows offline from instance B', async () => {
      const list = await presenceSeenBy(watcher, [7, 8]);
      return !list[0].online && list;
    });
    expect(seen[0]).toEqual({ playerId: 7, online: false, lastSeenMillis: expect.any(Number) });
    expect(seen[0].lastSeenMillis).toBeGreaterThanOrEqual(before);
    expect(seen[0].lastSeenMillis).toBeLessThanOrEqual(after);
    expect(seen[1]).toMatchObject({ playerId: 8, online: true });
    await stays.flush();
  }, 30_000);

  it('PUBLIC channels left while Redis is down are restored by RECONNECT, here at once and on the other instance once Redis is back', async () => {
    await channelWith('lobby', 'PUBLIC');
    const local = await on(a, 11);
    const remote = await on(a, 12);
    await local.ok('ENTER_CHANNEL', { channelId: 'lobby' });
    await remote.ok('ENTER_CHANNEL', { channelId: 'lobby' });
    await outage();
    for (const client of [local, remote]) {
      await client.close();
      open.splice(open.indexOf(client), 1);
    }
    await cleanupsDone(a, 0);

    const again = await timed(() => WsClient.reconnect(a, 11));
    open.push(again.value);
    expect(again.ms).toBeLessThan(FAST_MS);
    expect(again.value.connectBody).toMatchObject({ playerId: 11, gameIndex: 1, channelIds: ['lobby'], failChannelIds: [] });

    await redis.start();
    const probe = new Redis(redis.url);
    try {
      await until(
        'the reconnect memory of player 12 reached Redis',
        async () => (await probe.exists(`${env.REDIS_PREFIX}reconnect:1:12`)) === 1,
      );
    } finally {
      probe.disconnect();
    }
    await bothReady();
    const elsewhere = await WsClient.reconnect(b, 12);
    open.push(elsewhere);
    expect(elsewhere.connectBody).toMatchObject({ playerId: 12, gameIndex: 1, channelIds: ['lobby'], failChannelIds: [] });
  }, 30_000);

  it('a login made while Redis is down closes the older connection on the other instance once Redis is back', async () => {
    const older = await on(b, 5);
    const watcher = await on(b, 6);
    await outage();
    const newer = await on(a, 5);
    await redis.start();

    expect(await older.nextNotify('NOTIFY_DISCONNECT', () => true, RECOVERY_MS)).toEqual({ reason: 'duplicated' });
    expect((await older.closed).reason).toBe('duplicated');
    open.splice(open.indexOf(older), 1);
    await cleanupsDone(b, 1);
    const seen = await until('player 5 shows online from instance B', async () => {
      const [five] = await presenceSeenBy(watcher, [5]);
      return five.online && five;
    });
    expect(seen).toEqual({ playerId: 5, online: true, lastSeenMillis: expect.any(Number) });
    await newer.flush();
  }, 30_000);
});
