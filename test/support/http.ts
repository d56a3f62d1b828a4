import request from 'supertest';
import type { TestApp } from './test-app.js';
import { SERVER_KEY } from './test-app.js';

/** A player token issued through the server API (the way a game with its own login does it). */
export async function playerToken(t: TestApp, playerId: number, gameIndex = 1, key = SERVER_KEY): Promise<string> {
  const res = await request(t.url)
    .post(`/api/v1/games/${gameIndex}/users/token`)
    .set('Authorization', `Bearer ${key}`)
    .send({ playerId, name: `player-${playerId}` })
    .expect(200);
  return res.body.data.token as string;
}

/** supertest agent with the server key of game 1 already set. */
export function hive(t: TestApp, key = SERVER_KEY) {
  const agent = request(t.url);
  return {
    get: (path: string) => agent.get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string) => agent.post(path).set('Authorization', `Bearer ${key}`),
    patch: (path: string) => agent.patch(path).set('Authorization', `Bearer ${key}`),
    put: (path: string) => agent.put(path).set('Authorization', `Bearer ${key}`),
    delete: (path: string) => agent.delete(path).set('Authorization', `Bearer ${key}`),
  };
}

/** supertest agent carrying a player token (DynamicPixels style, lower-case scheme as the TS SDK sends). */
export function asPlayer(t: TestApp, token: string) {
  const agent = request(t.url);
  return {
    get: (path: string) => agent.get(path).set('Authorization', `bearer ${token}`),
    post: (path: string) => agent.post(path).set('Authorization', `bearer ${token}`),
    put: (path: string) => agent.put(path).set('Authorization', `bearer ${token}`),
    delete: (path: string) => agent.delete(path).set('Authorization', `bearer ${token}`),
  };
}
