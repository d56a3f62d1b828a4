import { jest } from '@jest/globals';
import request from 'supertest';
import { asPlayer, hive, playerToken } from './support/http.js';
import { type TestApp, useTestApp } from './support/test-app.js';
import { WsClient, cleanOptionalRedis, closeClients, optionalRedisEnvironment, resetRealtimeCaches } from './support/ws-client.js';

/**
 * Rate limits on every door (docs/operations.md#rate-limits): chat and other packets per player,
 * REST per player, logins and CONNECT per client address. Buckets outlive the tables emptied
 * between tests, so every test uses players and (forwarded) addresses of its own.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The retry time a refusal message ends with (`...; retry in 1234 ms`). */
function retryOf(message: string): number {
  const match = /; retry in (\d+) ms$/.exec(message);
  if (!match) throw new Error(`no retry time in "${message}"`);
  return Number(match[1]);
}

/** Counts database connections taken while `work` runs (every query and transaction takes one). */
async function databaseUse(t: TestApp, work: () => Promise<void>): Promise<number> {
  const driver = t.dataSource.driver as unknown as { obtainMasterConnection: () => Promise<unknown> };
  const spy = jest.spyOn(driver, 'obtainMasterConnection');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

/** Helpers bound to one test app. */
function helpers(t: TestApp, open: WsClient[]) {
  return {
    /** CONNECT from a socket whose upgrade request says it comes from `address` (X-Forwarded-For). */
    connectFrom: async (address: string, playerId: number, packetType = 'CONNECT'): Promise<WsClient> => {
      const client = await WsClient.open(t, { 'X-Forwarded-For': address });
      open.push(client);
      client.playerId = playerId;
      client.connectBody = await client.ok(packetType, { token: await playerToken(t, playerId) });
      return client;
    },
    groupWith: async (channelId: string, ...playerIds: number[]): Promise<void> => {
      await hive(t)
        .post('/api/v1/games/1/channel')
        .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed: true })
        .expect(200);
      for (const playerId of playerIds) await hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
    },
    guest: (address: string | null, deviceId: string, prefix = '') => {
      const req = request(t.url).post(`${prefix}/api/auth/guest`);
      return (address ? req.set('X-Forwarded-For', address) : req).send({ device_id: deviceId });
    },
  };
}

describe('rate limits: small buckets, client address from X-Forwarded-For', () => {
  const redisEnv = optionalRedisEnvironment();
  const t = useTestApp({
    env: {
      ...redisEnv,
      RATE_LIMITS: 'on',
      RATE_CHAT: '1/2',
      RATE_PACKETS: '1/3',
      RATE_REST: '1/2',
      RATE_LOGIN: '1/2',
      RATE_CONNECT: '1/2',
      TRUST_PROXY: 'true',
    },
    cleanup: () => cleanOptionalRedis(redisEnv),
  });
  const open: WsClient[] = [];
  const { connectFrom, groupWith, guest } = helpers(t, open);

  beforeEach(() => resetRealtimeCaches(t));
  afterEach(() => closeClients(t, open.splice(0)));

  it('chat: refuses CHANNEL_CHAT and DIRECT_CHAT past the burst with 429/108 and retryAfterMillis, stores nothing, admits after the wait', async () => {
    await groupWith('room', 11, 12);
    const ann = await connectFrom('10.0.1.1', 11);
    const bob = await connectFrom('10.0.1.2', 12);
    expect((await ann.request('CHANNEL_CHAT', { channelId: 'room', message: 'one' })).status).toBe(200);
    expect((await ann.request('DIRECT_CHAT', { toPlayerId: 12, message: 'two' })).status).toBe(200);
    let refusedRetry = 0;
    const dbCalls = await databaseUse(t, async () => {
      const refused = await ann.request('CHANNEL_CHAT', { channelId: 'room', message: 'three' });
      refusedRetry = refused.body.retryAfterMillis;
      expect(refused).toEqual({
        packetType: 'RESPONSE_CHANNEL_CHAT',
        correlationId: expect.any(String),
        status: 429,
        message: `too many chat messages: at most 1 a second and 2 at once per player; retry in ${refusedRetry} ms`,
        body: { code: 108, retryAfterMillis: refusedRetry },
      });
      expect(refusedRetry).toBeGreaterThan(0);
      expect(refusedRetry).toBeLessThanOrEqual(2000);
      const direct = await ann.request('DIRECT_CHAT', { toPlayerId: 12, message: 'four' });
      expect(direct.status).toBe(429);
      expect(direct.body).toEqual({ code: 108, retryAfterMillis: expect.any(Number) });
    });
    expect(dbCalls).toBe(0);
    // PING is never limited; other packets have their own bucket.
    for (let i = 0; i < 5; i++) await ann.flush();
    expect((await ann.request('GET_BLOCK_MEMBERS')).status).toBe(200);
    await bob.flush();
    expect(bob.pending('NOTIFY_CHANNEL_CHAT').map((m) => m.message)).toEqual(['one']);
    expect(bob.pending('NOTIFY_DIRECT_CHAT').map((m) => m.message)).toEqual(['two']);
    const history = await hive(t).get('/api/v2/games/1/channels/room/messages?prevSize=10').expect(200);
    expect(history.body.data.content.map((m: { message: string }) => m.message)).toEqual(['one']);

    await sleep(refusedRetry + 20);
    expect((await ann.request('CHANNEL_CHAT', { channelId: 'room', message: 'five' })).status).toBe(200);
    expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT', (m) => m.message === 'five')).from).toBe(11);
  });

  it('chat: EDIT_MESSAGE draws on the same bucket as CHANNEL_CHAT; a refused edit changes nothing', async () => {
    await groupWith('edits', 77);
    const ann = await connectFrom('10.0.0.77', 77);
    const sent = await ann.ok('CHANNEL_CHAT', { channelId: 'edits', message: 'first' });
    await ann.ok('EDIT_MESSAGE', { channelId: 'edits', messageId: sent.messageId, message: 'second' });
    const refused = await ann.request('EDIT_MESSAGE', { channelId: 'edits', messageId: sent.messageId, message: 'third' });
    expect(refused).toMatchObject({
      packetType: 'RESPONSE_EDIT_MESSAGE',
      status: 429,
      body: { code: 108, retryAfterMillis: expect.any(Number) },
    });
    const rows = await t.dataSource.query(`SELECT message FROM chat_messages WHERE channel_id = 'edits'`);
    expect(rows).toEqual([{ message: 'second' }]);
  });

  it('packets: refuses any other packet past the burst before reading its body, and the refusal changes nothing', async () => {
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'plaza', channelName: 'plaza', maxMemberCount: 50, type: 'PUBLIC' })
      .expect(200);
    const cid = await connectFrom('10.0.2.1', 21);
    for (let i = 0; i < 3; i++) expect((await cid.request('GET_BLOCK_MEMBERS')).status).toBe(200);
    let retry = 0;
    const dbCalls = await databaseUse(t, async () => {
      const refused = await cid.request('ENTER_CHANNEL', { channelId: 'plaza' });
      retry = refused.body.retryAfterMillis;
      expect(refused).toEqual({
        packetType: 'RESPONSE_ENTER_CHANNEL',
        correlationId: expect.any(String),
        status: 429,
        message: `too many packets: at most 1 a second and 3 at once per player; retry in ${retry} ms`,
        body: { code: 108, retryAfterMillis: retry },
      });
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(3000);
      // Checked before the body and the packet type: a malformed body or an unknown type is refused the same way.
      expect((await cid.request('ENTER_CHANNEL', { channelId: 5 })).status).toBe(429);
      expect((await cid.request('NO_SUCH_PACKET', {})).status).toBe(429);
    });
    expect(dbCalls).toBe(0);
    // Chat has its own bucket: a chat packet is still answered on its merits (not a member: 301).
    const chat = await cid.request('CHANNEL_CHAT', { channelId: 'plaza', message: 'hi' });
    expect([chat.status, chat.body.code]).toEqual([400, 301]);
    const channels = await hive(t).get('/api/v1/games/1/users/21/channels').expect(200);
    expect(channels.body.data.channels).toEqual([]);

    await sleep(retry + 20);
    // The same packet admitted does reach the database (what the zero above is measured against).
    const admitted = await databaseUse(t, async () => {
      expect((await cid.request('ENTER_CHANNEL', { channelId: 'plaza' })).status).toBe(200);
    });
    expect(admitted).toBeGreaterThan(0);
  });

  it('REST: refuses Party API and users routes past the burst with 429, the DynamicPixels body and Retry-After; other players and the server API are not limited', async () => {
    const token = await playerToken(t, 31);
    const dee = asPlayer(t, token);
    await dee.get('/api/table/services/parties').expect(200);
    // The /game/{n} prefix and the users routes share the player's bucket.
    await request(t.url).get('/game/1/api/table/services/users/me').set('Authorization', `Bearer ${token}`).expect(200);
    let refused!: request.Response;
    const dbCalls = await databaseUse(t, async () => {
      refused = await dee.post('/api/table/services/parties').send({ data: { name: 'Night Raid', max_member_count: 4 } });
    });
    expect(dbCalls).toBe(0);
    expect(refused.status).toBe(429);
    const retry = retryOf(refused.body.detail);
    expect(refused.body).toEqual({
      msg: 'too many requests',
      status: false,
      detail: `too many requests: at most 1 a second and 2 at once per player; retry in ${retry} ms`,
      message: 'too many requests',
    });
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(2000);
    expect(refused.headers['retry-after']).toBe(String(Math.ceil(retry / 1000)));
    await asPlayer(t, await playerToken(t, 32))
      .get('/api/table/services/parties')
      .expect(200);
    for (let i = 0; i < 5; i++) await hive(t).get('/api/v1/games/1/users/31/channels').expect(200);
    // A request without a valid token is not counted (there is no player to count it for).
    await request(t.url).get('/api/table/services/parties').set('Authorization', 'Bearer nope').expect(401);

    await sleep(retry + 20);
    const search = await dee.get('/api/table/services/parties').expect(200);
    expect(search.body.totalCount).toBe(0); // the refused create created nothing
  });

  it('login: guest and token logins share one bucket per client address, refused with 429 and Retry-After; another address is not limited', async () => {
    const first = await guest('203.0.113.1', 'device-1').expect(200);
    await request(t.url)
      .post('/game/1/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.1, 10.0.0.1')
      .send({ token: first.body.token })
      .expect(200);
    let refused!: request.Response;
    const dbCalls = await databaseUse(t, async () => {
      refused = await guest('203.0.113.1', 'device-2');
    });
    expect(dbCalls).toBe(0);
    expect(refused.status).toBe(429);
    const retry = retryOf(refused.body.detail);
    expect(refused.body).toEqual({
      msg: 'too many requests',
      status: false,
      detail: `too many logins: at most 1 a second and 2 at once per client address; retry in ${retry} ms`,
      message: 'too many requests',
    });
    expect(refused.headers['retry-after']).toBe(String(Math.ceil(retry / 1000)));
    expect(retry).toBeLessThanOrEqual(2000);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM players WHERE device_id = 'device-2'`);
    expect(n).toBe(0);
    await guest('203.0.113.2', 'device-3').expect(200);

    await sleep(retry + 20);
    await guest('203.0.113.1', 'device-2', '/game/1').expect(200);
  });

  it('connect: CONNECT and RECONNECT share one bucket per client address; a refusal answers 429/108, then closes (1013)', async () => {
    const eve = await connectFrom('198.51.100.1', 41);
    await connectFrom('198.51.100.1', 42, 'RECONNECT');
    const socket = await WsClient.open(t, { 'X-Forwarded-For': '198.51.100.1' });
    open.push(socket);
    const refused = await socket.request('CONNECT', { token: await playerToken(t, 43) });
    const retry = refused.body.retryAfterMillis;
    expect(refused).toEqual({
      packetType: 'RESPONSE_CONNECT',
      correlationId: expect.any(String),
      status: 429,
      message: `too many connection attempts: at most 1 a second and 2 at once per client address; retry in ${retry} ms`,
      body: { code: 108, retryAfterMillis: retry },
    });
    expect(retry).toBeLessThanOrEqual(2000);
    expect(await socket.closed).toEqual({ code: 1013, reason: 'too many requests' });
    const presence = await eve.ok('GET_PRESENCE', { playerIds: [43] });
    expect(presence.players).toEqual([{ playerId: 43, online: false, lastSeenMillis: null }]);
    await connectFrom('198.51.100.2', 43); // another address

    await sleep(retry + 20);
    await connectFrom('198.51.100.1', 44);
  });
});

describe('rate limits: 0 turns one off; X-Forwarded-For is ignored without TRUST_PROXY', () => {
  const t = useTestApp({ env: { RATE_LIMITS: 'on', RATE_CHAT: '0', RATE_REST: '0', RATE_LOGIN: '1/1' } });
  const open: WsClient[] = [];
  const { connectFrom, groupWith, guest } = helpers(t, open);

  beforeEach(() => resetRealtimeCaches(t));
  afterEach(() => closeClients(t, open.splice(0)));

  it('a limit of 0 is off: chat and REST are not limited', async () => {
    await groupWith('room', 1, 2);
    const ann = await connectFrom('10.0.0.1', 1);
    for (let i = 0; i < 15; i++) expect((await ann.request('CHANNEL_CHAT', { channelId: 'room', message: `m${i}` })).status).toBe(200);
    const player = asPlayer(t, await playerToken(t, 1));
    for (let i = 0; i < 15; i++) await player.get('/api/table/services/parties').expect(200);
  });

  it('counts by the socket address, whatever X-Forwarded-For says', async () => {
    await guest('203.0.113.10', 'device-a').expect(200);
    const refused = await guest('203.0.113.11', 'device-b').expect(429);
    expect(refused.body.detail).toMatch(/^too many logins: at most 1 a second and 1 at once per client address; retry in \d+ ms$/);
  });
});

describe('rate limits: RATE_LIMITS=off turns every limit off', () => {
  const t = useTestApp({
    env: { RATE_LIMITS: 'off', RATE_CHAT: '1/1', RATE_PACKETS: '1/1', RATE_REST: '1/1', RATE_LOGIN: '1/1', RATE_CONNECT: '1/1' },
  });
  const open: WsClient[] = [];
  const { connectFrom, groupWith, guest } = helpers(t, open);

  afterEach(() => closeClients(t, open.splice(0)));

  it('admits every burst', async () => {
    await groupWith('room', 1, 2, 3);
    const [ann] = [await connectFrom('10.0.0.1', 1), await connectFrom('10.0.0.1', 2), await connectFrom('10.0.0.1', 3)];
    for (let i = 0; i < 5; i++) expect((await ann.request('CHANNEL_CHAT', { channelId: 'room', message: `m${i}` })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await ann.request('GET_BLOCK_MEMBERS')).status).toBe(200);
    const player = asPlayer(t, await playerToken(t, 1));
    for (let i = 0; i < 5; i++) await player.get('/api/table/services/parties').expect(200);
    for (let i = 0; i < 5; i++) await guest(null, `device-${i}`).expect(200);
  });
});
