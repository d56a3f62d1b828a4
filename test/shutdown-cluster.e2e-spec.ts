import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import request from 'supertest';
import { ShutdownState } from '../src/common/shutdown/shutdown-state.js';
import { buildApp } from './support/app-process.js';
import { playerToken } from './support/http.js';
import { SERVER_KEY, SERVER_KEY_2, type TestApp, startTestApp, truncateAll } from './support/test-app.js';
import { clusterRedisUrl, describeWithRedis, sharedDatabase } from './support/two-apps.js';
import { WsClient, closeClients, deleteRedisKeys, redisTestEnvironment, resetRealtimeCaches } from './support/ws-client.js';

/**
 * Deploys without visible disconnects: an instance that stops (app.close(), or a real SIGTERM to a
 * child process) drains its sockets with NOTIFY_DISCONNECT `shutdown`, and its players resume on
 * the other instance within SHUTDOWN_GRACE without exit/enter pushes and without losing a message.
 */
const suite = await describeWithRedis('shutdown-cluster');

suite(`graceful shutdown across two instances${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  const env = redisTestEnvironment(clusterRedisUrl);
  let b: TestApp;
  let a: TestApp | null = null;
  const open: WsClient[] = [];
  const connect = async (app: TestApp | string, playerId: number, token: string) => {
    const c = typeof app === 'string' ? await WsClient.open(app) : null;
    if (c) {
      c.playerId = playerId;
      c.connectBody = await c.ok('CONNECT', { token });
      open.push(c);
      return c;
    }
    const client = await WsClient.connect(app as TestApp, playerId, { token });
    open.push(client);
    return client;
  };
  /**
   * A PUBLIC channel with the players in it (the watcher last), in every database involved; returns
   * once the watcher has its own NOTIFY_ENTER_CHANNEL from each (some come over the bus).
   */
  const publicChannel = async (channelId: string, urls: string[], members: number[], watcher: WsClient) => {
    for (const url of urls) {
      await request(url)
        .post('/api/v1/games/1/channel')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'PUBLIC' })
        .expect(200);
      for (const playerId of members) {
        await request(url)
          .post(`/api/v1/games/1/channels/${channelId}/enter`)
          .set('Authorization', `Bearer ${SERVER_KEY}`)
          .send({ playerId })
          .expect(200);
      }
    }
    for (const _url of urls)
      await watcher.nextNotify('NOTIFY_ENTER_CHANNEL', (e) => e.playerId === watcher.playerId && e.channelId === channelId);
  };
  const expectSilence = async (c: WsClient) => {
    await c.flush();
    expect([...c.pending('NOTIFY_EXIT_CHANNEL'), ...c.pending('NOTIFY_ENTER_CHANNEL'), ...c.pending('NOTIFY_PRESENCE')]).toEqual([]);
  };

  beforeAll(async () => {
    b = await startTestApp({ ...env, SHUTDOWN_GRACE: '30' });
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await deleteRedisKeys(clusterRedisUrl, env.REDIS_PREFIX);
  });
  beforeEach(async () => {
    await truncateAll(b.dataSource);
    await resetRealtimeCaches(b);
  });
  afterEach(async () => {
    await closeClients(b, open.splice(0));
    await a?.close();
    a = null;
  });

  it('app.close(): the packet in flight answered, NOTIFY_DISCONNECT shutdown; RECONNECT on B is silent and recovers what was missed', async () => {
    a = await startTestApp({ ...env, SHUTDOWN_GRACE: '30' });
    const tokenA = await playerToken(a, 1);
    const [ann, bob] = [await connect(a, 1, tokenA), await connect(b, 2, await playerToken(b, 2))];
    await publicChannel('pub', sharedDatabase ? [a.url] : [a.url, b.url], [1, 2], bob);
    await bob.ok('CHANNEL_CHAT', { channelId: 'pub', message: 'before' });
    const seen = await ann.nextNotify('NOTIFY_CHANNEL_CHAT');
    const { epoch } = (await ann.ok('GET_UNREAD', { channelIds: ['pub'] })).channels[0];
    const positions = (ann.connectBody.positions as { channelId: string }[]).filter((p) => p.channelId === '@direct');

    // A stops with a message in flight: it is answered before the NOTIFY_DISCONNECT.
    const last = ann.request('CHANNEL_CHAT', { channelId: 'pub', message: 'last words' });
    const stopping = a.close();
    expect((await last).status).toBe(200);
    expect(await ann.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'shutdown' });
    expect(await ann.closed).toEqual({ code: 1001, reason: 'shutdown' });
    await stopping;
    a = null;
    expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).message).toBe('last words');

    // While the player is away, the channel goes on, on B.
    await bob.ok('CHANNEL_CHAT', { channelId: 'pub', message: 'while away 1' });
    await bob.ok('CHANNEL_CHAT', { channelId: 'pub', message: 'while away 2' });
    const back = await WsClient.reconnect(b, 1, {
      token: await playerToken(b, 1),
      positions: [...positions, { channelId: 'pub', epoch, seq: seen.seq + 1 }],
    });
    open.push(back);
    expect(back.connectBody).toMatchObject({
      channelIds: ['pub'],
      failChannelIds: [],
      recovered: [{ channelId: 'pub', fromSeq: seen.seq + 2, toSeq: seen.seq + 3 }],
      gaps: [],
    });
    await back.flush();
    expect(back.pending('NOTIFY_CHANNEL_CHAT').map((m) => m.message)).toEqual(['while away 1', 'while away 2']);
    await expectSilence(bob);
    // Still in the channel, on B now.
    await back.ok('CHANNEL_CHAT', { channelId: 'pub', message: 'back' });
    expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).message).toBe('back');
  });

  it('readiness answers 503 from the start of a shutdown', async () => {
    a = await startTestApp({ ...env, SHUTDOWN_GRACE: '30' });
    await request(a.url).get('/health/ready').expect(200);
    a.app.get(ShutdownState).begin();
    expect((await request(a.url).get('/health/ready').expect(503)).body).toEqual({ status: 'shutting down' });
    await request(a.url).get('/health').expect(200);
  });

  it('without a RECONNECT within the grace, the player is left as on any disconnect (by B)', async () => {
    a = await startTestApp({ ...env, SHUTDOWN_GRACE: '1' });
    const [ann, bob] = [await connect(a, 3, await playerToken(a, 3)), await connect(b, 4, await playerToken(b, 4))];
    await publicChannel('brief', sharedDatabase ? [a.url] : [a.url, b.url], [3, 4], bob);
    await a.close();
    a = null;
    expect(await ann.closed).toEqual({ code: 1001, reason: 'shutdown' });
    expect(await bob.nextNotify('NOTIFY_EXIT_CHANNEL', (e) => e.playerId === 3, 10_000)).toMatchObject({ channelId: 'brief' });
    expect(await bob.nextNotify('NOTIFY_PRESENCE', (e) => e.playerId === 3)).toMatchObject({ online: false });
  });

  describe('a real SIGTERM', () => {
    let child: ChildProcess | null = null;
    let output = '';
    beforeAll(async () => {
      // The service as deployed: compiled, in its own process.
      await buildApp();
    }, 120_000);
    afterEach(() => {
      child?.kill('SIGKILL');
      child = null;
    });

    it('drains, exits 0, and its player resumes silently on B', async () => {
      const port = await freePort();
      child = spawn(process.execPath, ['dist/src/main.js'], {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
          SERVER_KEYS: `1:${SERVER_KEY},2:${SERVER_KEY_2}`,
          JWT_SECRET: process.env.JWT_SECRET!,
          SHUTDOWN_GRACE: '30',
          RATE_LIMITS: 'off',
          PURGE_INTERVAL: '0',
          ...(process.env.DATABASE_URL ? {} : { DATA_DIR: ':memory:' }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      const url = `http://127.0.0.1:${port}`;
      await waitUntilUp(url, () => output);
      const token = await playerToken({ url } as TestApp, 5);
      const ann = await connect(url, 5, token);
      const bob = await connect(b, 6, await playerToken(b, 6));
      await publicChannel('sig', sharedDatabase ? [url] : [url, b.url], [5, 6], bob);

      child.kill('SIGTERM');
      expect(await ann.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'shutdown' });
      expect(await ann.closed).toEqual({ code: 1001, reason: 'shutdown' });
      expect(await exited).toBe(0);
      child = null;

      const back = await WsClient.reconnect(b, 5, { token: await playerToken(b, 5) });
      open.push(back);
      expect(back.connectBody).toMatchObject({ channelIds: ['sig'], failChannelIds: [] });
      await expectSilence(bob);
      await back.ok('CHANNEL_CHAT', { channelId: 'sig', message: 'same channel, other instance' });
      expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).from).toBe(5);
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls the liveness route until the child answers (start-up takes a few seconds; not a timing assertion). */
async function waitUntilUp(url: string, output: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the child did not start: ${output()}`);
}
