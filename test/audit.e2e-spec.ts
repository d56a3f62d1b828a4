import request from 'supertest';
import { hive, playerToken } from './support/http.js';
import { SERVER_KEY_2, useTestApp } from './support/test-app.js';

const base = '/api/v1/games/1';

describe('audit log', () => {
  const t = useTestApp();
  const audit = (query = '') => hive(t).get(`${base}/audit${query}`);

  it('records word filter updates and player bans, newest first, with actor, target and details', async () => {
    await playerToken(t, 42);
    await hive(t)
      .put(`${base}/filter`)
      .send({ words: ['darn', 'heck'], action: 'refuse' })
      .expect(200);
    await hive(t).put(`${base}/users/42/ban`).send({ banned: true, durationSeconds: 60, reason: 'cheating' }).expect(200);
    await hive(t).put(`${base}/users/42/ban`).send({ banned: false }).expect(200);

    const res = await audit().expect(200);
    expect(res.body.code).toBe(0);
    const { content, page } = res.body.data;
    expect(page).toEqual({ size: 20, currentPage: 1, totalElements: 3, totalPages: 1 });
    expect(content.map((e: { action: string }) => e.action)).toEqual(['player_unban', 'player_ban', 'filter_update']);
    const [unban, ban, filter] = content;
    expect(filter).toMatchObject({ actor: 'SYSTEM', targetPlayerId: null, channelId: null, details: { action: 'refuse', words: 2 } });
    expect(ban).toMatchObject({ actor: 'SYSTEM', targetPlayerId: 42, details: { durationSeconds: 60, reason: 'cheating' } });
    expect(ban.details.untilMillis).toBeGreaterThan(Date.now());
    expect(unban).toMatchObject({ targetPlayerId: 42, details: {} });
    for (const entry of content) {
      expect(entry.auditId).toMatch(/^\d+$/);
      expect(new Date(entry.regTime).getTime()).toBe(entry.regTimeMillis);
    }
  });

  it('filters by action, actor and target and pages', async () => {
    for (const id of [1, 2, 3]) {
      await playerToken(t, id);
      await hive(t).put(`${base}/users/${id}/ban`).send({ banned: true }).expect(200);
    }
    const byTarget = await audit('?targetPlayerId=2').expect(200);
    expect(byTarget.body.data.content).toHaveLength(1);
    expect(byTarget.body.data.content[0].targetPlayerId).toBe(2);
    expect((await audit('?action=player_unban').expect(200)).body.data.page.totalElements).toBe(0);
    expect((await audit('?actorId=SYSTEM&action=player_ban').expect(200)).body.data.page.totalElements).toBe(3);
    expect((await audit('?actorId=7').expect(200)).body.data.page.totalElements).toBe(0);
    const second = await audit('?size=2&page=2').expect(200);
    expect(second.body.data.content.map((e: { targetPlayerId: number }) => e.targetPlayerId)).toEqual([1]);
    expect(second.body.data.page).toEqual({ size: 2, currentPage: 2, totalElements: 3, totalPages: 2 });
  });

  it('keeps each game apart and refuses bad queries and other keys', async () => {
    await hive(t)
      .put(`${base}/filter`)
      .send({ words: ['x'] })
      .expect(200);
    expect((await hive(t, SERVER_KEY_2).get('/api/v1/games/2/audit').expect(200)).body.data.content).toEqual([]);
    expect((await hive(t, SERVER_KEY_2).get(`${base}/audit`).expect(401)).body.code).toBe(101);
    expect((await request(t.url).get(`${base}/audit`).expect(401)).body.code).toBe(101);
    const bad = await audit('?action=delete_everything').expect(400);
    expect(bad.body).toMatchObject({ code: 100, message: expect.stringContaining('action must be one of filter_update') });
    expect((await audit('?size=101').expect(400)).body.message).toContain('size must be between 1 and 100');
    expect((await audit('?actorId=nobody').expect(400)).body.message).toContain('actorId must be "SYSTEM" or a player id');
    expect((await audit('?targetPlayerId=abc').expect(400)).body.message).toContain('targetPlayerId must be an integer');
  });
});
