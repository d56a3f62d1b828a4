import request from 'supertest';
import { ChatHistoryService, type StoredMessage } from '../src/channel/chat-history.service.js';
import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events.js';
import { PresenceService } from '../src/presence/presence.service.js';
import { SERVER_KEY_2, useTestApp } from './support/test-app.js';
import { hive } from './support/http.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const OK = { code: 0, message: 'Success.' };
const base = '/api/v1/games/1';
const fail = (code: number, message: string) => ({ code, message, data: null });
const NO_KEY = fail(101, 'Authorization header must be "Bearer <server key>"');

type EventName = keyof DomainEventMap;
const WATCHED: EventName[] = [
  'channel.entered',
  'channel.exited',
  'channel.deleted',
  'channel.updated',
  'notice.channel',
  'notice.user',
  'custom.channel',
  'custom.user',
  'block.changed',
];

describe('chat channels: the Hive server API', () => {
  let events: { name: EventName; payload: unknown }[];
  const t = useTestApp({
    ready: (app) => {
      const bus = app.app.get(DomainEvents);
      for (const name of WATCHED) bus.subscribe(name, (payload) => void events.push({ name, payload }));
    },
  });
  beforeEach(() => {
    events = [];
  });

  const online = (playerId: number, gameIndex = 1) =>
    t.app.get(PresenceService).markOnline(gameIndex, playerId, 1_700_000_000_000 + playerId);
  const offline = (playerId: number, gameIndex = 1) => t.app.get(PresenceService).markOffline(gameIndex, playerId, Date.now());
  /** Handlers run in microtasks queued after the response; one macrotask later they have all run. */
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  const anon = () => request(t.url);
  const create = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: `name of ${channelId}`, maxMemberCount: 50, type: 'GROUP', ...extra });
  const enter = (channelId: string, playerId: number, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channels/${channelId}/enter`)
      .send({ playerId, ...extra });
  const exit = (channelId: string, playerId: number) => hive(t).post(`${base}/channels/${channelId}/exit`).send({ playerId });
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);
  /** Puts a player straight into `n` channels of a kind (fast setup for the limit tests). */
  const seedMemberships = async (playerId: number, n: number, oneOnOne: boolean) => {
    await t.dataSource.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, pair_low, pair_high)
       SELECT 1, 'seed-' || $1::text || '-' || i, $2, NULL, 'seed', $3, 1, CASE WHEN $4 THEN $6::bigint END, CASE WHEN $4 THEN 1000000 + i END
         FROM generate_series(1, $5) AS i`,
      [String(playerId), oneOnOne ? 'ONE_ON_ONE' : 'GROUP', oneOnOne ? 2 : 50, oneOnOne, n, playerId],
    );
    await t.dataSource.query(
      `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one) SELECT 1, 'seed-' || $1::text || '-' || i, $4::bigint, $2 FROM generate_series(1, $3) AS i`,
      [String(playerId), oneOnOne, n, playerId],
    );
  };

  describe('POST /channel', () => {
    it('creates the seed sample as written (owner SYSTEM, nobody entered)', async () => {
      const res = await hive(t)
        .post(`${base}/channel`)
        .send({ channelId: 'open:12345', channelName: 'Open Chat Room', maxMemberCount: 100, type: 'PUBLIC', chatHistoryAllowed: true })
        .expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          channelId: 'open:12345',
          type: 'PUBLIC',
          gameIndex: 1,
          owner: 'SYSTEM',
          channelName: 'Open Chat Room',
          maxMemberCount: 100,
          chatHistoryAllowed: true,
          slowModeSeconds: 0,
          regTime: expect.stringMatching(ISO_MS),
          regTimeMillis: expect.any(Number),
        },
      });
      expect(new Date(res.body.data.regTime).getTime()).toBe(res.body.data.regTimeMillis);
      expect(await count(`SELECT member_count AS n FROM channels`)).toBe(0);
    });

    it('with playerId: that player owns it and is entered', async () => {
      const res = await create('guild:1', { playerId: 1001 }).expect(200);
      expect(res.body.data).toMatchObject({ owner: '1001', chatHistoryAllowed: false, type: 'GROUP', maxMemberCount: 50 });
      const members = await hive(t).get(`${base}/channels/guild:1/members`).expect(200);
      expect(members.body.data).toEqual({ members: [{ playerId: 1001, connectedTimeMillis: null }] });
      await flush();
      expect(events).toEqual([
        {
          name: 'channel.entered',
          payload: { gameIndex: 1, channelId: 'guild:1', playerId: 1001, at: expect.any(Date), memberIds: [1001] },
        },
      ]);
    });

    it('stores a PRIVATE password as a salted hash and never returns it', async () => {
      const res = await create('secret', { type: 'PRIVATE', password: 'guildPass123' }).expect(200);
      expect(JSON.stringify(res.body)).not.toContain('guildPass123');
      const [row] = await t.dataSource.query(`SELECT password_hash FROM channels`);
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain('guildPass123');
      const got = await hive(t).get(`${base}/channels/secret`).expect(200);
      expect(Object.keys(got.body.data.info)).not.toContain('password');
    });

    it('refuses a duplicate channelId with 400/200', async () => {
      await create('dup').expect(200);
      const res = await create('dup', { type: 'PUBLIC' }).expect(400);
      expect(res.body).toEqual(fail(200, 'channelId "dup" already exists'));
    });

    it('refuses every field rule with 400/100 naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ channelId: 'bad id!' }, 'channelId must be 1-100 characters of A-Z a-z 0-9 - . _ ~ :'],
        [{ channelId: 'x'.repeat(101) }, 'channelId must be 1-100 characters of A-Z a-z 0-9 - . _ ~ :'],
        [{ channelId: '' }, 'channelId must be 1-100 characters of A-Z a-z 0-9 - . _ ~ :'],
        [{ channelName: 'n'.repeat(51) }, 'channelName must be 1-50 characters'],
        [{ channelName: undefined }, 'channelName must be a string'],
        [{ password: 'p'.repeat(51) }, 'password must be 1-50 characters'],
        [{ maxMemberCount: 1 }, 'maxMemberCount must be between 2 and 5000'],
        [{ maxMemberCount: 5001, type: 'PUBLIC' }, 'maxMemberCount must be between 2 and 5000'],
        [{ maxMemberCount: 501 }, 'maxMemberCount must be between 2 and 500 for a GROUP channel, got 501'],
        [
          { maxMemberCount: 501, type: 'PRIVATE', password: 'pw' },
          'maxMemberCount must be between 2 and 500 for a PRIVATE channel, got 501',
        ],
        [{ maxMemberCount: 'ten' }, 'maxMemberCount must be an integer'],
        [{ type: 'ONE_ON_ONE' }, 'type must be one of PUBLIC, GROUP, PRIVATE'],
        [{ type: 'PRIVATE' }, 'password is required for a PRIVATE channel'],
        [{ playerId: -4 }, 'playerId must be at least 1'],
        [{ chatHistoryAllowed: 'yes' }, 'chatHistoryAllowed must be true or false'],
      ];
      for (const [patch, message] of cases) {
        const res = await create('c1', patch).expect(400);
        expect(res.body).toEqual(fail(100, message));
      }
      expect(await count(`SELECT count(*) AS n FROM channels`)).toBe(0);
      await create('x'.repeat(100), { maxMemberCount: 500, channelName: 'n'.repeat(50) }).expect(200);
      await create('A-z.0_9~:b', { type: 'PUBLIC', maxMemberCount: 5000 }).expect(200);
    });

    it('PUBLIC with playerId needs the player connected (400/300)', async () => {
      const res = await create('pub', { type: 'PUBLIC', playerId: 7 }).expect(400);
      expect(res.body).toEqual(fail(300, 'player 7 is not connected; only connected players may enter PUBLIC channels'));
      await online(7);
      await create('pub', { type: 'PUBLIC', playerId: 7 }).expect(200);
    });

    it('with playerId past the 10-channel limit: 400/307 and nothing created', async () => {
      await seedMemberships(5, 10, false);
      const res = await create('eleventh', { playerId: 5 }).expect(400);
      expect(res.body).toEqual(fail(307, 'player 5 is already in 10 PUBLIC/GROUP/PRIVATE channels (at most 10)'));
      expect(await count(`SELECT count(*) AS n FROM channels WHERE channel_id = 'eleventh'`)).toBe(0);
    });

    it('keeps games apart: the same id in another game is another channel', async () => {
      await create('same').expect(200);
      await hive(t, SERVER_KEY_2)
        .post('/api/v1/games/2/channel')
        .send({ channelId: 'same', channelName: 'g2', maxMemberCount: 2, type: 'GROUP' })
        .expect(200);
      const g2 = await hive(t, SERVER_KEY_2).get('/api/v1/games/2/channels/same').expect(200);
      expect(g2.body.data.info).toMatchObject({ gameIndex: 2, channelName: 'g2' });
    });

    it('refuses missing or foreign credentials with 401/101', async () => {
      const body = { channelId: 'c', channelName: 'c', maxMemberCount: 2, type: 'GROUP' };
      expect((await anon().post(`${base}/channel`).send(body).expect(401)).body).toEqual(NO_KEY);
      const foreign = await hive(t, SERVER_KEY_2).post(`${base}/channel`).send(body).expect(401);
      expect(foreign.body).toEqual(fail(101, 'the server key is not valid for game 1'));
    });
  });

  describe('POST /channels/1on1 and /channel/1on1', () => {
    it('creates the seed sample as written, then returns the same channel for the pair', async () => {
      const res = await hive(t)
        .post(`${base}/channel/1on1`)
        .send({ playerId: 1000, otherPlayerId: 2000, chatHistoryAllowed: false })
        .expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          channelId: expect.stringMatching(/^[A-Za-z0-9]{15}$/),
          type: 'ONE_ON_ONE',
          gameIndex: 1,
          owner: '1000',
          channelName: '1000&2000',
          maxMemberCount: 2,
          chatHistoryAllowed: false,
          slowModeSeconds: 0,
          regTime: expect.stringMatching(ISO_MS),
          regTimeMillis: expect.any(Number),
        },
      });
      const again = await hive(t).post(`${base}/channels/1on1`).send({ otherPlayerId: 1000, playerId: 2000 }).expect(200);
      expect(again.body.data).toEqual(res.body.data);
      const members = await hive(t).get(`${base}/channels/${res.body.data.channelId}/members`).expect(200);
      expect(members.body.data.members.map((m: { playerId: number }) => m.playerId).sort()).toEqual([1000, 2000]);
      await flush();
      expect(events.filter((e) => e.name === 'channel.entered')).toHaveLength(2);
    });

    it('re-enters a player of the pair who had left', async () => {
      const { body } = await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      await exit(body.data.channelId, 2).expect(200);
      await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      expect(await count(`SELECT member_count AS n FROM channels`)).toBe(2);
      expect(await count(`SELECT count(*) AS n FROM channel_members`)).toBe(2);
    });

    it('refuses a pair of one player and bad ids with 400/100', async () => {
      expect((await hive(t).post(`${base}/channels/1on1`).send({ playerId: 3, otherPlayerId: 3 }).expect(400)).body).toEqual(
        fail(100, 'otherPlayerId must differ from playerId'),
      );
      expect((await hive(t).post(`${base}/channels/1on1`).send({ playerId: 3 }).expect(400)).body).toEqual(
        fail(100, 'otherPlayerId must be an integer'),
      );
    });

    it('refuses past 200 ONE_ON_ONE channels with 400/307 and creates nothing', async () => {
      await seedMemberships(8, 200, true);
      const res = await hive(t).post(`${base}/channels/1on1`).send({ playerId: 9, otherPlayerId: 8 }).expect(400);
      expect(res.body).toEqual(fail(307, 'player 8 is already in 200 ONE_ON_ONE channels (at most 200)'));
      expect(await count(`SELECT count(*) AS n FROM channels WHERE pair_low = 8 AND pair_high = 9`)).toBe(0);
      // The 10-channel rule counts apart: the same player still creates a GROUP channel.
      await create('g', { playerId: 8 }).expect(200);
    });

    it('ONE_ON_ONE channels are only for their pair (403/102)', async () => {
      const { body } = await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      await exit(body.data.channelId, 2).expect(200);
      const res = await enter(body.data.channelId, 3).expect(403);
      expect(res.body).toEqual(fail(102, `only players 1 and 2 may enter ONE_ON_ONE channel "${body.data.channelId}"`));
      await enter(body.data.channelId, 2).expect(200);
    });

    it('401 without a key', async () => {
      expect((await anon().post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(401)).body).toEqual(NO_KEY);
      expect((await anon().post(`${base}/channel/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('PATCH /channels/{channelId}', () => {
    it('updates with the seed sample as written', async () => {
      await create('testchannel', { maxMemberCount: 10 }).expect(200);
      const res = await hive(t)
        .patch(`${base}/channels/testchannel`)
        .send({ channelName: 'Open Chat Room', maxMemberCount: 100, type: 'PUBLIC', chatHistoryAllowed: true })
        .expect(200);
      expect(res.body).toEqual(OK);
      const got = await hive(t).get(`${base}/channels/testchannel`).expect(200);
      expect(got.body.data.info).toMatchObject({
        channelName: 'Open Chat Room',
        maxMemberCount: 100,
        type: 'PUBLIC',
        chatHistoryAllowed: true,
      });
      await flush();
      expect(events).toContainEqual({ name: 'channel.updated', payload: { gameIndex: 1, channelId: 'testchannel' } });
    });

    it('is partial, and lowering capacity below the member count removes nobody', async () => {
      await create('big', { maxMemberCount: 10 }).expect(200);
      for (const p of [1, 2, 3]) await enter('big', p).expect(200);
      await hive(t).patch(`${base}/channels/big`).send({ maxMemberCount: 2 }).expect(200);
      const got = await hive(t).get(`${base}/channels/big`).expect(200);
      expect(got.body.data.info).toMatchObject({ channelName: 'name of big', maxMemberCount: 2, memberCount: 3, type: 'GROUP' });
      expect(got.body.data.members).toHaveLength(3);
      expect((await enter('big', 4).expect(400)).body).toEqual(fail(202, 'channel "big" is full (3/2 members)'));
    });

    it('switches to PRIVATE only with a password, which then guards entering', async () => {
      await create('toPriv').expect(200);
      const res = await hive(t).patch(`${base}/channels/toPriv`).send({ type: 'PRIVATE' }).expect(400);
      expect(res.body).toEqual(fail(100, 'password is required for a PRIVATE channel'));
      await hive(t).patch(`${base}/channels/toPriv`).send({ type: 'PRIVATE', password: 'pw1' }).expect(200);
      await enter('toPriv', 1, { password: 'nope' }).expect(400);
      await enter('toPriv', 1, { password: 'pw1' }).expect(200);
    });

    it('refuses capacity beyond the (new) type, bad fields, ONE_ON_ONE, missing channels', async () => {
      await create('p', { type: 'PUBLIC', maxMemberCount: 1000 }).expect(200);
      expect((await hive(t).patch(`${base}/channels/p`).send({ type: 'GROUP' }).expect(400)).body).toEqual(
        fail(100, 'maxMemberCount must be between 2 and 500 for a GROUP channel, got 1000'),
      );
      expect((await hive(t).patch(`${base}/channels/p`).send({ channelName: '' }).expect(400)).body).toEqual(
        fail(100, 'channelName must be 1-50 characters'),
      );
      expect((await hive(t).patch(`${base}/channels/p`).send({ type: 'ONE_ON_ONE' }).expect(400)).body).toEqual(
        fail(100, 'type must be one of PUBLIC, GROUP, PRIVATE'),
      );
      const { body } = await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      expect((await hive(t).patch(`${base}/channels/${body.data.channelId}`).send({ channelName: 'x' }).expect(400)).body).toEqual(
        fail(100, `ONE_ON_ONE channel "${body.data.channelId}" cannot be updated`),
      );
      expect((await hive(t).patch(`${base}/channels/ghost`).send({ channelName: 'x' }).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
    });

    it('on behalf of a player (extension): only the owner (403/308)', async () => {
      await create('owned', { playerId: 10 }).expect(200);
      expect((await hive(t).patch(`${base}/channels/owned`).send({ playerId: 11, channelName: 'x' }).expect(403)).body).toEqual(
        fail(308, 'player 11 is not the owner of channel "owned"'),
      );
      await hive(t).patch(`${base}/channels/owned`).send({ playerId: 10, channelName: 'x' }).expect(200);
    });

    it('401 without a key', async () => {
      expect((await anon().patch(`${base}/channels/x`).send({ channelName: 'x' }).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('DELETE /channels/{channelId}', () => {
    it('deletes (seed sample) and tells the members', async () => {
      await create('open:12345').expect(200);
      await enter('open:12345', 1).expect(200);
      await enter('open:12345', 2).expect(200);
      events = [];
      expect((await hive(t).delete(`${base}/channels/open:12345`).expect(200)).body).toEqual(OK);
      await flush();
      expect(events).toEqual([{ name: 'channel.deleted', payload: { gameIndex: 1, channelId: 'open:12345', memberIds: [1, 2] } }]);
      expect((await hive(t).get(`${base}/channels/open:12345`).expect(400)).body).toEqual(
        fail(201, 'channel "open:12345" does not exist or was deleted'),
      );
      expect(await count(`SELECT count(*) AS n FROM channel_members`)).toBe(0);
      await create('open:12345').expect(200);
    });

    it('400/201 for a missing channel; 403/308 on behalf of a non-owner (extension)', async () => {
      expect((await hive(t).delete(`${base}/channels/ghost`).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      await create('owned', { playerId: 10 }).expect(200);
      expect((await hive(t).delete(`${base}/channels/owned?playerId=11`).expect(403)).body).toEqual(
        fail(308, 'player 11 is not the owner of channel "owned"'),
      );
      await hive(t).delete(`${base}/channels/owned?playerId=10`).expect(200);
    });

    it('401 without a key', async () => {
      expect((await anon().delete(`${base}/channels/x`).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('GET /channels', () => {
    const seedList = async () => {
      await create('open:12345', { channelName: 'Open Chat Room', type: 'PUBLIC' }).expect(200);
      await create('guild:1', { channelName: 'Knights of Ni' }).expect(200);
      await create('guild:2', { channelName: 'open guild' }).expect(200);
      await create('guild_x', { channelName: 'underscore' }).expect(200);
      await create('priv', { channelName: 'Secret Room', type: 'PRIVATE', password: 'pw' }).expect(200);
      await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      await enter('guild:1', 5).expect(200);
    };

    it('answers the seed sample query: newest first, with memberCount and page info; never ONE_ON_ONE', async () => {
      await seedList();
      const res = await hive(t).get(`${base}/channels?type=PUBLIC&sort=regTime&order=DESC&size=10&page=1`).expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          content: [
            {
              channelId: 'open:12345',
              type: 'PUBLIC',
              gameIndex: 1,
              owner: 'SYSTEM',
              channelName: 'Open Chat Room',
              memberCount: 0,
              maxMemberCount: 50,
              chatHistoryAllowed: false,
              slowModeSeconds: 0,
              regTime: expect.stringMatching(ISO_MS),
              regTimeMillis: expect.any(Number),
            },
          ],
          page: { size: 10, currentPage: 1, totalElements: 1, totalPages: 1 },
        },
      });
      const all = await hive(t).get(`${base}/channels`).expect(200);
      expect(all.body.data.content.map((c: { channelId: string }) => c.channelId)).toEqual([
        'priv',
        'guild_x',
        'guild:2',
        'guild:1',
        'open:12345',
      ]);
      expect(all.body.data.content.find((c: { channelId: string }) => c.channelId === 'guild:1').memberCount).toBe(1);
    });

    it('filters by channelId prefix (wildcards literal) and by name (contains, case-insensitive), sorts, pages', async () => {
      await seedList();
      const ids = async (query: string) => (await hive(t).get(`${base}/channels?${query}`).expect(200)).body.data;
      expect((await ids('channelId=guild:&sort=channelId&order=ASC')).content.map((c: { channelId: string }) => c.channelId)).toEqual([
        'guild:1',
        'guild:2',
      ]);
      expect((await ids('channelId=guild_')).content.map((c: { channelId: string }) => c.channelId)).toEqual(['guild_x']);
      expect((await ids('channelName=OPEN&sort=channelName&order=asc')).content.map((c: { channelName: string }) => c.channelName)).toEqual(
        ['Open Chat Room', 'open guild'],
      );
      expect((await ids('channelName=%25')).content).toEqual([]);
      const page2 = await ids('sort=channelId&order=ASC&size=2&page=2');
      expect(page2.content.map((c: { channelId: string }) => c.channelId)).toEqual(['guild_x', 'open:12345']);
      expect(page2.page).toEqual({ size: 2, currentPage: 2, totalElements: 5, totalPages: 3 });
      expect((await ids('size=2&page=9')).content).toEqual([]);
      expect((await ids('type=GROUP&unknown=1')).page.totalElements).toBe(3);
    });

    it('filters by a name of one or two characters anywhere, case-insensitively and literally; never ONE_ON_ONE', async () => {
      await seedList();
      const names = async (filter: string) =>
        (
          (
            await hive(t)
              .get(`${base}/channels?channelName=${encodeURIComponent(filter)}`)
              .expect(200)
          ).body.data.content as { channelName: string }[]
        )
          .map((c) => c.channelName)
          .sort();
      expect(await names('NI')).toEqual(['Knights of Ni']);
      expect(await names('nd')).toEqual(['underscore']);
      expect(await names('t')).toEqual(['Knights of Ni', 'Open Chat Room', 'Secret Room']);
      expect(await names('&')).toEqual([]);
      expect(await names('_')).toEqual([]);
      expect(await names('q')).toEqual([]);
    });

    // Totals are exact up to 10,000 and an estimate above (docs/chat-api.md#list-channels).
    const seedChannels = (from: number, to: number) =>
      t.dataSource.query(
        `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count)
         SELECT 1, 'c' || i, 'PUBLIC', NULL, 'room ' || i, 50, 0 FROM generate_series($1::int, $2::int) AS i`,
        [from, to],
      );
    const pageOf = async (query: string) => (await hive(t).get(`${base}/channels?${query}`).expect(200)).body.data.page;

    it('counts exactly up to 10,000 channels, ONE_ON_ONE never among them', async () => {
      await seedChannels(1, 10_000);
      await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      expect(await pageOf('')).toEqual({ size: 10, currentPage: 1, totalElements: 10_000, totalPages: 1_000 });
      expect((await pageOf('channelName=ROOM&size=7')).totalElements).toBe(10_000);
      expect((await pageOf('channelName=m')).totalElements).toBe(10_000);
      expect((await pageOf('channelName=om 100&size=3')).totalElements).toBe(12);
      expect((await pageOf('channelId=c99')).totalElements).toBe(111);
    });

    it('answers more than 10,000 with an estimate above 10,000 (totalPages from it), and still pages', async () => {
      await seedChannels(1, 10_001);
      for (const query of ['', 'channelName=room', 'channelName=ro', 'channelName=r', 'type=PUBLIC']) {
        const page = await pageOf(`${query}&size=3`);
        expect(page.totalElements).toBeGreaterThan(10_000);
        expect(page.totalPages).toBe(Math.ceil(page.totalElements / 3));
      }
      const deep = await hive(t).get(`${base}/channels?channelName=ro&sort=channelId&order=ASC&size=2&page=5001`).expect(200);
      expect(deep.body.data.content.map((c: { channelId: string }) => c.channelId)).toEqual(['c9999']);
      expect((await pageOf('channelName=om 1000')).totalElements).toBe(3);
    });

    it('refuses bad parameters with 400/100', async () => {
      const cases: [string, string][] = [
        ['size=11', 'size must be between 1 and 10'],
        ['size=0', 'size must be between 1 and 10'],
        ['size=x', 'size must be an integer'],
        ['page=0', 'page must be between 1 and 1000000'],
        ['sort=owner', 'sort must be one of channelId, channelName, regTime'],
        ['order=UP', 'order must be ASC or DESC'],
        ['type=ONE_ON_ONE', 'type must be one of PUBLIC, GROUP, PRIVATE (ONE_ON_ONE channels are never listed)'],
      ];
      for (const [query, message] of cases) {
        expect((await hive(t).get(`${base}/channels?${query}`).expect(400)).body).toEqual(fail(100, message));
      }
    });

    it('401 without a key', async () => {
      expect((await anon().get(`${base}/channels`).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('GET /channels/{channelId} and /members', () => {
    it('gives info with memberCount and members with connectedTimeMillis (null offline)', async () => {
      await create('open:12345', { type: 'PUBLIC' }).expect(200);
      await online(1);
      await online(2);
      await enter('open:12345', 1).expect(200);
      await enter('open:12345', 2).expect(200);
      await offline(2);
      const res = await hive(t).get(`${base}/channels/open:12345`).expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          info: {
            channelId: 'open:12345',
            type: 'PUBLIC',
            gameIndex: 1,
            owner: 'SYSTEM',
            channelName: 'name of open:12345',
            memberCount: 2,
            maxMemberCount: 50,
            chatHistoryAllowed: false,
            slowModeSeconds: 0,
            regTime: expect.stringMatching(ISO_MS),
            regTimeMillis: expect.any(Number),
          },
          members: [
            { playerId: 1, connectedTimeMillis: 1_700_000_000_001 },
            { playerId: 2, connectedTimeMillis: null },
          ],
        },
      });
      const members = await hive(t).get(`${base}/channels/open:12345/members`).expect(200);
      expect(members.body).toEqual({ code: 0, message: 'Success.', data: { members: res.body.data.members } });
    });

    it('400/201 for a missing channel, 401 without a key', async () => {
      expect((await hive(t).get(`${base}/channels/ghost`).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      expect((await hive(t).get(`${base}/channels/ghost/members`).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      expect((await anon().get(`${base}/channels/x`).expect(401)).body).toEqual(NO_KEY);
      expect((await anon().get(`${base}/channels/x/members`).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('POST /channels/{channelId}/enter', () => {
    it('enters (seed sample as written) and announces it to the members', async () => {
      await create('guild:12345').expect(200);
      await enter('guild:12345', 1).expect(200);
      const res = await hive(t).post(`${base}/channels/guild:12345/enter`).send({ playerId: 1001, password: 'guildPass123' }).expect(200);
      expect(res.body).toEqual(OK);
      await flush();
      expect(events.at(-1)).toEqual({
        name: 'channel.entered',
        payload: { gameIndex: 1, channelId: 'guild:12345', playerId: 1001, at: expect.any(Date), memberIds: [1, 1001] },
      });
      expect(await count(`SELECT member_count AS n FROM channels`)).toBe(2);
    });

    it('refuses: missing 201, already in 302, full 202, bad body 100', async () => {
      expect((await enter('ghost', 1).expect(400)).body).toEqual(fail(201, 'channel "ghost" does not exist or was deleted'));
      await create('duo', { maxMemberCount: 2 }).expect(200);
      await enter('duo', 1).expect(200);
      expect((await enter('duo', 1).expect(400)).body).toEqual(fail(302, 'player 1 is already in channel "duo"'));
      await enter('duo', 2).expect(200);
      expect((await enter('duo', 3).expect(400)).body).toEqual(fail(202, 'channel "duo" is full (2/2 members)'));
      expect((await hive(t).post(`${base}/channels/duo/enter`).send({}).expect(400)).body).toEqual(
        fail(100, 'playerId must be an integer'),
      );
    });

    it('PRIVATE needs the right password (400/203)', async () => {
      await create('priv', { type: 'PRIVATE', password: 'guildPass123' }).expect(200);
      expect((await enter('priv', 1).expect(400)).body).toEqual(fail(203, 'password is required to enter PRIVATE channel "priv"'));
      expect((await enter('priv', 1, { password: 'guildPass124' }).expect(400)).body).toEqual(
        fail(203, 'wrong password for channel "priv"'),
      );
      await enter('priv', 1, { password: 'guildPass123' }).expect(200);
    });

    it('PUBLIC needs the player connected (400/300)', async () => {
      await create('pub', { type: 'PUBLIC' }).expect(200);
      expect((await enter('pub', 4).expect(400)).body).toEqual(
        fail(300, 'player 4 is not connected; only connected players may enter PUBLIC channels'),
      );
      await online(4);
      await enter('pub', 4).expect(200);
    });

    it('an 11th PUBLIC/GROUP/PRIVATE channel is refused with 400/307', async () => {
      await seedMemberships(6, 10, false);
      await create('more').expect(200);
      expect((await enter('more', 6).expect(400)).body).toEqual(
        fail(307, 'player 6 is already in 10 PUBLIC/GROUP/PRIVATE channels (at most 10)'),
      );
      await exit('seed-6-1', 6).expect(200);
      await enter('more', 6).expect(200);
    });

    it('401 without a key', async () => {
      expect((await anon().post(`${base}/channels/x/enter`).send({ playerId: 1 }).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('POST /channels/{channelId}/exit', () => {
    it('exits (seed sample as written); the owner leaving keeps the channel', async () => {
      await create('guild:12345', { playerId: 1001 }).expect(200);
      await enter('guild:12345', 2).expect(200);
      events = [];
      const res = await hive(t).post(`${base}/channels/guild:12345/exit`).send({ playerId: 1001 }).expect(200);
      expect(res.body).toEqual(OK);
      await flush();
      expect(events).toEqual([
        {
          name: 'channel.exited',
          payload: { gameIndex: 1, channelId: 'guild:12345', playerId: 1001, at: expect.any(Date), memberIds: [2], reason: 'left' },
        },
      ]);
      const got = await hive(t).get(`${base}/channels/guild:12345`).expect(200);
      expect(got.body.data.info).toMatchObject({ owner: '1001', memberCount: 1 });
    });

    it('refuses: not a member 301, missing channel 201, 401 without a key', async () => {
      await create('c').expect(200);
      expect((await exit('c', 9).expect(400)).body).toEqual(fail(301, 'player 9 is not in channel "c"'));
      expect((await exit('ghost', 9).expect(400)).body).toEqual(fail(201, 'channel "ghost" does not exist or was deleted'));
      expect((await anon().post(`${base}/channels/c/exit`).send({ playerId: 9 }).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('GET /users/{playerId}/channels', () => {
    it('lists the channels the player is in, ONE_ON_ONE excluded', async () => {
      await create('a', { playerId: 1 }).expect(200);
      await create('b').expect(200);
      await enter('b', 1).expect(200);
      await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      const res = await hive(t).get(`${base}/users/1/channels`).expect(200);
      expect(res.body.data).toEqual({
        gameIndex: 1,
        playerId: 1,
        channels: [
          expect.objectContaining({ channelId: 'a', owner: '1', memberCount: 1, regTime: expect.stringMatching(ISO_MS) }),
          expect.objectContaining({ channelId: 'b', owner: 'SYSTEM', memberCount: 1 }),
        ],
      });
      expect((await hive(t).get(`${base}/users/3/channels`).expect(200)).body.data.channels).toEqual([]);
    });

    it('400 for a bad playerId, 401 without a key', async () => {
      expect((await hive(t).get(`${base}/users/abc/channels`).expect(400)).body).toEqual(fail(100, 'playerId must be a positive integer'));
      expect((await anon().get(`${base}/users/1/channels`).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('block list', () => {
    it('blocks, lists and unblocks; publishes block.changed', async () => {
      expect((await hive(t).post(`${base}/users/1/blocks/2`).expect(200)).body).toEqual(OK);
      await hive(t).post(`${base}/users/1/blocks/3`).expect(200);
      const list = await hive(t).get(`${base}/users/1/blocks`).expect(200);
      expect(list.body.data).toEqual({
        blocks: [
          { playerId: 2, blockedTime: expect.stringMatching(ISO_MS), blockedTimeMillis: expect.any(Number) },
          { playerId: 3, blockedTime: expect.stringMatching(ISO_MS), blockedTimeMillis: expect.any(Number) },
        ],
      });
      expect((await hive(t).delete(`${base}/users/1/blocks/2`).expect(200)).body).toEqual(OK);
      expect(
        (await hive(t).get(`${base}/users/1/blocks`).expect(200)).body.data.blocks.map((b: { playerId: number }) => b.playerId),
      ).toEqual([3]);
      await flush();
      expect(events.filter((e) => e.name === 'block.changed').map((e) => e.payload)).toEqual([
        { gameIndex: 1, playerId: 1, blockedId: 2, blocked: true },
        { gameIndex: 1, playerId: 1, blockedId: 3, blocked: true },
        { gameIndex: 1, playerId: 1, blockedId: 2, blocked: false },
      ]);
    });

    it('refuses: already blocked 303, full 304, not blocked 305, self 100, 401', async () => {
      await hive(t).post(`${base}/users/1/blocks/2`).expect(200);
      expect((await hive(t).post(`${base}/users/1/blocks/2`).expect(400)).body).toEqual(
        fail(303, 'player 2 is already blocked by player 1'),
      );
      await t.dataSource.query(
        `INSERT INTO channel_blocks (game_index, player_id, blocked_id) SELECT 1, 1, 100 + i FROM generate_series(1, 99) AS i`,
      );
      expect((await hive(t).post(`${base}/users/1/blocks/5`).expect(400)).body).toEqual(
        fail(304, 'the block list of player 1 is full (at most 100)'),
      );
      expect((await hive(t).delete(`${base}/users/1/blocks/5`).expect(400)).body).toEqual(
        fail(305, 'player 5 is not in the block list of player 1'),
      );
      expect((await hive(t).post(`${base}/users/7/blocks/7`).expect(400)).body).toEqual(fail(100, 'a player cannot block itself'));
      expect((await hive(t).post(`${base}/users/7/blocks/x`).expect(400)).body).toEqual(
        fail(100, 'blockPlayerId must be a positive integer'),
      );
      expect((await anon().get(`${base}/users/1/blocks`).expect(401)).body).toEqual(NO_KEY);
      expect((await anon().post(`${base}/users/1/blocks/2`).expect(401)).body).toEqual(NO_KEY);
      expect((await anon().delete(`${base}/users/1/blocks/2`).expect(401)).body).toEqual(NO_KEY);
    });
  });

  describe('notices and custom messages', () => {
    it('channel notice: to the channel members, or to the whole game without channelId', async () => {
      await create('c').expect(200);
      await enter('c', 1).expect(200);
      events = [];
      expect(
        (await hive(t).post(`${base}/notices/channel`).send({ channelId: 'c', message: 'maintenance at 5' }).expect(200)).body,
      ).toEqual(OK);
      await hive(t).post(`${base}/notices/channel`).send({ langCode: 'ko', message: 'hello' }).expect(200);
      await flush();
      expect(events.map((e) => e.payload)).toEqual([
        { gameIndex: 1, channelId: 'c', langCode: null, message: 'maintenance at 5', memberIds: [1] },
        { gameIndex: 1, channelId: null, langCode: 'ko', message: 'hello', memberIds: null },
      ]);
      expect((await hive(t).post(`${base}/notices/channel`).send({ channelId: 'ghost', message: 'x' }).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      expect(
        (
          await hive(t)
            .post(`${base}/notices/channel`)
            .send({ message: 'x'.repeat(201) })
            .expect(400)
        ).body,
      ).toEqual(fail(204, 'message is 201 characters; at most 200 are allowed'));
      expect((await hive(t).post(`${base}/notices/channel`).send({}).expect(400)).body).toEqual(fail(100, 'message must be a string'));
    });

    it('user notice: to a connected player (else 400/300)', async () => {
      expect((await hive(t).post(`${base}/notices/user`).send({ playerId: 44, message: 'hi' }).expect(400)).body).toEqual(
        fail(300, 'player 44 is not connected'),
      );
      await online(44);
      await hive(t).post(`${base}/notices/user`).send({ playerId: 44, message: 'hi' }).expect(200);
      await flush();
      expect(events).toEqual([{ name: 'notice.user', payload: { gameIndex: 1, playerId: 44, message: 'hi' } }]);
    });

    it('custom messages: at most 8,000 UTF-8 bytes (400/400)', async () => {
      await create('c').expect(200);
      await enter('c', 1).expect(200);
      await online(1);
      events = [];
      await hive(t)
        .post(`${base}/custom/channel`)
        .send({ channelId: 'c', data: 'x'.repeat(8000) })
        .expect(200);
      await hive(t).post(`${base}/custom/user`).send({ playerId: 1, data: '{"k":1}' }).expect(200);
      await flush();
      expect(events.map((e) => e.name)).toEqual(['custom.channel', 'custom.user']);
      expect(events[0].payload).toMatchObject({ gameIndex: 1, channelId: 'c', memberIds: [1] });
      const big = await hive(t)
        .post(`${base}/custom/channel`)
        .send({ channelId: 'c', data: 'é'.repeat(4001) })
        .expect(400);
      expect(big.body).toEqual(fail(400, 'Custom message size exceeded. The maximum size is 8,000 bytes (data is 8,002 bytes of UTF-8).'));
      await hive(t)
        .post(`${base}/custom/user`)
        .send({ playerId: 1, data: 'x'.repeat(8001) })
        .expect(400);
      expect((await hive(t).post(`${base}/custom/channel`).send({ channelId: 'ghost', data: 'x' }).expect(400)).body.code).toBe(201);
      expect((await hive(t).post(`${base}/custom/user`).send({ playerId: 2, data: 'x' }).expect(400)).body.code).toBe(300);
    });

    it('401 without a key on each', async () => {
      for (const path of ['notices/channel', 'notices/user', 'custom/channel', 'custom/user']) {
        expect((await anon().post(`${base}/${path}`).send({}).expect(401)).body).toEqual(NO_KEY);
      }
    });
  });

  describe('GET /api/v2/games/{gameIndex}/channels/{channelId}/messages', () => {
    const v2 = '/api/v2/games/1/channels';
    // Message ids carry their millisecond (src/realtime/chat/message-id.ts), as the gateway makes them.
    const t0 = Date.now() - 1000;
    const mid = (id: number, at = t0 + id) => String((BigInt(at - Date.UTC(2025, 0, 1)) << 22n) + BigInt(id));
    const message = (id: number, extra: Partial<StoredMessage> = {}): StoredMessage => ({
      messageId: mid(id, extra.timestampMillis),
      gameIndex: 1,
      channelId: 'h',
      from: 7,
      message: `m${id}`,
      extraData: null,
      replyMessageId: null,
      mentionedPlayerIds: [],
      timestampMillis: t0 + id,
      seq: id,
      ...extra,
    });

    it('pages around a message id, oldest first, cursor left out', async () => {
      await create('h', { chatHistoryAllowed: true }).expect(200);
      await t.app
        .get(ChatHistoryService)
        .append([
          ...Array.from({ length: 10 }, (_, i) => message(i + 1)),
          message(11, { extraData: '{"a":1}', replyMessageId: mid(1), mentionedPlayerIds: [8, 9] }),
        ]);
      const ids = (body: { data: { content: { message: string }[] } }) => body.data.content.map((m) => m.message);
      const around = await hive(t)
        .get(`${v2}/h/messages?messageId=${mid(5)}&prevSize=2&nextSize=3`)
        .expect(200);
      expect(ids(around.body)).toEqual(['m3', 'm4', 'm6', 'm7', 'm8']);
      expect(around.body.data).toMatchObject({ hasPrev: true, hasNext: true });
      const newest = await hive(t).get(`${v2}/h/messages?prevSize=2`).expect(200);
      expect(newest.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          content: [
            {
              seq: 10,
              channelId: 'h',
              messageId: mid(10),
              from: 7,
              message: 'm10',
              extraData: null,
              replyMessageId: null,
              mentionedPlayerIds: [],
              timestamp: expect.stringMatching(ISO_MS),
              timestampMillis: expect.any(Number),
              editedAtMillis: null,
            },
            {
              seq: 11,
              channelId: 'h',
              messageId: mid(11),
              from: 7,
              message: 'm11',
              extraData: '{"a":1}',
              replyMessageId: mid(1),
              mentionedPlayerIds: [8, 9],
              timestamp: expect.stringMatching(ISO_MS),
              timestampMillis: expect.any(Number),
              editedAtMillis: null,
            },
          ],
          hasPrev: true,
          hasNext: false,
        },
      });
      const start = await hive(t)
        .get(`${v2}/h/messages?messageId=${mid(2)}&prevSize=5&nextSize=50`)
        .expect(200);
      expect(ids(start.body)).toEqual(['m1', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
      expect(start.body.data).toMatchObject({ hasPrev: false, hasNext: false });
    });

    it('keeps only 30 days and only channels that allow history', async () => {
      await create('h', { chatHistoryAllowed: true }).expect(200);
      await create('nohist').expect(200);
      await t.app
        .get(ChatHistoryService)
        .append([message(1, { timestampMillis: Date.now() - 31 * 86_400_000 }), message(2), message(3, { channelId: 'nohist' })]);
      const res = await hive(t).get(`${v2}/h/messages?prevSize=50`).expect(200);
      expect(res.body.data.content.map((m: { message: string }) => m.message)).toEqual(['m2']);
      expect(await count(`SELECT count(*) AS n FROM chat_messages WHERE channel_id = 'nohist'`)).toBe(0);
    });

    it('refuses: history off 403/102, missing 201, bad sizes 100, 401', async () => {
      await create('nohist').expect(200);
      expect((await hive(t).get(`${v2}/nohist/messages`).expect(403)).body).toEqual(
        fail(102, 'channel "nohist" does not allow chat history'),
      );
      expect((await hive(t).get(`${v2}/ghost/messages`).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      expect((await hive(t).get(`${v2}/nohist/messages?prevSize=51`).expect(400)).body).toEqual(
        fail(100, 'prevSize must be between 0 and 50'),
      );
      expect((await hive(t).get(`${v2}/nohist/messages?messageId=abc`).expect(400)).body).toEqual(
        fail(100, 'messageId must be a message id (a decimal integer string from 0 to 9223372036854775807)'),
      );
      expect((await anon().get(`${v2}/nohist/messages`).expect(401)).body).toEqual(NO_KEY);
    });
  });
});
