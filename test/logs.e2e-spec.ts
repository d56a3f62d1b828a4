import request from 'supertest';
import { AppProcess, buildApp } from './support/app-process.js';
import { playerToken } from './support/http.js';
import type { TestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

const SERVER_KEY = 'logs-test-server-key-31337';
const JWT_SECRET = 'logs-test-jwt-secret-0123456789';
const CHANNEL_PASSWORD = 'door-code-8675309';
const MESSAGE_TEXT = 'the eagle lands at midnight 4417';
const DIRECT_TEXT = 'whisper only for you 9921';
const base = '/api/v1/games/1';

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

/**
 * The logs of the built service as `npm start` runs it (docs/operations.md#logs), read from its
 * stdout: one JSON object per line (stdout is a pipe here, so JSON is the default), one line per
 * HTTP request and per WebSocket session open and close, and none of the secrets or message texts
 * that went through it.
 */
describe('logs', () => {
  let app: AppProcess;
  const secrets: string[] = [SERVER_KEY, JWT_SECRET, CHANNEL_PASSWORD, MESSAGE_TEXT, DIRECT_TEXT];
  const lines = () => app.lines.map((text) => JSON.parse(text) as Line);
  const target = () => ({ url: app.url }) as TestApp;
  const server = () => ({
    post: (path: string) => request(app.url).post(path).set('Authorization', `Bearer ${SERVER_KEY}`),
    get: (path: string) => request(app.url).get(path).set('Authorization', `Bearer ${SERVER_KEY}`),
  });

  beforeAll(async () => {
    await buildApp();
    app = new AppProcess({
      SERVER_KEYS: `1:${SERVER_KEY}`,
      JWT_SECRET,
      PURGE_INTERVAL: '1',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATA_DIR: ':memory:' }),
    });
    await app.started();
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('writes JSON lines for the start, HTTP requests, WebSocket sessions and the purge, and no secret or message text', async () => {
    // HTTP: the server API (server key), tokens issued, a PRIVATE channel with a password.
    await server()
      .post(`${base}/channel`)
      .send({ channelId: 'vault', channelName: 'Vault', maxMemberCount: 10, type: 'PRIVATE', password: CHANNEL_PASSWORD })
      .expect(200);
    await server().get(`${base}/channels/vault`).set('X-Request-Id', 'logs-test-request-1').expect(200);
    const guest = await request(app.url).post('/api/auth/guest').send({ device_id: 'logs-device-1' }).expect(200);
    const guestToken = JSON.stringify(guest.body).match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)![0];
    secrets.push(guestToken);
    await request(app.url)
      .get('/api/table/services/users/me')
      .set('Authorization', `Bearer ${guestToken}`)
      .set('X-Request-Id', 'logs-test-request-2')
      .expect(200);

    // WebSocket: two sessions enter the channel with its password and chat; one leaves; a bad token is refused.
    const [tokenA, tokenB] = [await playerToken(target(), 1, 1, SERVER_KEY), await playerToken(target(), 2, 1, SERVER_KEY)];
    secrets.push(tokenA, tokenB);
    const ann = await WsClient.connect(target(), 1, { token: tokenA });
    const bob = await WsClient.connect(target(), 2, { token: tokenB });
    await ann.ok('ENTER_CHANNEL', { channelId: 'vault', password: CHANNEL_PASSWORD });
    await bob.ok('ENTER_CHANNEL', { channelId: 'vault', password: CHANNEL_PASSWORD });
    await ann.ok('CHANNEL_CHAT', { channelId: 'vault', message: MESSAGE_TEXT });
    await bob.nextNotify('NOTIFY_CHANNEL_CHAT');
    await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: DIRECT_TEXT });
    await bob.nextNotify('NOTIFY_DIRECT_CHAT');
    const stranger = await WsClient.open(target());
    expect((await stranger.request('CONNECT', { token: `${tokenA}x` })).status).toBe(401);
    await stranger.closed;
    await bob.close();
    await app.nextLine((l) => l.includes('"ws session closed"') && l.includes('"playerId":2'), 'the close of player 2');

    // The purge (every second here): a player-owned channel nobody is in any more.
    await server()
      .post(`${base}/channel`)
      .send({ channelId: 'left', channelName: 'Left', maxMemberCount: 10, type: 'GROUP', playerId: 9 })
      .expect(200);
    await server().post(`${base}/channels/left/exit`).send({ playerId: 9 }).expect(200);
    await app.nextLine((l) => l.includes('"context":"Purge"') && l.includes('purged 1 empty channels'), 'of the purge');
    await ann.close();
    await app.stop();

    // Every line is one JSON object with a level name, an ISO time and a message.
    const all = lines();
    for (const line of all) {
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(typeof line.msg).toBe('string');
    }
    expect(all.find((l) => l.context === 'Bootstrap' && l.msg.startsWith('listening on'))).toBeDefined();
    if (!process.env.DATABASE_URL) expect(all.find((l) => l.context === 'Migrations' && l.msg.startsWith('applied '))).toBeDefined();

    // One line per HTTP request, at its end, with the route pattern.
    expect(all.filter((l) => l.reqId === 'logs-test-request-1')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        method: 'GET',
        route: '/api/v1/games/:gameIndex/channels/:channelId',
        status: 200,
        durationMs: expect.any(Number),
        gameIndex: 1,
      }),
    ]);
    expect(all.filter((l) => l.reqId === 'logs-test-request-2')).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/api/table/services/users/me',
        status: 200,
        gameIndex: 1,
        playerId: expect.any(Number),
      }),
    ]);
    const requests = all.filter((l) => l.msg === 'request completed');
    for (const l of requests)
      expect(l).toEqual(expect.objectContaining({ reqId: expect.any(String), route: expect.any(String), durationMs: expect.any(Number) }));
    expect(requests.filter((l) => l.route === '/api/v1/games/:gameIndex/channel' && l.method === 'POST')).toHaveLength(2);

    // One line per WebSocket session open (CONNECT accepted) and close, with the reason.
    const sessions = all.filter((l) => l.context === 'Session');
    expect(sessions.filter((l) => l.msg === 'ws session opened').map((l) => l.playerId)).toEqual([1, 2]);
    const closes = sessions.filter((l) => l.msg === 'ws session closed');
    expect(closes.find((l) => l.playerId === 2)).toEqual(
      expect.objectContaining({ level: 'info', gameIndex: 1, reason: 'closed by the client', durationMs: expect.any(Number) }),
    );
    expect(closes.find((l) => l.playerId === undefined)).toEqual(expect.objectContaining({ reason: 'authentication failed' }));
    expect(closes.find((l) => l.playerId === 1)).toBeDefined();

    // Never written: the server key, the JWT secret, any token, the channel password, message texts.
    const text = app.lines.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
