import { createConnection } from 'node:net';

/**
 * Whether something answers at the Redis URL's host and port. A fresh machine has no Redis:
 * multi-instance suites then skip themselves (CI always has one, and sets TEST_REDIS_URL).
 */
export async function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
