import { jest } from '@jest/globals';
import request from 'supertest';
import { PlayerService } from '../src/player/player.service.js';
import { SERVER_KEY, useTestApp } from './support/test-app.js';
import { playerToken } from './support/http.js';

/** Settings that change behaviour, and the answer to an unexpected failure in each API family. */
describe('configuration and unexpected errors', () => {
  const t = useTestApp({ env: { ALLOW_GUESTS: 'false', TOKEN_TTL: '120' } });
  beforeEach(() => {
    jest.restoreAllMocks();
  });

  it('refuses guest logins when ALLOW_GUESTS=false', async () => {
    const res = await request(t.url).post('/api/auth/guest').send({ device_id: 'dev-A' }).expect(403);
    expect(res.body).toEqual({
      msg: 'permission denied',
      status: false,
      detail: 'guest login is disabled (ALLOW_GUESTS=false)',
      message: 'permission denied',
    });
  });

  it('issues tokens that live TOKEN_TTL seconds', async () => {
    const before = Date.now();
    const res = await request(t.url)
      .post('/api/v1/games/1/users/token')
      .set('Authorization', `Bearer ${SERVER_KEY}`)
      .send({ playerId: 3 })
      .expect(200);
    const ttl = res.body.data.expiresAtMillis - before;
    expect(ttl).toBeGreaterThan(118_000);
    expect(ttl).toBeLessThanOrEqual(121_000);
    expect(new Date(res.body.data.expiresAt).getTime()).toBe(res.body.data.expiresAtMillis);
  });

  it('answers an unexpected failure 500 without internals, naming the request id (DynamicPixels shape)', async () => {
    const token = await playerToken(t, 5);
    jest.spyOn(t.app.get(PlayerService), 'get').mockRejectedValueOnce(new Error('connection to 10.0.0.7 refused: secret internals'));
    const res = await request(t.url)
      .get('/api/table/services/users')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'req-42')
      .expect(500);
    expect(res.headers['x-request-id']).toBe('req-42');
    expect(res.body).toEqual({
      msg: 'invalid response',
      status: false,
      detail: 'internal error (request id req-42)',
      message: 'invalid response',
    });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('answers an unexpected failure 500 with code 105 (Hive shape)', async () => {
    jest.spyOn(t.app.get(PlayerService), 'upsertFromServer').mockRejectedValueOnce(new Error('secret internals'));
    const res = await request(t.url)
      .post('/api/v1/games/1/users/token')
      .set('Authorization', `Bearer ${SERVER_KEY}`)
      .send({ playerId: 6 })
      .expect(500);
    expect(res.body).toEqual({ code: 105, message: expect.stringMatching(/^internal error \(request id [\w-]+\)$/), data: null });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});
