import request from 'supertest';
import { asPlayer, hive, playerToken } from './support/http.js';
import { useTestApp } from './support/test-app.js';
import { WsClient, resetRealtimeCaches } from './support/ws-client.js';

/** What the console reads: the server-key routes it added (stats, parties, player overview) and its static pages (docs/console.md). */
describe('console routes and pages', () => {
  const t = useTestApp();
  beforeEach(() => resetRealtimeCaches(t));

  describe('GET /api/v1/games/{gameIndex}/stats', () => {
    it('counts connections and accepted messages of this instance', async () => {
      const before = (await hive(t).get('/api/v1/games/1/stats').expect(200)).body.data;
      expect(before).toEqual({
        connections: 0,
        messagesTotal: expect.any(Number),
        deliveriesTotal: expect.any(Number),
        timeMillis: expect.any(Number),
      });
      await hive(t)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'c', channelName: 'C', maxMemberCount: 5, type: 'GROUP' })
        .expect(200);
      const [a, b] = [await WsClient.connect(t, 1), await WsClient.connect(t, 2)];
      await a.ok('ENTER_CHANNEL', { channelId: 'c' });
      await b.ok('ENTER_CHANNEL', { channelId: 'c' });
      await a.ok('CHANNEL_CHAT', { channelId: 'c', message: 'hi' });
      await b.nextNotify('NOTIFY_CHANNEL_CHAT');
      const after = await hive(t).get('/api/v1/games/1/stats').expect('Cache-Control', 'no-store').expect(200);
      expect(after.body.data).toMatchObject({
        connections: 2,
        messagesTotal: before.messagesTotal + 1,
        deliveriesTotal: before.deliveriesTotal + 1,
      });
      await Promise.all([a.close(), b.close()]);
    });

    it('answers 401/101 without the server key', async () => {
      const res = await request(t.url).get('/api/v1/games/1/stats').expect(401);
      expect(res.body).toEqual({ code: 101, message: 'Authorization header must be "Bearer <server key>"', data: null });
    });
  });

  describe('GET /api/v1/games/{gameIndex}/parties and /parties/{id}/members', () => {
    it('searches parties by name or member and lists members with presence', async () => {
      const ann = await playerToken(t, 1001);
      const bob = await playerToken(t, 1002);
      const raid = (
        await asPlayer(t, ann)
          .post('/api/table/services/parties')
          .send({ data: { name: 'Night Raid', max_member_count: 4 } })
      ).body.row;
      await asPlayer(t, bob)
        .post('/api/table/services/parties')
        .send({ data: { name: 'Day Trip', max_member_count: 4 } })
        .expect(200);
      await asPlayer(t, bob).post(`/api/table/services/parties/${raid.id}`).send({}).expect(200);
      const online = await WsClient.connect(t, 1002, { token: bob });

      const byName = await hive(t).get('/api/v1/games/1/parties?name=RAID').expect(200);
      expect(byName.body.data.page).toEqual({ size: 20, currentPage: 1, totalElements: 1, totalPages: 1 });
      expect(byName.body.data.content).toEqual([expect.objectContaining({ id: raid.id, name: 'Night Raid', member_count: 2 })]);
      expect(byName.body.data.content[0].code).toBeUndefined();
      const byMember = await hive(t).get('/api/v1/games/1/parties?playerId=1001').expect(200);
      expect(byMember.body.data.content.map((p: any) => p.name)).toEqual(['Night Raid']);
      const all = await hive(t).get('/api/v1/games/1/parties?size=1&page=2').expect(200);
      expect(all.body.data.content.map((p: any) => p.name)).toEqual(['Night Raid']);

      const members = await hive(t).get(`/api/v1/games/1/parties/${raid.id}/members`).expect(200);
      expect(members.body.data.content.map((m: any) => [m.id, m.role, m.online])).toEqual([
        [1001, 1, false],
        [1002, 3, true],
      ]);
      await online.close();
    });

    it('answers 404/103 for a party of another game, 400/100 for bad input and 401/101 without the key', async () => {
      const ann = await playerToken(t, 1001);
      const raid = (
        await asPlayer(t, ann)
          .post('/api/table/services/parties')
          .send({ data: { name: 'Raid', max_member_count: 4 } })
      ).body.row;
      await hive(t).get(`/api/v1/games/2/parties/${raid.id}/members`).expect(401);
      expect((await hive(t).get('/api/v1/games/1/parties/999/members').expect(404)).body.code).toBe(103);
      expect((await hive(t).get('/api/v1/games/1/parties?playerId=x').expect(400)).body.code).toBe(100);
      expect((await hive(t).get('/api/v1/games/1/parties/x/members').expect(400)).body.code).toBe(100);
      await request(t.url).get('/api/v1/games/1/parties').expect(401);
    });
  });

  describe('GET /api/v1/games/{gameIndex}/users/{playerId}/overview', () => {
    it('answers the profile, the ban in force and the presence', async () => {
      await playerToken(t, 1001);
      await hive(t).put('/api/v1/games/1/users/1001/ban').send({ banned: true, reason: 'spam' }).expect(200);
      const banned = await hive(t).get('/api/v1/games/1/users/1001/overview').expect(200);
      expect(banned.body.data).toMatchObject({ playerId: 1001, hasProfile: true, online: false, lastSeenMillis: null });
      expect(banned.body.data.user).toMatchObject({ id: 1001, name: 'player-1001', is_ban: true, banUntil: null, banReason: 'spam' });

      const client = await WsClient.connect(t, 1002);
      const online = await hive(t).get('/api/v1/games/1/users/1002/overview').expect(200);
      expect(online.body.data).toMatchObject({ playerId: 1002, online: true, lastSeenMillis: expect.any(Number) });
      await client.close();
      const unknown = await hive(t).get('/api/v1/games/1/users/5555/overview').expect(200);
      expect(unknown.body.data).toMatchObject({
        playerId: 5555,
        hasProfile: false,
        online: false,
        user: expect.objectContaining({ id: 5555, is_ban: false }),
      });
      expect((await hive(t).get('/api/v1/games/1/users/0/overview').expect(400)).body.code).toBe(100);
      await request(t.url).get('/api/v1/games/1/users/1001/overview').expect(401);
    });
  });

  describe('static pages', () => {
    it('serves /console and /demo with revalidation headers and a strict content policy', async () => {
      await request(t.url).get('/console').expect(301).expect('Location', '/console/');
      for (const path of ['/console/', '/demo/']) {
        const page = await request(t.url)
          .get(path)
          .expect(200)
          .expect('Content-Type', /text\/html/)
          .expect('Cache-Control', 'no-cache');
        expect(page.headers['content-security-policy']).toContain("default-src 'self'");
        await request(t.url).get(path).set('If-None-Match', page.headers.etag).expect(304);
      }
      await request(t.url)
        .get('/console/console.js')
        .expect(200)
        .expect('Content-Type', /javascript/);
      await request(t.url).get('/assets/dom.js').expect(200).expect('Cache-Control', 'no-cache');
    });

    it('leaves unknown files and other methods to the 404 answers of the API', async () => {
      const missing = await request(t.url).get('/console/nope.js').expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, message: 'Cannot GET /console/nope.js' });
      await request(t.url).post('/console/').expect(404);
      await request(t.url).get('/public/console/index.html').expect(404);
    });
  });
});
