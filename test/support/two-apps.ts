import { redisReachable } from './redis-probe.js';
import { type TestApp, startTestApp, truncateAll } from './test-app.js';
import { deleteRedisKeys, redisTestEnvironment, resetRealtimeCaches } from './ws-client.js';

/** The Redis of the multi-instance suites: TEST_REDIS_URL (CI), else the local one. */
export const clusterRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** With DATABASE_URL the two instances share one PostgreSQL; on the embedded pass each has its own. */
export const sharedDatabase = Boolean(process.env.DATABASE_URL);

/**
 * `describe`, or `describe.skip` with a warning on a machine with no Redis (a fresh developer
 * machine: multi-instance suites cannot run there; CI always has one and sets TEST_REDIS_URL).
 */
export async function describeWithRedis(suiteName: string): Promise<jest.Describe> {
  const up = Boolean(process.env.TEST_REDIS_URL) || (await redisReachable(clusterRedisUrl));
  if (!up) console.warn(`${suiteName}: no Redis at ${clusterRedisUrl}; the two-instance suite is not run`);
  return up ? describe : describe.skip;
}

export interface TwoApps {
  readonly a: TestApp;
  readonly b: TestApp;
  /** The distinct databases: [a] when shared, else [a, b]. */
  databases(): TestApp[];
}

/**
 * Two app instances in one process on one Redis under a fresh key prefix (the keys are removed
 * at the end): started before the file's tests, tables emptied and realtime caches reset before
 * each test, closed after the last.
 */
export function useTwoTestApps(extraEnv: Record<string, string> = {}): TwoApps {
  const env = { ...redisTestEnvironment(clusterRedisUrl), ...extraEnv };
  let a: TestApp | null = null;
  let b: TestApp | null = null;
  const running = (app: TestApp | null): TestApp => {
    if (!app) throw new Error('the test apps run only inside tests and hooks');
    return app;
  };
  const apps: TwoApps = {
    get a() {
      return running(a);
    },
    get b() {
      return running(b);
    },
    databases: () => (sharedDatabase ? [running(a)] : [running(a), running(b)]),
  };
  beforeAll(async () => {
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    a = b = null;
    await deleteRedisKeys(clusterRedisUrl, env.REDIS_PREFIX);
  });
  beforeEach(async () => {
    for (const app of apps.databases()) await truncateAll(app.dataSource);
    for (const app of [apps.a, apps.b]) await resetRealtimeCaches(app);
  });
  return apps;
}

export interface SeveralApps {
  /** The instances, in start order. */
  readonly all: TestApp[];
  /** The distinct databases: [first] when shared, else every instance's own. */
  databases(): TestApp[];
}

/** Like useTwoTestApps, for `count` instances on one Redis. */
export function useTestApps(count: number, extraEnv: Record<string, string> = {}): SeveralApps {
  const env = { ...redisTestEnvironment(clusterRedisUrl), ...extraEnv };
  let started: TestApp[] | null = null;
  const running = (): TestApp[] => {
    if (!started) throw new Error('the test apps run only inside tests and hooks');
    return started;
  };
  const apps: SeveralApps = {
    get all() {
      return running();
    },
    databases: () => (sharedDatabase ? running().slice(0, 1) : running()),
  };
  beforeAll(async () => {
    started = [];
    for (let i = 0; i < count; i++) started.push(await startTestApp(env));
  }, 180_000);
  afterAll(async () => {
    for (const app of started ?? []) await app.close();
    started = null;
    await deleteRedisKeys(clusterRedisUrl, env.REDIS_PREFIX);
  });
  beforeEach(async () => {
    for (const app of apps.databases()) await truncateAll(app.dataSource);
    for (const app of apps.all) await resetRealtimeCaches(app);
  });
  return apps;
}
