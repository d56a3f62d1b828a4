import { type Server, type Socket, connect, createServer } from 'node:net';
import request from 'supertest';
import { type TestApp, startTestApp, truncateAll } from './support/test-app.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { WsClient } from './support/ws-client.js';

/**
 * PostgreSQL going away and coming back, with the app reaching it through a TCP proxy this test
 * can cut: requests that need the database answer 503 (Hive code 108, DynamicPixels
 * `service unavailable`) instead of 500, sockets stay open, and everything works again once the
 * database is back, without a restart. Needs a real PostgreSQL server (DATABASE_URL).
 */
const target = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL) : null;
const suite = target ? describe : describe.skip;
if (!target) console.warn('database-outage: DATABASE_URL is unset (embedded database); the PostgreSQL outage suite is not run');

/** A TCP proxy to PostgreSQL that can be taken down (refuses and drops connections) and brought back. */
class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** Stops listening (new connections are refused) and drops every open one. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

suite('PostgreSQL outage: 503 while down, recovery without restart', () => {
  let t: TestApp;
  let proxy: CuttableProxy;
  let token: string;
  let client: WsClient;

  beforeAll(async () => {
    proxy = new CuttableProxy(target!.hostname, Number(target!.port || 5432));
    await proxy.up();
    const viaProxy = new URL(target!.href);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: viaProxy.href, DB_POOL_SIZE: '4' });
    await truncateAll(t.dataSource);
    token = await playerToken(t, 1);
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'hist', channelName: 'H', maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
      .expect(200);
    await hive(t).post('/api/v1/games/1/channels/hist/enter').send({ playerId: 1 }).expect(200);
    client = await WsClient.connect(t, 1);
  });
  afterAll(async () => {
    await client?.close();
    await proxy.up();
    await t?.close();
    await proxy.down();
  });

  it('answers 503 in each API family while the database is down, then recovers', async () => {
    await proxy.down();

    const channel = await hive(t).get('/api/v1/games/1/channels/hist').expect(503);
    expect(channel.body).toEqual({ code: 108, message: expect.stringContaining('service unavailable'), data: null });
    const parties = await asPlayer(t, token).get('/api/table/services/parties').expect(503);
    expect(parties.body).toMatchObject({ msg: 'service unavailable', status: false, detail: expect.stringContaining('retry later') });
    expect((await request(t.url).get('/health/ready').expect(503)).body).toEqual({ status: 'error', database: 'unreachable' });
    await request(t.url).get('/health').expect(200);

    // A stored chat message needs the database: 503/108, and the socket stays open.
    const chat = await client.request('CHANNEL_CHAT', { channelId: 'hist', message: 'while down' });
    expect(chat).toMatchObject({ status: 503, body: { code: 108 } });
    const history = await client.request('CHANNEL_HISTORY', { channelId: 'hist', prevSize: 5 });
    expect(history).toMatchObject({ status: 503, body: { code: 108 } });

    await proxy.up();

    // Back without a restart: the pool reconnects on the next request.
    await hive(t).get('/api/v1/games/1/channels/hist').expect(200);
    await asPlayer(t, token).get('/api/table/services/parties').expect(200);
    await request(t.url).get('/health/ready').expect(200);
    expect(await client.ok('CHANNEL_CHAT', { channelId: 'hist', message: 'after' })).toMatchObject({ messageId: expect.any(String) });
    const stored = (await hive(t).get('/api/v2/games/1/channels/hist/messages?prevSize=5').expect(200)).body.data.content;
    expect(stored.map((m: { message: string }) => m.message)).toEqual(['after']);
  });
});
