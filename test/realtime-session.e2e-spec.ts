import WebSocket from 'ws';
import { hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { type TestApp, startTestApp } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

describe('realtime: session rules', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, track } = useRealtimeTestApp();

  it('CONNECT answers playerId, gameIndex and every channel the player is in', async () => {
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'g1', channelName: 'Guild', maxMemberCount: 10, type: 'GROUP' })
      .expect(200);
    await hive(t).post('/api/v1/games/1/channels/g1/enter').send({ playerId: 7 }).expect(200);
    const token = await playerToken(t, 7);
    const c = track(await WsClient.open(t));
    const res = await c.request('CONNECT', { token, languageCode: 'en' });
    expect(res).toEqual({
      packetType: 'RESPONSE_CONNECT',
      correlationId: expect.any(String),
      status: 200,
      message: 'OK',
      body: { playerId: 7, gameIndex: 1, channelIds: ['g1'], positions: positionsOf(['g1']) },
    });
  });

  it('PING answers PONG with the same correlationId', async () => {
    const c = track(await WsClient.connect(t, 1));
    c.send('PING', undefined, 'p-42');
    const res = await c.request('PING');
    expect(res).toMatchObject({ packetType: 'PONG', status: 200 });
    expect(c.received.find((p) => p.correlationId === 'p-42')).toEqual({
      packetType: 'PONG',
      correlationId: 'p-42',
      status: 200,
      message: 'OK',
      body: {},
    });
  });

  it('a packet other than CONNECT first gets an error response and the socket is closed', async () => {
    const c = track(await WsClient.open(t));
    const res = await c.request('PING');
    expect(res).toEqual({
      packetType: 'RESPONSE_PING',
      correlationId: expect.any(String),
      status: 401,
      message: 'the first packet must be CONNECT or RECONNECT',
      body: { code: 101 },
    });
    expect((await c.closed).code).toBe(1008);
  });

  it('a bad token gets 401/101 and the socket is closed', async () => {
    const c = track(await WsClient.open(t));
    const res = await c.request('CONNECT', { token: 'not-a-token' });
    expect(res).toEqual({
      packetType: 'RESPONSE_CONNECT',
      correlationId: expect.any(String),
      status: 401,
      message: 'token is malformed or its signature is wrong',
      body: { code: 101 },
    });
    await c.closed;
  });

  it('a banned player cannot connect', async () => {
    const token = await playerToken(t, 9);
    await t.dataSource.query(`UPDATE players SET is_ban = true WHERE game_index = 1 AND id = 9`);
    const c = track(await WsClient.open(t));
    const res = await c.request('CONNECT', { token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 101 });
    await c.closed;
  });

  it('concurrent CONNECTs (read in one batch) each get their own channels; a banned one among them is refused', async () => {
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'ca', channelName: 'A', maxMemberCount: 10, type: 'GROUP' })
      .expect(200);
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'cb', channelName: 'B', maxMemberCount: 10, type: 'GROUP' })
      .expect(200);
    await hive(t).post('/api/v1/games/1/channels/ca/enter').send({ playerId: 21 }).expect(200);
    await hive(t).post('/api/v1/games/1/channels/cb/enter').send({ playerId: 21 }).expect(200);
    await hive(t).post('/api/v1/games/1/channels/cb/enter').send({ playerId: 22 }).expect(200);
    const ids = [21, 22, 23, 24];
    const tokens = await Promise.all(ids.map((id) => playerToken(t, id)));
    await t.dataSource.query(`UPDATE players SET is_ban = true WHERE game_index = 1 AND id = 24`);
    const clients = await Promise.all(ids.map(async () => track(await WsClient.open(t))));
    const answers = await Promise.all(clients.map((c, i) => c.request('CONNECT', { token: tokens[i] })));
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, { playerId: 21, gameIndex: 1, channelIds: ['ca', 'cb'], positions: positionsOf(['ca', 'cb']) }],
      [200, { playerId: 22, gameIndex: 1, channelIds: ['cb'], positions: positionsOf(['cb']) }],
      [200, { playerId: 23, gameIndex: 1, channelIds: [], positions: positionsOf([]) }],
      [401, { code: 101 }],
    ]);
    await clients[3].closed;
  });

  it('a non-JSON frame gets NOTIFY_DISCONNECT invalid and the socket is closed', async () => {
    const c = track(await WsClient.connect(t, 1));
    c.sendRaw('{not json');
    expect(await c.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'invalid' });
    expect(await c.closed).toEqual({ code: 1008, reason: 'invalid' });
  });

  it('a bad body gets 400/100 naming the field, and the socket stays open', async () => {
    const c = track(await WsClient.connect(t, 1));
    const res = await c.request('CHANNEL_CHAT', { channelId: 'x', message: 5 });
    expect(res).toEqual({
      packetType: 'RESPONSE_CHANNEL_CHAT',
      correlationId: expect.any(String),
      status: 400,
      message: 'message must be a string',
      body: { code: 100 },
    });
    const notObject = await c.request('GET_PRESENCE', 'nope');
    expect(notObject).toMatchObject({ status: 400, message: 'body must be an object', body: { code: 100 } });
    const unknown = await c.request('FLY_AWAY', {});
    expect(unknown).toMatchObject({
      packetType: 'RESPONSE_FLY_AWAY',
      status: 400,
      message: 'packetType FLY_AWAY is not supported',
      body: { code: 100 },
    });
    c.sendRaw(JSON.stringify({ correlationId: 'x1', body: {} }));
    await c.flush();
    expect(c.received.find((p) => p.correlationId === 'x1')).toMatchObject({
      packetType: 'RESPONSE_UNKNOWN',
      status: 400,
      body: { code: 100 },
    });
    await c.flush();
  });

  it('CONNECT twice on one socket is refused without closing it', async () => {
    const c = track(await WsClient.connect(t, 1));
    const res = await c.request('CONNECT', { token: await playerToken(t, 1) });
    expect(res).toMatchObject({ status: 400, message: 'this connection is already connected', body: { code: 100 } });
    await c.flush();
  });

  it('a second connection of the same player closes the first with NOTIFY_DISCONNECT duplicated', async () => {
    const first = track(await WsClient.connect(t, 5));
    const second = track(await WsClient.connect(t, 5));
    expect(await first.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'duplicated' });
    expect((await first.closed).reason).toBe('duplicated');
    // The player is still online on the second connection.
    const other = track(await WsClient.connect(t, 6));
    expect(await other.ok('GET_PRESENCE', { playerIds: [5] })).toEqual({
      players: [{ playerId: 5, online: true, lastSeenMillis: expect.any(Number) }],
    });
    await second.flush();
  });

  it('GET_PRESENCE reports online and last seen, and NOTIFY_PRESENCE reaches channel co-members', async () => {
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'g1', channelName: 'Guild', maxMemberCount: 10, type: 'GROUP' })
      .expect(200);
    await hive(t).post('/api/v1/games/1/channels/g1/enter').send({ playerId: 1 }).expect(200);
    await hive(t).post('/api/v1/games/1/channels/g1/enter').send({ playerId: 2 }).expect(200);
    const ann = track(await WsClient.connect(t, 1));
    const bob = track(await WsClient.connect(t, 2));
    const online = await ann.nextNotify('NOTIFY_PRESENCE', (b) => b.playerId === 2);
    expect(online).toEqual({ playerId: 2, online: true, lastSeenMillis: expect.any(Number) });
    const before = await ann.ok('GET_PRESENCE', { playerIds: [2, 3] });
    expect(before.players).toEqual([
      { playerId: 2, online: true, lastSeenMillis: expect.any(Number) },
      { playerId: 3, online: false, lastSeenMillis: null },
    ]);
    await bob.close();
    const offline = await ann.nextNotify('NOTIFY_PRESENCE', (b) => b.playerId === 2 && !b.online);
    expect(offline).toEqual({ playerId: 2, online: false, lastSeenMillis: expect.any(Number) });
    const after = await ann.ok('GET_PRESENCE', { playerIds: [2] });
    expect(after.players).toEqual([{ playerId: 2, online: false, lastSeenMillis: offline.lastSeenMillis }]);
    const members = await hive(t).get('/api/v1/games/1/channels/g1/members').expect(200);
    expect(members.body.data.members).toEqual(
      expect.arrayContaining([
        { playerId: 1, connectedTimeMillis: expect.any(Number) },
        { playerId: 2, connectedTimeMillis: null },
      ]),
    );
  });

  it('a frame of raw bytes that is not JSON closes the socket too (invalid)', async () => {
    const c = track(await WsClient.connect(t, 1));
    c.socket.send(Buffer.from([0xff, 0x00, 0x01]), { binary: true });
    expect(await c.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'invalid' });
    await c.closed;
    expect(WebSocket.CLOSED).toBe(c.socket.readyState);
  });

  describe('with a shortened idle timeout', () => {
    let idleApp: TestApp;
    beforeAll(async () => {
      idleApp = await startTestApp({ WS_IDLE_TIMEOUT: '1' });
    });
    afterAll(async () => {
      await idleApp.close();
      delete process.env.WS_IDLE_TIMEOUT;
    });

    it('no packet for WS_IDLE_TIMEOUT seconds → NOTIFY_DISCONNECT idle and close', async () => {
      const c = track(await WsClient.connect(idleApp, 1));
      expect(await c.nextNotify('NOTIFY_DISCONNECT', undefined, 10_000)).toEqual({ reason: 'idle' });
      expect(await c.closed).toEqual({ code: 1000, reason: 'idle' });
    });

    it('a socket that never sends CONNECT is closed as idle too', async () => {
      const c = track(await WsClient.open(idleApp));
      expect(await c.nextNotify('NOTIFY_DISCONNECT', undefined, 10_000)).toEqual({ reason: 'idle' });
      await c.closed;
    });
  });
});

/** CONNECT's positions of empty streams: each listed channel, then "@direct". */
function positionsOf(channelIds: string[]): unknown[] {
  return [...channelIds, '@direct'].map((channelId) => ({ channelId, epoch: expect.any(String), seq: 0 }));
}
