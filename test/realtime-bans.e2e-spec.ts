import request from 'supertest';
import { asPlayer, hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

const BAN = (playerId: number) => `/api/v1/games/1/users/${playerId}/ban`;
const PARTIES = '/api/table/services/parties';
/** A ban must close the player's socket within this long. */
const CLOSE_WITHIN_MS = 1_000;

/**
 * Player bans take effect at once: the socket is closed (NOTIFY_DISCONNECT banned), CONNECT,
 * RECONNECT and every player-token route refuse the player until the ban ends or is lifted.
 * Each test uses its own player ids: the ban check is cached per instance and a TRUNCATE does
 * not announce anything.
 */
describe('player bans take effect at once', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, track } = useRealtimeTestApp();
  const ban = (playerId: number, body: Record<string, unknown>) => hive(t).put(BAN(playerId)).send(body);
  /** A CONNECT (or RECONNECT) on a fresh socket; the response, and the socket's close when refused. */
  const attempt = async (packetType: 'CONNECT' | 'RECONNECT', token: string) => {
    const c = track(await WsClient.open(t));
    return { res: await c.request(packetType, { token }), client: c };
  };

  it('a connected player banned gets NOTIFY_DISCONNECT banned, its socket closes, and it leaves its PUBLIC channels', async () => {
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'lobby', channelName: 'Lobby', maxMemberCount: 10, type: 'PUBLIC' })
      .expect(200);
    const banned = track(await WsClient.connect(t, 31));
    const other = track(await WsClient.connect(t, 32));
    await banned.ok('ENTER_CHANNEL', { channelId: 'lobby' });
    await other.ok('ENTER_CHANNEL', { channelId: 'lobby' });
    await other.ok('CHANNEL_CHAT', { channelId: 'lobby', message: 'before' });
    expect(await banned.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'before' });

    const res = await ban(31, { banned: true, reason: 'spam' }).expect(200);
    const answeredAt = Date.now();
    expect(res.body).toEqual({
      code: 0,
      message: 'Success.',
      data: expect.objectContaining({ id: 31, is_ban: true, banUntil: null, banUntilMillis: null, banReason: 'spam' }),
    });
    expect(await banned.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'banned' });
    expect(await banned.closed).toEqual({ code: 1008, reason: 'banned' });
    expect(Date.now() - answeredAt).toBeLessThan(CLOSE_WITHIN_MS);
    expect(await other.nextNotify('NOTIFY_EXIT_CHANNEL', (e) => e.playerId === 31)).toMatchObject({
      channelId: 'lobby',
      reason: 'disconnected',
    });

    // The other player is untouched and the channel no longer carries the banned player.
    await other.flush();
    expect(other.pending('NOTIFY_DISCONNECT')).toEqual([]);
    const members = await hive(t).get('/api/v1/games/1/channels/lobby/members').expect(200);
    expect(members.body.data.members.map((m: { playerId: number }) => m.playerId)).toEqual([32]);
  });

  it('refuses the banned player on CONNECT, RECONNECT, the Party API and the users routes, naming the ban', async () => {
    const token = await playerToken(t, 33);
    await asPlayer(t, token).get(PARTIES).expect(200);
    await ban(33, { banned: true, reason: 'cheating' }).expect(200);

    const connect = await attempt('CONNECT', token);
    expect(connect.res).toEqual({
      packetType: 'RESPONSE_CONNECT',
      correlationId: expect.any(String),
      status: 401,
      message: 'player 33 is banned: cheating',
      body: { code: 101 },
    });
    expect((await connect.client.closed).code).toBe(1008);
    const reconnect = await attempt('RECONNECT', token);
    expect(reconnect.res).toMatchObject({ status: 401, message: 'player 33 is banned: cheating', body: { code: 101 } });
    await reconnect.client.closed;

    const refused = { msg: 'invalid token', status: false, detail: 'player 33 is banned: cheating', message: 'invalid token' };
    expect((await asPlayer(t, token).get(PARTIES).expect(401)).body).toEqual(refused);
    expect(
      (
        await asPlayer(t, token)
          .post(PARTIES)
          .send({ data: { name: 'x', max_member_count: 2 } })
          .expect(401)
      ).body,
    ).toEqual(refused);
    expect((await asPlayer(t, token).get('/api/table/services/users/me').expect(401)).body).toEqual(refused);
    expect((await request(t.url).post('/api/auth/login').send({ token }).expect(401)).body).toEqual(refused);
    const issue = await hive(t).post('/api/v1/games/1/users/token').send({ playerId: 33 }).expect(403);
    expect(issue.body).toEqual({ code: 102, message: 'player 33 is banned: cheating', data: null });
  });

  it('a timed ban ends by itself', async () => {
    const token = await playerToken(t, 34);
    const c = track(await WsClient.connect(t, 34));
    const before = Date.now();
    const res = await ban(34, { banned: true, durationSeconds: 1, reason: null }).expect(200);
    const { banUntil, banUntilMillis, banReason, is_ban } = res.body.data;
    expect({ is_ban, banReason }).toEqual({ is_ban: true, banReason: null });
    expect(banUntilMillis).toBeGreaterThanOrEqual(before + 1000);
    expect(banUntilMillis).toBeLessThanOrEqual(Date.now() + 1000);
    expect(banUntil).toBe(new Date(banUntilMillis).toISOString());
    expect(await c.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'banned' });

    // Refused while it lasts (this also leaves the refusal in the per-instance cache)...
    const during = await attempt('CONNECT', token);
    expect(during.res).toMatchObject({ status: 401, message: `player 34 is banned until ${banUntil}`, body: { code: 101 } });
    await asPlayer(t, token).get(PARTIES).expect(401);
    await hive(t).post('/api/v1/games/1/users/token').send({ playerId: 34 }).expect(403);

    // ...and let in as soon as its end has passed, without waiting for the cache to expire.
    await new Promise((resolve) => setTimeout(resolve, banUntilMillis - Date.now() + 20));
    const after = track(await WsClient.connect(t, 34, { token }));
    expect(after.connectBody).toMatchObject({ playerId: 34 });
    await asPlayer(t, token).get(PARTIES).expect(200);
    const me = await asPlayer(t, token).get('/api/table/services/users/me').expect(200);
    expect(me.body.row.is_ban).toBe(false);
    await hive(t).post('/api/v1/games/1/users/token').send({ playerId: 34 }).expect(200);
  });

  it('unbanning lifts the ban at once', async () => {
    const token = await playerToken(t, 35);
    await ban(35, { banned: true, durationSeconds: 3600, reason: 'flood' }).expect(200);
    // The refusal is now in the per-instance cache.
    await asPlayer(t, token).get(PARTIES).expect(401);
    expect((await attempt('CONNECT', token)).res.status).toBe(401);

    const res = await ban(35, { banned: false }).expect(200);
    expect(res.body.data).toEqual(
      expect.objectContaining({ id: 35, is_ban: false, banUntil: null, banUntilMillis: null, banReason: null }),
    );
    await asPlayer(t, token).get(PARTIES).expect(200);
    const c = track(await WsClient.connect(t, 35, { token }));
    expect(c.connectBody).toMatchObject({ playerId: 35 });
    // Unbanning a connected player leaves its socket alone.
    await ban(35, { banned: false }).expect(200);
    await c.flush();
    expect(c.pending('NOTIFY_DISCONNECT')).toEqual([]);
  });

  it('a ban until lifted replaces a timed one; null fields are absent ones', async () => {
    await playerToken(t, 36);
    await ban(36, { banned: true, durationSeconds: 60, reason: 'first' }).expect(200);
    const res = await ban(36, { banned: true, durationSeconds: null, reason: null }).expect(200);
    expect(res.body.data).toEqual(expect.objectContaining({ is_ban: true, banUntil: null, banUntilMillis: null, banReason: null }));
    const row: { is_ban: boolean; ban_until: Date | null; ban_reason: string | null }[] = await t.dataSource.query(
      `SELECT is_ban, ban_until, ban_reason FROM players WHERE game_index = 1 AND id = 36`,
    );
    expect(row).toEqual([{ is_ban: true, ban_until: null, ban_reason: null }]);
  });

  it('refuses a bad body with 400/100 naming the field, and bans nobody', async () => {
    const c = track(await WsClient.connect(t, 37));
    const cases: [Record<string, unknown>, string][] = [
      [{ banned: true, durationSeconds: 0 }, 'durationSeconds must be between 1 and 31536000'],
      [{ banned: true, durationSeconds: 31_536_001 }, 'durationSeconds must be between 1 and 31536000'],
      [{ banned: true, durationSeconds: '60' }, 'durationSeconds must be an integer'],
      [{ banned: true, durationSeconds: 1.5 }, 'durationSeconds must be an integer'],
      [{ banned: true, reason: 'x'.repeat(201) }, 'reason must be 0-200 characters'],
      [{ banned: true, reason: 5 }, 'reason must be a string'],
      [{ durationSeconds: 60 }, 'banned must be true or false'],
      [{ banned: 'yes' }, 'banned must be true or false'],
    ];
    for (const [body, message] of cases) {
      const res = await ban(37, body).expect(400);
      expect(res.body).toEqual({ code: 100, message, data: null });
    }
    const badId = await ban(0, { banned: true }).expect(400);
    expect(badId.body).toEqual({ code: 100, message: 'playerId must be a positive integer, got "0"', data: null });
    const unknown = await ban(999, { banned: true }).expect(404);
    expect(unknown.body).toEqual({ code: 103, message: 'user 999 does not exist in game 1', data: null });
    const noKey = await request(t.url).put(BAN(37)).send({ banned: true }).expect(401);
    expect(noKey.body).toEqual({ code: 101, message: expect.any(String), data: null });
    const otherGame = await request(t.url)
      .put('/api/v1/games/2/users/37/ban')
      .set('Authorization', `Bearer ${SERVER_KEY}`)
      .send({ banned: true })
      .expect(401);
    expect(otherGame.body.code).toBe(101);

    // The longest duration and the longest reason are accepted.
    await ban(38, { banned: true }).expect(404);
    await playerToken(t, 38);
    const longest = await ban(38, { banned: true, durationSeconds: 31_536_000, reason: 'x'.repeat(200) }).expect(200);
    expect(longest.body.data.banUntilMillis - Date.now()).toBeGreaterThan(31_535_000_000);

    // Player 37 was never banned: still connected and let in.
    await c.flush();
    expect(c.pending('NOTIFY_DISCONNECT')).toEqual([]);
    await asPlayer(t, await playerToken(t, 37))
      .get(PARTIES)
      .expect(200);
  });
});
