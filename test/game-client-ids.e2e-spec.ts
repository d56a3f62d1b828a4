import request from 'supertest';
import { SERVER_KEY_2, useTestApp } from './support/test-app.js';
import { playerToken } from './support/http.js';

/**
 * The `/game/{clientId}/api/...` prefix of the hosted DynamicPixels SDKs (GAME_CLIENT_IDS), the
 * numeric `/game/{gameIndex}` form beside it, and the `message` copy of `msg` in error bodies.
 */
describe('game prefixes: client ids and game indexes', () => {
  const t = useTestApp({ env: { GAME_CLIENT_IDS: 'im49q2:1,abc123:2' } });

  const dpError = (msg: string, detail: string) => ({ msg, status: false, detail, message: msg });
  const get = (path: string, token?: string) => {
    const req = request(t.url).get(path);
    return token === undefined ? req : req.set('Authorization', `bearer ${token}`);
  };

  it('serves a client id as the game it maps to (game 1 and game 2)', async () => {
    const one = await playerToken(t, 11, 1);
    const two = await playerToken(t, 21, 2, SERVER_KEY_2);
    expect((await get('/game/im49q2/api/table/services/users', one).expect(200)).body.row).toMatchObject({ id: 11, name: 'player-11' });
    expect((await get('/game/abc123/api/table/services/users', two).expect(200)).body.row).toMatchObject({ id: 21, name: 'player-21' });
    // A percent-encoded id is decoded before the lookup ("%71%32" is "q2").
    expect((await get('/game/im49%71%32/api/table/services/users', one).expect(200)).body.row.id).toBe(11);

    // A party created under game 2's client id lives in game 2.
    const created = await request(t.url)
      .post('/game/abc123/api/table/services/parties')
      .set('Authorization', `bearer ${two}`)
      .send({ data: { name: 'Second game party', max_member_count: 4 } })
      .expect(200);
    const inTwo = await get('/api/table/services/parties', two).expect(200);
    expect(inTwo.body.list.map((p: { id: number }) => p.id)).toEqual([created.body.row.id]);
    const inOne = await get('/game/im49q2/api/table/services/parties', one).expect(200);
    expect(inOne.body).toEqual({ list: [], totalCount: 0 });
  });

  it('refuses a token of another game under a client id with 403 permission denied', async () => {
    const two = await playerToken(t, 21, 2, SERVER_KEY_2);
    const res = await get('/game/im49q2/api/table/services/parties/me', two).expect(403);
    expect(res.body).toEqual(dpError('permission denied', 'the token belongs to game 2, not game 1'));
    const one = await playerToken(t, 11, 1);
    const back = await get('/game/abc123/api/table/services/users', one).expect(403);
    expect(back.body).toEqual(dpError('permission denied', 'the token belongs to game 1, not game 2'));
  });

  it('answers an unknown client id 404 game notfound, with or without a token', async () => {
    const one = await playerToken(t, 11, 1);
    const expected = dpError('game notfound', 'no game has the client id "zz9zz9" (GAME_CLIENT_IDS)');
    expect((await get('/game/zz9zz9/api/table/services/parties/me', one).expect(404)).body).toEqual(expected);
    expect((await get('/game/zz9zz9/api/table/services/parties/me').expect(404)).body).toEqual(expected);
    const guest = await request(t.url).post('/game/zz9zz9/api/auth/guest').send({ device_id: 'dev-1' }).expect(404);
    expect(guest.body).toEqual(expected);
    // Client ids are compared exactly.
    const upper = await get('/game/IM49Q2/api/table/services/users', one).expect(404);
    expect(upper.body).toEqual(dpError('game notfound', 'no game has the client id "IM49Q2" (GAME_CLIENT_IDS)'));
  });

  it('answers a malformed percent-escape in the prefix 400 payload is not valid, naming the prefix', async () => {
    const one = await playerToken(t, 11, 1);
    const expected = dpError('payload is not valid', 'the /game/{clientId} prefix "%zz" is not valid percent-encoding');
    expect((await get('/game/%zz/api/table/services/parties/me', one).expect(400)).body).toEqual(expected);
    expect((await get('/game/%zz/api/table/services/parties/me').expect(400)).body).toEqual(expected);
    const guest = await request(t.url).post('/game/%E0%A4%A/api/auth/guest').send({}).expect(400);
    expect(guest.body).toEqual(dpError('payload is not valid', 'the /game/{clientId} prefix "%E0%A4%A" is not valid percent-encoding'));
  });

  it('keeps a numeric prefix meaning the game index', async () => {
    const one = await playerToken(t, 11, 1);
    const two = await playerToken(t, 21, 2, SERVER_KEY_2);
    expect((await get('/game/1/api/table/services/users', one).expect(200)).body.row.id).toBe(11);
    expect((await get('/game/2/api/table/services/users', two).expect(200)).body.row.id).toBe(21);
    const res = await get('/game/1/api/table/services/users', two).expect(403);
    expect(res.body).toEqual(dpError('permission denied', 'the token belongs to game 2, not game 1'));
    const zero = await get('/game/0/api/table/services/users', one).expect(400);
    expect(zero.body).toEqual(dpError('payload is not valid', '/game/{gameIndex} must be a positive integer, got "0"'));
    const unserved = await request(t.url).post('/game/9/api/auth/guest').send({ device_id: 'dev-9' }).expect(404);
    expect(unserved.body).toEqual(dpError('game notfound', 'game 9 is not configured on this server (SERVER_KEYS)'));
  });

  it('creates a guest logging in under a client id in that game', async () => {
    const guest = await request(t.url)
      .post('/game/abc123/api/auth/guest')
      .send({ device_info: { device_id: 'dev-G' } })
      .expect(200);
    expect(guest.body.user).toMatchObject({ id: expect.any(Number), is_guest: true });
    const token = guest.body.token as string;
    expect((await get('/game/2/api/table/services/users', token).expect(200)).body.row.id).toBe(guest.body.user.id);
    await get('/game/1/api/table/services/users', token).expect(403);
    // The same device under game 1's client id is another guest, of game 1.
    const other = await request(t.url)
      .post('/game/im49q2/api/auth/guest')
      .send({ device_info: { device_id: 'dev-G' } })
      .expect(200);
    await get('/game/1/api/table/services/users', other.body.token).expect(200);
    await get('/game/2/api/table/services/users', other.body.token).expect(403);
    // Token login keeps the token inside its game under client ids too.
    await request(t.url).post('/game/abc123/api/auth/login').send({ token }).expect(200);
    const wrong = await request(t.url).post('/game/im49q2/api/auth/login').send({ token }).expect(403);
    expect(wrong.body).toEqual(dpError('permission denied', 'the token belongs to game 2, not game 1'));
  });

  it('repeats msg as message in every DynamicPixels error body (the TypeScript SDK reads message)', async () => {
    const one = await playerToken(t, 11, 1);
    const replies = [
      await get('/api/table/services/users').expect(401),
      await get('/api/table/services/parties/424242', one).expect(404),
      await get('/api/table/services/users/999', one).expect(404),
      await request(t.url).put('/api/table/services/users').set('Authorization', `bearer ${one}`).send({ name: 5 }).expect(400),
      await get('/game/nope42/api/table/services/users', one).expect(404),
    ];
    expect(replies.map((r) => r.body.msg)).toEqual([
      'invalid token',
      'party notfound',
      'user notfound',
      'payload is not valid',
      'game notfound',
    ]);
    for (const r of replies) {
      expect(Object.keys(r.body).sort()).toEqual(['detail', 'message', 'msg', 'status']);
      expect(r.body.message).toBe(r.body.msg);
    }
    // The Hive family keeps its own shape.
    const hive = await request(t.url).get('/api/v1/games/1/channels').expect(401);
    expect(hive.body).toEqual({ code: 101, message: expect.any(String), data: null });
  });
});
