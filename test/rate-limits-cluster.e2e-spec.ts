import request from 'supertest';
import { asPlayer, playerToken } from './support/http.js';
import { redisReachable } from './support/redis-probe.js';
import { TestRedisServer, redisServerBinary } from './support/redis-server.js';
import { type TestApp, startTestApp } from './support/test-app.js';
import { WsClient, closeClients, deleteRedisKeys, openRedis, redisTestEnvironment } from './support/ws-client.js';

/**
 * Rate limits with several instances (docs/operations.md#rate-limits): the REST, login and connect
 * buckets live in Redis, so a client reaching any instance draws from one bucket; while Redis does
 * not answer, each instance counts alone, in memory, and nothing fails.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = Boolean(process.env.TEST_REDIS_URL) || (await redisReachable(redisUrl));
if (!redisUp) console.warn(`rate-limits-cluster: no Redis at ${redisUrl}; the two-instance suite is not run`);
const binary = redisServerBinary();
if (!binary) console.warn('rate-limits-cluster: no redis-server on PATH; the Redis outage case is not run');

const P = '/api/table/services/parties';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const retryOf = (detail: string) => Number(/; retry in (\d+) ms$/.exec(detail)?.[1]);
const guest = (app: TestApp, address: string, deviceId: string) =>
  request(app.url).post('/api/auth/guest').set('X-Forwarded-For', address).send({ device_id: deviceId });

const LIMITS = {
  RATE_LIMITS: 'on',
  RATE_REST: '1/2',
  // A refill of 2.5 s: Redis keeps it to the millisecond, as memory does.
  RATE_LOGIN: '0.8/2',
  RATE_CONNECT: '1/2',
  TRUST_PROXY: 'true',
};

(redisUp ? describe : describe.skip)('rate limits: two instances share the REST, login and connect buckets', () => {
  let a: TestApp;
  let b: TestApp;
  const env = { ...redisTestEnvironment(redisUrl), ...LIMITS };
  const open: WsClient[] = [];

  beforeAll(async () => {
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteRedisKeys(redisUrl, env.REDIS_PREFIX);
  });
  afterEach(() => closeClients([a, b], open.splice(0)));

  it('REST: one bucket per player whichever instance answers', async () => {
    const token = await playerToken(a, 51);
    await asPlayer(a, token).get(P).expect(200);
    await asPlayer(b, token).get(P).expect(200);
    const refused = await asPlayer(a, token).get(P).expect(429);
    expect(refused.body.msg).toBe('too many requests');
    const retry = retryOf(refused.body.detail);
    expect(refused.headers['retry-after']).toBe(String(Math.ceil(retry / 1000)));
    await asPlayer(b, token).get(P).expect(429);
    // A Redis Cluster on CI's third pass: the key lives on whichever primary owns its slot.
    const redis = await openRedis(redisUrl);
    try {
      const pttl = await redis.pttl(`${env.REDIS_PREFIX}rate:rest:1:51`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(2000);
    } finally {
      redis.disconnect();
    }

    await sleep(retry + 20);
    await asPlayer(b, token).get(P).expect(200);
  });

  it('login: one bucket per client address, refilled to the millisecond', async () => {
    await guest(a, '192.0.2.1', 'device-1').expect(200);
    await guest(b, '192.0.2.1', 'device-2').expect(200);
    const refused = await guest(a, '192.0.2.1', 'device-3').expect(429);
    const retry = retryOf(refused.body.detail);
    // The window is 2.5 s (2 logins at 0.8 a second): more than 2 s left proves it was not rounded to whole seconds.
    expect(retry).toBeGreaterThan(2000);
    expect(retry).toBeLessThanOrEqual(2500);
    expect(refused.headers['retry-after']).toBe('3');
    await guest(b, '192.0.2.1', 'device-3').expect(429);
    await guest(b, '192.0.2.2', 'device-3').expect(200);
  });

  it('connect: one bucket per client address; the refused CONNECT is answered 429/108 and closed', async () => {
    const connectFrom = async (app: TestApp, playerId: number) => {
      const client = await WsClient.open(app, { 'X-Forwarded-For': '192.0.2.9' });
      open.push(client);
      return client.request('CONNECT', { token: await playerToken(a, playerId) });
    };
    expect((await connectFrom(a, 61)).status).toBe(200);
    expect((await connectFrom(b, 62)).status).toBe(200);
    const refused = await connectFrom(a, 63);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ code: 108, retryAfterMillis: expect.any(Number) });
    expect((await connectFrom(b, 64)).status).toBe(429);
  });
});

(binary ? describe : describe.skip)('rate limits: Redis does not answer', () => {
  let redis: TestRedisServer;
  let app: TestApp;

  beforeAll(async () => {
    redis = await TestRedisServer.start(binary!);
    app = await startTestApp({ ...redisTestEnvironment(redis.url), ...LIMITS });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('each instance counts alone in memory: at once, and never a 500', async () => {
    await redis.kill();
    const token = await playerToken(app, 71);
    const started = Date.now();
    await asPlayer(app, token).get(P).expect(200);
    await asPlayer(app, token).get(P).expect(200);
    const refused = await asPlayer(app, token).get(P).expect(429);
    expect(refused.body.msg).toBe('too many requests');
    await guest(app, '192.0.2.20', 'device-1').expect(200);
    await guest(app, '192.0.2.20', 'device-2').expect(200);
    await guest(app, '192.0.2.20', 'device-3').expect(429);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
