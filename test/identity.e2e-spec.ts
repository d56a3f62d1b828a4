import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { SERVER_KEY, SERVER_KEY_2, useTestApp } from './support/test-app.js';
import { asPlayer, playerToken } from './support/http.js';

describe('identity: tokens, guest login, users', () => {
  const t = useTestApp();

  describe('POST /api/v1/games/{gameIndex}/users/token', () => {
    it('issues a token and upserts the profile', async () => {
      const res = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ playerId: 42, name: 'Ann', label: 'gold', unknownField: 1 })
        .expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          token: expect.any(String),
          expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          expiresAtMillis: expect.any(Number),
        },
      });
      const me = await asPlayer(t, res.body.data.token).get('/api/table/services/users').expect(200);
      expect(me.body.row).toMatchObject({ id: 42, name: 'Ann', label: 'gold', is_guest: false, is_ban: false });
      expect(me.body.row.first_login).toEqual(expect.any(String));
    });

    it("refuses a missing key, a wrong key and another game's key with 401/101", async () => {
      const expected = { code: 101, message: expect.any(String), data: null };
      const none = await request(t.url).post('/api/v1/games/1/users/token').send({ playerId: 1 }).expect(401);
      expect(none.body).toEqual(expected);
      const wrong = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', 'Bearer nope-nope-nope')
        .send({ playerId: 1 })
        .expect(401);
      expect(wrong.body).toEqual(expected);
      const foreign = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY_2}`)
        .send({ playerId: 1 })
        .expect(401);
      expect(foreign.body).toEqual({ code: 101, message: 'the server key is not valid for game 1', data: null });
    });

    it('refuses a bad body with 400/100 naming the field', async () => {
      const res = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ playerId: 'x' })
        .expect(400);
      expect(res.body).toEqual({ code: 100, message: 'playerId must be an integer', data: null });
      const neg = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ playerId: 0 })
        .expect(400);
      expect(neg.body.message).toBe('playerId must be at least 1');
      const bad = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .set('Content-Type', 'application/json')
        .send('{not json')
        .expect(400);
      expect(bad.body).toEqual({ code: 100, message: 'body is not valid JSON', data: null });
    });
  });

  describe('POST /api/auth/guest and /api/auth/login', () => {
    it('gives the same device the same guest, as the TS SDK sends it', async () => {
      const a = await request(t.url)
        .post('/api/auth/guest')
        .send({ device_info: { device_id: 'dev-A' } })
        .expect(200);
      const b = await request(t.url).post('/api/auth/guest').send({ device_id: 'dev-A', name: 'Unity' }).expect(200);
      expect(a.body).toEqual({
        user: expect.objectContaining({ id: expect.any(Number), is_guest: true }),
        token: expect.any(String),
        connection: { endpoint: expect.any(String), protocol: 'ws', version: expect.any(String) },
      });
      expect(b.body.user.id).toBe(a.body.user.id);
      expect(b.body.user.name).toBe('Unity');
      const other = await request(t.url).post('/api/auth/guest').send({ device_id: 'dev-B' }).expect(200);
      expect(other.body.user.id).not.toBe(a.body.user.id);
    });

    it('puts a guest of /game/2 in game 2 and keeps tokens inside their game', async () => {
      const g = await request(t.url).post('/game/2/api/auth/guest').send({ device_id: 'dev-C' }).expect(200);
      await request(t.url).get('/game/2/api/table/services/users').set('Authorization', `bearer ${g.body.token}`).expect(200);
      const res = await request(t.url).get('/game/1/api/table/services/users').set('Authorization', `Bearer ${g.body.token}`).expect(403);
      expect(res.body).toEqual({
        msg: 'permission denied',
        status: false,
        detail: 'the token belongs to game 2, not game 1',
        message: 'permission denied',
      });
      await request(t.url).post('/game/9/api/auth/guest').send({}).expect(404);
    });

    it('logs in with a token and refreshes it; a bad token is 401', async () => {
      const g = await request(t.url).post('/api/auth/guest').send({ device_id: 'dev-D' }).expect(200);
      const res = await request(t.url).post('/api/auth/login').send({ token: g.body.token }).expect(200);
      expect(res.body.user.id).toBe(g.body.user.id);
      const bad = await request(t.url).post('/api/auth/login').send({ token: 'garbage' }).expect(401);
      expect(bad.body).toEqual({ msg: 'invalid token', status: false, detail: expect.any(String), message: 'invalid token' });
      const missing = await request(t.url).post('/api/auth/login').send({}).expect(400);
      expect(missing.body).toEqual({
        msg: 'payload is not valid',
        status: false,
        detail: 'token must be a string',
        message: 'payload is not valid',
      });
    });
  });

  describe('users (player token)', () => {
    it('answers 401 without, with a malformed, an expired or a foreign-secret token', async () => {
      for (const path of ['/api/table/services/users', '/api/table/services/users/me', '/api/table/services/users/1']) {
        const res = await request(t.url).get(path).expect(401);
        expect(res.body).toEqual({ msg: 'invalid token', status: false, detail: expect.any(String), message: 'invalid token' });
      }
      await request(t.url).put('/api/table/services/users').send({ name: 'x' }).expect(401);
      const jwt = new JwtService({});
      const expired = jwt.sign({ gameIndex: 1, playerId: 5, exp: Math.floor(Date.now() / 1000) - 10 }, { secret: process.env.JWT_SECRET });
      const res = await request(t.url).get('/api/table/services/users').set('Authorization', `Bearer ${expired}`).expect(401);
      expect(res.body.detail).toBe('token has expired');
      const forged = jwt.sign({ gameIndex: 1, playerId: 5 }, { secret: 'another-secret-entirely' });
      await request(t.url).get('/api/table/services/users').set('Authorization', `Bearer ${forged}`).expect(401);
    });

    it('reads and edits profiles; unknown users are 404 user notfound', async () => {
      const token = await playerToken(t, 7);
      await playerToken(t, 8);
      const me = asPlayer(t, token);
      expect((await me.get('/api/table/services/users/me').expect(200)).body.row.id).toBe(7);
      expect((await me.get('/api/table/services/users/8').expect(200)).body.row.name).toBe('player-8');
      const missing = await me.get('/api/table/services/users/999').expect(404);
      expect(missing.body).toEqual({
        msg: 'user notfound',
        status: false,
        detail: 'user 999 does not exist in game 1',
        message: 'user notfound',
      });
      const unity = await me
        .put('/api/table/services/users')
        .send({ data: { name: 'Wrapped', username: 'w' } })
        .expect(200);
      expect(unity.body.row).toMatchObject({ name: 'Wrapped', username: 'w' });
      const ts = await me.put('/api/table/services/users').send({ name: 'Bare' }).expect(200);
      expect(ts.body.row).toMatchObject({ name: 'Bare', username: 'w' });
      const long = await me
        .put('/api/table/services/users')
        .send({ name: 'x'.repeat(101) })
        .expect(400);
      expect(long.body).toEqual({
        msg: 'payload is not valid',
        status: false,
        detail: 'name must be 0-100 characters',
        message: 'payload is not valid',
      });
    });

    it('refuses a banned player everywhere', async () => {
      const token = await playerToken(t, 9);
      await request(t.url)
        .put('/api/v1/games/1/users/9/ban')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ banned: true })
        .expect(200);
      const res = await asPlayer(t, token).get('/api/table/services/users').expect(401);
      expect(res.body).toEqual({ msg: 'invalid token', status: false, detail: 'player 9 is banned', message: 'invalid token' });
      const again = await request(t.url)
        .post('/api/v1/games/1/users/token')
        .set('Authorization', `Bearer ${SERVER_KEY}`)
        .send({ playerId: 9 })
        .expect(403);
      expect(again.body.code).toBe(102);
      await request(t.url).post('/api/auth/login').send({ token }).expect(401);
    });
  });

  it('serves health and the OpenAPI document', async () => {
    await request(t.url).get('/health').expect(200, { status: 'ok' });
    await request(t.url).get('/health/ready').expect(200, { status: 'ok', database: 'ok' });
    const doc = await request(t.url).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/auth/guest', '/api/v1/games/{gameIndex}/users/token']));
  });

  it('answers an unknown route in the family shape', async () => {
    const dp = await request(t.url).get('/api/table/services/nothing').expect(404);
    expect(dp.body).toMatchObject({ msg: 'row notfound', status: false });
    const hive = await request(t.url).get('/api/v1/games/1/nothing').expect(404);
    expect(hive.body).toMatchObject({ code: 103, data: null });
  });
});
