import { type TestApp, type UseTestAppOptions, useTestApp } from './test-app.js';
import {
  type ConnectOptions,
  WsClient,
  cleanOptionalRedis,
  closeClients,
  optionalRedisEnvironment,
  resetRealtimeCaches,
} from './ws-client.js';

export interface RealtimeTestApp {
  /** The running app, as useTestApp returns it. */
  t: TestApp;
  /** The app's REDIS_URL and REDIS_PREFIX in Redis mode; {} in single-instance mode. */
  redisEnv: Record<string, string>;
  /** WsClient.connect to the app; the client is closed after the test. */
  connect: (playerId: number, options?: ConnectOptions) => Promise<WsClient>;
  /** Closes this client (opened some other way) after the test; returns it. */
  track: <C extends WsClient>(client: C) => C;
  /** Closes every client so far now, and waits until the app has cleaned up after them. */
  closeAll: () => Promise<void>;
}

/**
 * useTestApp for a file whose tests talk to one app over WebSockets: single-instance mode, or
 * Redis mode under a key prefix of its own when TEST_REDIS_URL is set (CI's PostgreSQL pass), the
 * keys removed at the end. The realtime caches are reset after each table truncate (a TRUNCATE
 * announces nothing), and every client connected or tracked is closed after each test, the app
 * done with the disconnects before the next test starts. Hooks the file registers itself come
 * after these, so a file's beforeEach sees empty caches.
 */
export function useRealtimeTestApp(options: UseTestAppOptions = {}): RealtimeTestApp {
  const redisEnv = optionalRedisEnvironment();
  const t = useTestApp({
    ...options,
    env: { ...redisEnv, ...options.env },
    cleanup: async () => {
      await options.cleanup?.();
      await cleanOptionalRedis(redisEnv);
    },
  });
  const open: WsClient[] = [];
  const track = <C extends WsClient>(client: C): C => {
    open.push(client);
    return client;
  };
  const closeAll = () => closeClients(t, open.splice(0));
  beforeEach(() => resetRealtimeCaches(t));
  afterEach(closeAll);
  return {
    t,
    redisEnv,
    connect: async (playerId, connectOptions) => track(await WsClient.connect(t, playerId, connectOptions)),
    track,
    closeAll,
  };
}
