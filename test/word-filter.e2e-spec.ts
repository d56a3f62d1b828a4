import request from 'supertest';
import { DomainEvents } from '../src/common/events/domain-events.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY_2 } from './support/test-app.js';

const base = '/api/v1/games/1';
const P = '/api/table/services/parties';
const OK = { code: 0, message: 'Success.' };
const refusedHive = (field: string) => ({ code: 312, message: `${field} contains a word that is not allowed`, data: null });
const refusedDp = (field: string) => ({
  msg: 'payload is not valid',
  status: false,
  detail: `${field} contains a word that is not allowed`,
  message: 'payload is not valid',
});

describe('word filter', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  let changes: number[];
  const { t, connect } = useRealtimeTestApp({
    ready: (app) => {
      app.app.get(DomainEvents).subscribe('filter.changed', (e) => {
        changes.push(e.gameIndex);
      });
    },
  });
  const setFilter = (words: string[], action?: 'mask' | 'refuse') =>
    hive(t)
      .put(`${base}/filter`)
      .send(action ? { words, action } : { words })
      .expect(200);
  const createChannel = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed: true, ...extra });
  const enter = (channelId: string, ...playerIds: number[]) =>
    Promise.all(playerIds.map((playerId) => hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200)));
  const stored = async (channelId: string) =>
    (await t.dataSource.query(`SELECT message FROM chat_messages WHERE channel_id = $1 ORDER BY id`, [channelId])).map(
      (r: { message: string }) => r.message,
    );

  beforeEach(() => {
    changes = [];
  });

  describe('PUT and GET /filter', () => {
    it('answers the default (no words, mask) before any PUT', async () => {
      expect((await hive(t).get(`${base}/filter`).expect(200)).body).toEqual({ ...OK, data: { words: [], action: 'mask' } });
    });

    it('replaces the whole list; action defaults to mask; games are apart; filter.changed is published', async () => {
      expect((await setFilter(['noob', 'kill yourself'], 'refuse')).body).toEqual(OK);
      expect((await hive(t).get(`${base}/filter`).expect(200)).body.data).toEqual({ words: ['noob', 'kill yourself'], action: 'refuse' });
      await setFilter(['scrub']);
      expect((await hive(t).get(`${base}/filter`).expect(200)).body.data).toEqual({ words: ['scrub'], action: 'mask' });
      await setFilter([]);
      expect((await hive(t).get(`${base}/filter`).expect(200)).body.data).toEqual({ words: [], action: 'mask' });
      const other = await request(t.url).get('/api/v1/games/2/filter').set('Authorization', `Bearer ${SERVER_KEY_2}`);
      expect(other.body).toEqual({ ...OK, data: { words: [], action: 'mask' } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(changes).toEqual([1, 1, 1]);
    });

    it('accepts 5,000 entries of up to 50 characters (counted in characters)', async () => {
      const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
      words[0] = '😀'.repeat(49) + 'a';
      await setFilter(words);
      const got = (await hive(t).get(`${base}/filter`).expect(200)).body.data;
      expect(got.words).toHaveLength(5000);
      expect(got.words[0]).toBe(words[0]);
    });

    it('refuses a bad body with 400/100 naming the field, and keeps the list', async () => {
      await setFilter(['keep'], 'refuse');
      const cases: [unknown, string][] = [
        [{}, 'words must be an array of strings'],
        [{ words: 'noob' }, 'words must be an array of strings'],
        [{ words: null }, 'words must be an array of strings'],
        [{ words: Array.from({ length: 5001 }, (_, i) => `w${i}`) }, 'words must have at most 5000 entries, got 5001'],
        [{ words: ['ok', ''] }, 'words[1] must be 1-50 characters'],
        [{ words: ['x'.repeat(51)] }, 'words[0] must be 1-50 characters'],
        [{ words: ['ok', 'fine', 3] }, 'words[2] must be a string'],
        [{ words: [['nested']] }, 'words[0] must be a string'],
        [{ words: ['!!!'] }, 'words[0] must contain a letter or a digit'],
        [{ words: ['ok'], action: 'block' }, 'action must be "mask" or "refuse"'],
        [{ words: ['ok'], action: 1 }, 'action must be "mask" or "refuse"'],
      ];
      for (const [body, message] of cases) {
        const res = await hive(t)
          .put(`${base}/filter`)
          .send(body as object)
          .expect(400);
        expect(res.body).toEqual({ code: 100, message, data: null });
      }
      expect((await hive(t).get(`${base}/filter`).expect(200)).body.data).toEqual({ words: ['keep'], action: 'refuse' });
    });

    it('401/101 without the server key or with another game’s', async () => {
      for (const call of [request(t.url).get(`${base}/filter`), request(t.url).put(`${base}/filter`).send({ words: [] })]) {
        expect((await call.expect(401)).body).toEqual({ code: 101, message: expect.any(String), data: null });
      }
      await hive(t, SERVER_KEY_2)
        .put(`${base}/filter`)
        .send({ words: ['x'] })
        .expect(401);
      await hive(t, SERVER_KEY_2).get(`${base}/filter`).expect(401);
    });
  });

  describe('CHANNEL_CHAT', () => {
    it('mask: stored, delivered and answered with every letter and digit of each listed entry masked', async () => {
      await setFilter(['noob', 'kill yourself', 'ass'], 'mask');
      await createChannel('g');
      await enter('g', 1, 2);
      const [ann, bob] = [await connect(1), await connect(2)];
      const res = await ann.request('CHANNEL_CHAT', { channelId: 'g', message: 'NOOB! kill...yourself, class noobs' });
      const masked = '****! ****...********, class noobs';
      expect(res).toMatchObject({
        status: 200,
        body: { messageId: expect.any(String), timestampMillis: expect.any(Number), message: masked },
      });
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: res.body.messageId, from: 1, message: masked });
      expect(await stored('g')).toEqual([masked]);
      const history = await hive(t).get(`/api/v2/games/1/channels/g/messages?prevSize=5`).expect(200);
      expect(history.body.data.content.map((m: { message: string }) => m.message)).toEqual([masked]);
      // A clean message goes through untouched.
      expect((await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'gg wp' })).message).toBe('gg wp');
    });

    it('refuse: 400/312, nothing stored or delivered', async () => {
      await setFilter(['noob'], 'refuse');
      await createChannel('g');
      await enter('g', 1, 2);
      const [ann, bob] = [await connect(1), await connect(2)];
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'g', message: 'you Noob' })).toMatchObject({
        status: 400,
        message: 'message contains a word that is not allowed',
        body: { code: 312 },
      });
      expect((await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'noobs are fine' })).message).toBe('noobs are fine');
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'noobs are fine' });
      await bob.flush();
      expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
      expect(await stored('g')).toEqual(['noobs are fine']);
    });

    it('a new list applies to the next message at once', async () => {
      await createChannel('g');
      await enter('g', 1);
      const ann = await connect(1);
      expect((await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'hello there' })).message).toBe('hello there');
      await setFilter(['hello']);
      expect((await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'hello there' })).message).toBe('***** there');
      await setFilter(['there'], 'refuse');
      expect((await ann.request('CHANNEL_CHAT', { channelId: 'g', message: 'hello there' })).body.code).toBe(312);
      await setFilter([]);
      expect((await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'hello there' })).message).toBe('hello there');
    });
  });

  describe('DIRECT_CHAT', () => {
    it('mask: delivered and answered masked', async () => {
      await setFilter(['дурак', 'noob'], 'mask');
      const [ann, bob] = [await connect(1), await connect(2)];
      const res = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'ты ДУРАК, noob' });
      expect(res).toEqual({
        messageId: expect.any(String),
        timestampMillis: expect.any(Number),
        message: 'ты *****, ****',
        seq: expect.any(Number),
      });
      expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ messageId: res.messageId, message: 'ты *****, ****' });
    });

    it('refuse: 400/312, not delivered', async () => {
      await setFilter(['noob'], 'refuse');
      const [ann, bob] = [await connect(1), await connect(2)];
      expect(await ann.request('DIRECT_CHAT', { toPlayerId: 2, message: 'noob' })).toMatchObject({
        status: 400,
        message: 'message contains a word that is not allowed',
        body: { code: 312 },
      });
      await bob.flush();
      expect(bob.pending('NOTIFY_DIRECT_CHAT')).toEqual([]);
    });
  });

  describe('names are refused in either mode', () => {
    it('channelName on create and PATCH: 400/312, nothing created or changed', async () => {
      await setFilter(['noob'], 'mask');
      expect((await createChannel('c1', { channelName: 'Noob Zone' }).expect(400)).body).toEqual(refusedHive('channelName'));
      expect((await hive(t).get(`${base}/channels/c1`).expect(400)).body.code).toBe(201);
      await createChannel('c2', { channelName: 'noobs welcome' }).expect(200);
      expect((await hive(t).patch(`${base}/channels/c2`).send({ channelName: 'for NOOB only' }).expect(400)).body).toEqual(
        refusedHive('channelName'),
      );
      expect((await hive(t).get(`${base}/channels/c2`).expect(200)).body.data.info.channelName).toBe('noobs welcome');
      await hive(t).patch(`${base}/channels/c2`).send({ maxMemberCount: 20 }).expect(200);
    });

    it('party name and desc on create and edit: 400 payload is not valid, detail naming the field', async () => {
      await setFilter(['noob'], 'refuse');
      const owner = asPlayer(t, await playerToken(t, 1));
      const create = (data: Record<string, unknown>) => owner.post(P).send({ data: { name: 'Wolves', max_member_count: 4, ...data } });
      expect((await create({ name: 'Noob squad' }).expect(400)).body).toEqual(refusedDp('name'));
      expect((await create({ desc: 'no noob allowed' }).expect(400)).body).toEqual(refusedDp('desc'));
      expect((await owner.get(P).expect(200)).body.totalCount).toBe(0);
      const party = (await create({ desc: 'noobs welcome' }).expect(200)).body.row;
      expect(
        (
          await owner
            .put(`${P}/${party.id}`)
            .send({ data: { name: 'NOOB' } })
            .expect(400)
        ).body,
      ).toEqual(refusedDp('name'));
      expect(
        (
          await owner
            .put(`${P}/${party.id}`)
            .send({ partyId: party.id, party: { desc: 'noob' } })
            .expect(400)
        ).body,
      ).toEqual(refusedDp('desc'));
      expect((await owner.get(`${P}/${party.id}`).expect(200)).body.row).toMatchObject({ name: 'Wolves', desc: 'noobs welcome' });
      await owner
        .put(`${P}/${party.id}`)
        .send({ data: { name: 'Wolves 2' } })
        .expect(200);
    });
  });
});
