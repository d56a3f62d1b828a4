import request from 'supertest';
import { PurgeJob } from '../src/channel/purge.job.js';
import { TestRedisServer, redisServerBinary } from './support/redis-server.js';
import { type TestApp, startTestApp } from './support/test-app.js';
import { redisTestEnvironment } from './support/ws-client.js';

/**
 * /health/ready (docs/operations.md#health-routes): 503 from the start of a shutdown, and, when
 * Redis is configured, while Redis does not answer (the database case: database-outage.e2e-spec.ts).
 */
describe('readiness at shutdown', () => {
  it('answers 503 from the first shutdown hook on, while the HTTP server still answers; liveness stays 200', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached = () => {};
    const shutdownStarted = new Promise<void>((resolve) => (reached = resolve));
    // A shutdown hook of a module past the root one that waits for the test: the shutdown has
    // started, the HTTP server is not closed yet.
    const t = await startTestApp({}, (builder) =>
      builder.overrideProvider(PurgeJob).useValue({
        onModuleDestroy: () => {
          reached();
          return held;
        },
      }),
    );
    try {
      expect((await request(t.url).get('/health/ready').expect(200)).body).toEqual({ status: 'ok', database: 'ok' });
      const closed = t.close();
      await shutdownStarted;
      expect((await request(t.url).get('/health/ready').expect(503)).body).toEqual({ status: 'shutting down' });
      expect((await request(t.url).get('/health').expect(200)).body).toEqual({ status: 'ok' });
      release();
      await closed;
    } finally {
      release();
    }
  });
});

const binary = redisServerBinary();
if (!binary) console.warn('health: no redis-server on PATH; the readiness check with Redis is not run');
const withRedis = binary ? describe : describe.skip;

withRedis('readiness with Redis configured', () => {
  let redis: TestRedisServer;
  let t: TestApp;
  const saved = { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: process.env.REDIS_PREFIX };

  beforeAll(async () => {
    redis = await TestRedisServer.start(binary!);
    t = await startTestApp(redisTestEnvironment(redis.url));
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('answers 503 naming Redis while it is down and 200 once it is back; liveness stays 200', async () => {
    expect((await request(t.url).get('/health/ready').expect(200)).body).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
    await redis.kill();
    expect((await request(t.url).get('/health/ready').expect(503)).body).toEqual({ status: 'error', database: 'ok', redis: 'unreachable' });
    expect((await request(t.url).get('/health').expect(200)).body).toEqual({ status: 'ok' });
    await redis.start();
    // The client reconnects by itself (back-off up to 1 s); bounded wait, not a timing assertion.
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await request(t.url).get('/health/ready')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
