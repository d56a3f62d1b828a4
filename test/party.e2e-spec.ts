import request from 'supertest';
import { DomainEvents, type DomainEventMap, type PartyEventBody } from '../src/common/events/domain-events.js';
import { SERVER_KEY_2, useTestApp } from './support/test-app.js';
import { asPlayer, hive, playerToken } from './support/http.js';

const P = '/api/table/services/parties';
type PartyEvent = DomainEventMap['party.event'];

describe('parties: DynamicPixels Party Web API', () => {
  let events: PartyEvent[];
  const tokens = new Map<number, string>();
  const t = useTestApp({
    ready: (app) => {
      app.app.get(DomainEvents).subscribe('party.event', (e) => {
        events.push(e);
      });
    },
  });
  const as = (id: number) => asPlayer(t, tokens.get(id)!);

  beforeEach(async () => {
    tokens.clear();
    events = [];
    for (const id of [1, 2, 3, 4, 5]) tokens.set(id, await playerToken(t, id));
  });

  async function create(owner: number, fields: Record<string, unknown> = {}) {
    const res = await as(owner)
      .post(P)
      .send({ data: { name: 'Wolves', max_member_count: 10, teams: ['red', 'blue'], channels: ['general', 'tactics'], ...fields } })
      .expect(200);
    return res.body.row as { id: number } & Record<string, unknown>;
  }

  async function join(player: number, partyId: number, body: Record<string, unknown> = {}) {
    return (await as(player).post(`${P}/${partyId}`).send(body).expect(200)).body.row;
  }

  /** Settles after every already-queued event handler ran (handlers run as microtasks after commit). */
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  const dpError = (msg: string, detail: unknown = expect.any(String)) => ({ msg, status: false, detail, message: msg });

  describe('no credentials → 401 invalid token on every endpoint', () => {
    const routes: [string, string][] = [
      ['post', P],
      ['get', P],
      ['get', `${P}/me`],
      ['get', `${P}/1`],
      ['put', `${P}/1`],
      ['post', `${P}/1`],
      ['delete', `${P}/1`],
      ['get', `${P}/1/members`],
      ['get', `${P}/1/waiting`],
      ['put', `${P}/1/waiting/1`],
      ['delete', `${P}/1/waiting/1`],
      ['put', `${P}/1/members/me`],
      ['put', `${P}/1/members/2`],
      ['delete', `${P}/1/members/2`],
      ['post', `${P}/1/disband`],
    ];
    it.each(routes)('%s %s', async (method, path) => {
      const agent = request(t.url) as unknown as Record<string, (p: string) => request.Test>;
      const res = await agent[method](path).send({}).expect(401);
      expect(res.body).toEqual(dpError('invalid token'));
      const bad = await agent[method](path).set('Authorization', 'bearer not-a-token').send({}).expect(401);
      expect(bad.body).toEqual(dpError('invalid token'));
    });
  });

  describe('POST /parties (create)', () => {
    it('creates the party with the caller as Owner, encodings as the original', async () => {
      const res = await as(1)
        .post(P)
        .send({
          data: {
            name: 'Wolves',
            desc: 'd',
            max_member_count: 5,
            is_private: true,
            teams: ['red'],
            channels: ['general'],
            variables: { lvl: '3' },
          },
        })
        .expect(200);
      expect(res.body).toEqual({
        row: {
          id: expect.any(Number),
          name: 'Wolves',
          desc: 'd',
          image: '',
          max_member_count: 5,
          is_private: true,
          teams: '["red"]',
          channels: '["general"]',
          data: '{}',
          variables: { lvl: '3' },
          owner: 1,
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          member_count: 1,
          members_can_invite: false,
          code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{6}$/),
        },
      });
      const members = await as(2).get(`${P}/${res.body.row.id}/members`).expect(200);
      expect(members.body.list).toEqual([
        expect.objectContaining({ id: 1, name: 'player-1', role: 1, status: 1, channels: '["general"]', team: '' }),
      ]);
    });

    it('accepts the Unity wrapper "Data"', async () => {
      const res = await as(1)
        .post(P)
        .send({ Data: { name: 'U', max_member_count: 2 } })
        .expect(200);
      expect(res.body.row).toMatchObject({ name: 'U', teams: '[]', channels: '[]', is_private: false, variables: {} });
    });

    it('refuses bad bodies with 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{}, 'data must be an object holding the party fields (name, max_member_count, ...)'],
        [{ data: { max_member_count: 3 } }, 'data.name is required (1-100 characters)'],
        [{ data: { name: 'x' } }, 'data.max_member_count is required (an integer between 1 and 500)'],
        [{ data: { name: 'x', max_member_count: 0 } }, 'data.max_member_count must be between 1 and 500'],
        [{ data: { name: 'x', max_member_count: 501 } }, 'data.max_member_count must be between 1 and 500'],
        [{ data: { name: 'x', max_member_count: 'ten' } }, 'data.max_member_count must be an integer'],
        [{ data: { name: '', max_member_count: 3 } }, 'data.name must be 1-100 characters'],
        [
          { data: { name: 'x', max_member_count: 3, channels: ['a b'] } },
          'data.channels[0] must be 1-50 characters of A-Z a-z 0-9 - . _ ~',
        ],
        [{ data: { name: 'x', max_member_count: 3, teams: 'red' } }, 'data.teams must be an array of strings or a JSON-array string'],
        [{ data: { name: 'x', max_member_count: 3, teams: ['a', 'a'] } }, 'data.teams must not repeat a name'],
        [{ data: { name: 'x', max_member_count: 3, variables: { a: 1 } } }, 'data.variables.a must be a string'],
      ];
      for (const [body, detail] of cases) {
        const res = await as(1)
          .post(P)
          .send(body as object)
          .expect(400);
        expect(res.body).toEqual(dpError('payload is not valid', detail));
      }
      const notJson = await as(1).post(P).set('Content-Type', 'application/json').send('{nope').expect(400);
      expect(notJson.body).toEqual(dpError('payload is not valid', 'body is not valid JSON'));
    });
  });

  describe('GET /parties and /parties/me', () => {
    it('searches by name case-insensitively, newest first, private ones included, within the game', async () => {
      const a = await create(1, { name: 'Red Wolves' });
      const b = await create(2, { name: 'blue WOLVES', is_private: true });
      await create(3, { name: 'Eagles' });
      const other = await playerToken(t, 9, 2, SERVER_KEY_2);
      await asPlayer(t, other)
        .post(P)
        .send({ data: { name: 'wolves of game 2', max_member_count: 3 } })
        .expect(200);

      const res = await as(4).get(`${P}?query=wolves`).expect(200);
      expect(res.body.totalCount).toBe(2);
      expect(res.body.list.map((p: { id: number }) => p.id)).toEqual([b.id, a.id]);
      const all = await as(4).get(P).expect(200);
      expect(all.body.totalCount).toBe(3);
      // The TS SDK's query-less URL: unknown parameter, defaults apply.
      const ts = await as(4).get(`${P}?falseskip=0&limit=25`).expect(200);
      expect(ts.body.list).toHaveLength(3);
      const paged = await as(4).get(`${P}?skip=1&limit=1`).expect(200);
      expect(paged.body).toEqual({ list: [expect.objectContaining({ id: b.id })], totalCount: 3 });
      await as(4).get(`${P}?limit=1000`).expect(200);
      const short = await as(4).get(`${P}?query=ES&limit=2`).expect(200);
      expect(short.body.totalCount).toBe(3);
      expect(short.body.list.map((p: { name: string }) => p.name)).toEqual(['Eagles', 'blue WOLVES']);
      const beyond = await as(4).get(`${P}?query=es&skip=5`).expect(200);
      expect(beyond.body).toEqual({ list: [], totalCount: 3 });
      const zero = await as(4).get(`${P}?query=wolves&limit=0`).expect(200);
      expect(zero.body).toEqual({ list: [], totalCount: 2 });
      const literal = await as(4)
        .get(`${P}?query=${encodeURIComponent('%')}`)
        .expect(200);
      expect(literal.body.totalCount).toBe(0);
      const bad = await as(4).get(`${P}?skip=-1`).expect(400);
      expect(bad.body).toEqual(dpError('payload is not valid', 'skip must be a non-negative integer'));
      const bad2 = await as(4).get(`${P}?limit=abc`).expect(400);
      expect(bad2.body).toEqual(dpError('payload is not valid', 'limit must be a non-negative integer'));
    });

    it('serves at most 100 rows when limit is above 100', async () => {
      const values = Array.from({ length: 105 }, (_, i) => `(1, 'p${i}', 5, 0, 1)`).join(',');
      await t.dataSource.query(`INSERT INTO parties (game_index, name, max_member_count, member_count, owner) VALUES ${values}`);
      const res = await as(1).get(`${P}?limit=500`).expect(200);
      expect(res.body.list).toHaveLength(100);
      expect(res.body.totalCount).toBe(105);
      const def = await as(1).get(P).expect(200);
      expect(def.body.list).toHaveLength(50);
    });

    // Totals are exact up to 10,000 matches and an estimate above (docs/party-api.md#totals).
    const seedClans = (from: number, to: number) =>
      t.dataSource.query(
        `INSERT INTO parties (game_index, name, max_member_count, member_count, owner)
         SELECT 1, 'clan ' || i, 5, 1, i FROM generate_series($1::int, $2::int) AS i`,
        [from, to],
      );
    const total = async (query: string) => (await as(1).get(`${P}?${query}&limit=0`).expect(200)).body.totalCount as number;

    it('counts exactly up to 10,000 matches, for every kind of query', async () => {
      await seedClans(1, 10_000);
      await create(1, { name: 'Other' });
      expect(await total('query=CLAN')).toBe(10_000);
      expect(await total('query=cl')).toBe(10_000);
      expect(await total('query=n')).toBe(10_000);
      expect(await total('query=clan 1000')).toBe(2);
      expect(await total('query=')).toBe(10_001);
      const page = await as(1).get(`${P}?query=lan&skip=10&limit=3`).expect(200);
      expect(page.body).toEqual({
        list: ['clan 9990', 'clan 9989', 'clan 9988'].map((name) => expect.objectContaining({ name })),
        totalCount: 10_000,
      });
    });

    it('answers more than 10,000 with an estimate above 10,000, and still pages every match newest first', async () => {
      await seedClans(1, 10_001);
      for (const query of ['query=CLAN', 'query=cl', 'query=c', '']) expect(await total(query)).toBeGreaterThan(10_000);
      // Asked again (the plan then skips collecting the matches): the same rule.
      expect(await total('query=CLAN')).toBeGreaterThan(10_000);
      const res = await as(1).get(`${P}?query=CLAN&skip=10&limit=3`).expect(200);
      expect(res.body.list.map((p: { name: string }) => p.name)).toEqual(['clan 9991', 'clan 9990', 'clan 9989']);
      const last = await as(1).get(`${P}?query=cl&skip=10000&limit=5`).expect(200);
      expect(last.body.list.map((p: { name: string }) => p.name)).toEqual(['clan 1']);
      const few = await as(1).get(`${P}?query=clan 1000&limit=100`).expect(200);
      expect(few.body.list.map((p: { name: string }) => p.name)).toEqual(['clan 10001', 'clan 10000', 'clan 1000']);
      expect(few.body.totalCount).toBe(3);
      // Back under the limit, the count is exact again at once (a remembered dense query included).
      await t.dataSource.query(`DELETE FROM parties WHERE name = 'clan 10001'`);
      expect(await total('query=CLAN')).toBe(10_000);
      expect(await total('query=cl')).toBe(10_000);
    });

    it('matches one and two characters anywhere in the name, case-insensitively and literally', async () => {
      const names = ['Ölberg', 'GOLD', 'a_b', 'a%b', 'axb', 'Zz'];
      for (const [i, name] of names.entries()) await create(1 + (i % 5), { name });
      const found = async (query: string) =>
        (
          (
            await as(1)
              .get(`${P}?query=${encodeURIComponent(query)}`)
              .expect(200)
          ).body.list as { name: string }[]
        )
          .map((p) => p.name)
          .sort();
      expect(await found('öL')).toEqual(['Ölberg']);
      expect(await found('ol')).toEqual(['GOLD']);
      expect(await found('d')).toEqual(['GOLD']);
      expect(await found('_')).toEqual(['a_b']);
      expect(await found('a%')).toEqual(['a%b']);
      expect(await found('Z')).toEqual(['Zz']);
      expect(await found('zz')).toEqual(['Zz']);
      expect(await found('q')).toEqual([]);
      expect(await total('query=b')).toBe(4);
    });

    it('/me lists only parties the caller is an Accepted member of', async () => {
      const mine = await create(1, { name: 'Mine' });
      const pub = await create(2, { name: 'Joined' });
      const priv = await create(3, { name: 'Requested', is_private: true });
      await join(1, pub.id);
      await join(1, priv.id);
      const res = await as(1).get(`${P}/me?skip=0&limit=25`).expect(200);
      expect(res.body.totalCount).toBe(2);
      expect(res.body.list.map((p: { id: number }) => p.id)).toEqual([pub.id, mine.id]);
      const q = await as(1).get(`${P}/me?query=JOIN`).expect(200);
      expect(q.body.list.map((p: { id: number }) => p.id)).toEqual([pub.id]);
    });
  });

  describe('GET /parties/{id}', () => {
    it('returns one party, 404 for a missing or foreign one, 400 for a bad id', async () => {
      const p = await create(1);
      const res = await as(2).get(`${P}/${p.id}`).expect(200);
      const { code, ...withoutCode } = p;
      expect(res.body.row).toEqual(withoutCode);
      expect((await as(1).get(`${P}/${p.id}`).expect(200)).body.row).toEqual({ ...withoutCode, code });
      const missing = await as(2).get(`${P}/999999`).expect(404);
      expect(missing.body).toEqual(dpError('party notfound', 'party 999999 does not exist in game 1'));
      const other = await playerToken(t, 9, 2, SERVER_KEY_2);
      await asPlayer(t, other).get(`${P}/${p.id}`).expect(404);
      const bad = await as(2).get(`${P}/abc`).expect(400);
      expect(bad.body).toEqual(dpError('payload is not valid', 'partyId must be an integer between 1 and 2147483647, got "abc"'));
    });

    it('is served under /game/{gameIndex} too, refused for another game', async () => {
      const p = await create(1);
      await request(t.url)
        .get(`/game/1${P}/${p.id}`)
        .set('Authorization', `Bearer ${tokens.get(1)}`)
        .expect(200);
      const res = await request(t.url)
        .get(`/game/2${P}/${p.id}`)
        .set('Authorization', `Bearer ${tokens.get(1)}`)
        .expect(403);
      expect(res.body).toEqual(dpError('permission denied', 'the token belongs to game 1, not game 2'));
    });
  });

  describe('PUT /parties/{id} (edit)', () => {
    it('edits partially as Owner, in every body shape the SDKs send', async () => {
      const p = await create(1);
      const a = await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { name: 'Renamed', variables: { k: 'v' } } })
        .expect(200);
      expect(a.body.row).toMatchObject({ name: 'Renamed', desc: '', max_member_count: 10, teams: '["red","blue"]', variables: { k: 'v' } });
      const b = await as(1)
        .put(`${P}/${p.id}`)
        .send({ partyId: p.id, party: { teams: '["green"]', desc: 'x' } })
        .expect(200);
      expect(b.body.row).toMatchObject({ name: 'Renamed', teams: '["green"]', desc: 'x' });
      const c = await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { id: p.id, owner: 99, name: 'Docs', teams: 'null', channels: '["general"]', data: '{"a":1}', is_private: true } })
        .expect(400);
      expect(c.body.detail).toBe('data.teams must be an array of strings or a JSON-array string');
      const d = await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { id: p.id, owner: 99, name: 'Docs', teams: '[]', channels: '["general"]', data: '{"a":1}', is_private: true } })
        .expect(200);
      expect(d.body.row).toMatchObject({ name: 'Docs', owner: 1, teams: '[]', channels: '["general"]', data: '{"a":1}', is_private: true });
    });

    it('lets an Admin edit, refuses Members and outsiders, and never lowers capacity below the count', async () => {
      const p = await create(1, { max_member_count: 3 });
      await join(2, p.id);
      await join(3, p.id);
      const member = await as(2)
        .put(`${P}/${p.id}`)
        .send({ data: { name: 'x' } })
        .expect(403);
      expect(member.body).toEqual(dpError('permission denied', `only the Owner or an Admin of party ${p.id} may edit it`));
      await as(4)
        .put(`${P}/${p.id}`)
        .send({ data: { name: 'x' } })
        .expect(403);
      await as(1).put(`${P}/${p.id}/members/2`).send({ role: 2 }).expect(200);
      await as(2)
        .put(`${P}/${p.id}`)
        .send({ data: { name: 'by admin' } })
        .expect(200);
      const low = await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { max_member_count: 2 } })
        .expect(400);
      expect(low.body).toEqual(dpError('payload is not valid', 'max_member_count 2 is below the current member count 3'));
      const high = await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { max_member_count: 501 } })
        .expect(400);
      expect(high.body.detail).toBe('data.max_member_count must be between 1 and 500');
      await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { max_member_count: 3 } })
        .expect(200);
      await as(1)
        .put(`${P}/999999`)
        .send({ data: { name: 'x' } })
        .expect(404);
    });

    it('clears the team of members whose team was removed and drops removed channels from memberships', async () => {
      const p = await create(1);
      await join(2, p.id, { team: 'red', channels: ['general', 'tactics'] });
      await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { teams: ['blue'], channels: ['general', 'new'] } })
        .expect(200);
      const members = await as(1).get(`${P}/${p.id}/members`).expect(200);
      const byId = Object.fromEntries(members.body.list.map((m: { id: number }) => [m.id, m]));
      expect(byId[2]).toMatchObject({ team: '', channels: '["general"]' });
      expect(byId[1]).toMatchObject({ channels: '["general","new"]' });
    });
  });

  describe('POST /parties/{id} (join)', () => {
    it('makes a public join Accepted and a private join Waiting', async () => {
      const pub = await create(1);
      const row = await join(2, pub.id, { partyId: pub.id, team: 'red', channels: ['general'] });
      expect(row).toEqual({
        id: expect.any(Number),
        party: pub.id,
        player: 2,
        role: 3,
        status: 1,
        data: '{}',
        variables: {},
        channels: '["general"]',
        team: 'red',
        created_at: expect.any(String),
      });
      const priv = await create(1, { is_private: true });
      const req = await join(2, priv.id);
      expect(req).toMatchObject({ status: 0, role: 3, team: '', channels: '[]' });
      const p = await as(1).get(`${P}/${priv.id}`).expect(200);
      expect(p.body.row.member_count).toBe(1);
      // Missing body, as Unity may send.
      await as(3).post(`${P}/${pub.id}`).expect(200);
    });

    it('refuses invalid team/channels, a second membership, a full party, a missing party', async () => {
      const p = await create(1, { max_member_count: 2 });
      const team = await as(2).post(`${P}/${p.id}`).send({ team: 'green' }).expect(400);
      expect(team.body).toEqual(dpError('team is not valid', 'team "green" is not one of the party\'s teams ["red","blue"]'));
      const ch = await as(2)
        .post(`${P}/${p.id}`)
        .send({ channels: ['general', 'nope'] })
        .expect(400);
      expect(ch.body).toEqual(
        dpError('channels is not valid', 'channels ["nope"] are not among the party\'s channels ["general","tactics"]'),
      );
      await join(2, p.id);
      const twice = await as(2).post(`${P}/${p.id}`).send({}).expect(409);
      expect(twice.body).toEqual(dpError('membership is already exist', `player 2 is already a member in party ${p.id}`));
      const owner = await as(1).post(`${P}/${p.id}`).send({}).expect(409);
      expect(owner.body.msg).toBe('membership is already exist');
      const full = await as(3).post(`${P}/${p.id}`).send({}).expect(409);
      expect(full.body).toEqual(dpError('party is full', `party ${p.id} is full (2/2 members)`));
      const missing = await as(3).post(`${P}/424242`).send({}).expect(404);
      expect(missing.body.msg).toBe('party notfound');
      const priv = await create(1, { is_private: true });
      await join(3, priv.id);
      const again = await as(3).post(`${P}/${priv.id}`).send({}).expect(409);
      expect(again.body.detail).toBe(`player 3 is already waiting for acceptance in party ${priv.id}`);
    });
  });

  describe('the private-party flow: request → waiting list → accept/reject → members', () => {
    it('lists requests for Owner and Admins only, accepts and rejects by membership id', async () => {
      const p = await create(1, { is_private: true, max_member_count: 3 });
      const r2 = await join(2, p.id, { team: 'blue', channels: ['tactics'] });
      const r3 = await join(3, p.id);
      const r4 = await join(4, p.id);

      const waiting = await as(1).get(`${P}/${p.id}/waiting?skip=0&limit=25`).expect(200);
      expect(waiting.body).toEqual({ list: [r2, r3, r4], totalCount: 3 });
      const forbidden = await as(2).get(`${P}/${p.id}/waiting`).expect(403);
      expect(forbidden.body).toEqual(dpError('permission denied', `only the Owner or an Admin of party ${p.id} may see its waiting list`));
      await as(5).put(`${P}/${p.id}/waiting/${r2.id}`).send({}).expect(403);

      const accepted = await as(1).put(`${P}/${p.id}/waiting/${r2.id}`).send({}).expect(200);
      expect(accepted.body.row).toEqual({ ...r2, status: 1 });
      const again = await as(1).put(`${P}/${p.id}/waiting/${r2.id}`).expect(404);
      expect(again.body).toEqual(dpError('membership notfound', `membership ${r2.id} is not a waiting request of party ${p.id}`));
      await as(1).put(`${P}/${p.id}/waiting/999999`).expect(404);

      // A member promoted to Admin may accept.
      await as(1).put(`${P}/${p.id}/members/2`).send({ role: 2 }).expect(200);
      await as(2).put(`${P}/${p.id}/waiting/${r3.id}`).expect(200);
      // Full now (3/3): the accept is refused and the request stays Waiting.
      const full = await as(1).put(`${P}/${p.id}/waiting/${r4.id}`).expect(409);
      expect(full.body).toEqual(dpError('party is full', `party ${p.id} is full (3/3 members)`));
      const still = await as(1).get(`${P}/${p.id}/waiting`).expect(200);
      expect(still.body).toEqual({ list: [r4], totalCount: 1 });

      const rejected = await as(2).delete(`${P}/${p.id}/waiting/${r4.id}`).expect(200);
      expect(rejected.body).toEqual({ row: r4 });
      await as(2).delete(`${P}/${p.id}/waiting/${r4.id}`).expect(404);
      expect((await as(1).get(`${P}/${p.id}/waiting`).expect(200)).body).toEqual({ list: [], totalCount: 0 });

      const members = await as(5).get(`${P}/${p.id}/members?skip=0&limit=25`).expect(200);
      expect(members.body.totalCount).toBe(3);
      expect(members.body.list.map((m: { id: number }) => m.id)).toEqual([1, 2, 3]);
      expect(members.body.list[1]).toEqual({
        id: 2,
        name: 'player-2',
        email: '',
        phone_number: '',
        image: '',
        username: '',
        label: '',
        tags: '',
        is_ban: false,
        is_tester: false,
        is_guest: false,
        first_login: expect.any(String),
        last_login: expect.any(String),
        role: 2,
        status: 1,
        data: '{}',
        variables: {},
        channels: '["tactics"]',
        team: 'blue',
        online: false,
        membership_id: r2.id,
      });
      const me = await as(2).get(`${P}/me`).expect(200);
      expect(me.body.totalCount).toBe(1);
      // A rejected player may ask again.
      await join(4, p.id);
    });

    it('publishes the request, acceptance and rejection events to the right players', async () => {
      const p = await create(1, { is_private: true });
      await join(2, p.id);
      const r3 = await join(3, p.id);
      const r4 = await join(4, p.id);
      await as(1).put(`${P}/${p.id}/waiting/${r3.id}`).expect(200);
      await as(1).delete(`${P}/${p.id}/waiting/${r4.id}`).expect(200);
      await flush();
      const ofType = (type: string) => events.filter((e) => e.type === type);
      expect(ofType('NOTIFY_PARTY_JOIN_REQUEST').map((e) => e.recipientIds)).toEqual([[1], [1], [1]]);
      expect(ofType('NOTIFY_PARTY_REQUEST_ACCEPTED')).toEqual([
        {
          gameIndex: 1,
          type: 'NOTIFY_PARTY_REQUEST_ACCEPTED',
          recipientIds: [3],
          body: { partyId: p.id, playerId: 3, membershipId: r3.id },
        },
      ]);
      expect(ofType('NOTIFY_PARTY_MEMBER_JOINED').map((e) => e.recipientIds.sort())).toEqual([[1, 3]]);
      expect(ofType('NOTIFY_PARTY_REQUEST_REJECTED')).toEqual([
        {
          gameIndex: 1,
          type: 'NOTIFY_PARTY_REQUEST_REJECTED',
          recipientIds: [4],
          body: { partyId: p.id, playerId: 4, membershipId: r4.id },
        },
      ]);
    });
  });

  describe('DELETE /parties/{id} (leave)', () => {
    it('leaves with {row, affected}, withdraws a request, 404 without a membership', async () => {
      const p = await create(1);
      const row = await join(2, p.id);
      const res = await as(2).delete(`${P}/${p.id}`).expect(200);
      expect(res.body).toEqual({ row, affected: 1 });
      const none = await as(2).delete(`${P}/${p.id}`).expect(404);
      expect(none.body).toEqual(dpError('membership notfound', `player 2 has no membership in party ${p.id}`));
      const priv = await create(1, { is_private: true });
      await join(3, priv.id);
      await as(3).delete(`${P}/${priv.id}`).expect(200);
      expect((await as(1).get(`${P}/${priv.id}/waiting`).expect(200)).body.totalCount).toBe(0);
      expect((await as(1).get(`${P}/${p.id}`).expect(200)).body.row.member_count).toBe(1);
    });

    it('passes ownership to the longest-standing Admin, else the longest-standing Member', async () => {
      const p = await create(1);
      await join(2, p.id);
      await join(3, p.id);
      await join(4, p.id);
      await as(1).put(`${P}/${p.id}/members/4`).send({ role: 2 }).expect(200);
      events = [];
      await as(1).delete(`${P}/${p.id}`).expect(200);
      let party = (await as(2).get(`${P}/${p.id}`).expect(200)).body.row;
      expect(party).toMatchObject({ owner: 4, member_count: 3 });
      const members = (await as(2).get(`${P}/${p.id}/members`).expect(200)).body.list;
      expect(members.find((m: { id: number }) => m.id === 4)).toMatchObject({ role: 1, channels: '["general","tactics"]' });
      await flush();
      expect(events.map((e) => e.type)).toEqual(['NOTIFY_PARTY_MEMBER_LEFT', 'NOTIFY_PARTY_UPDATED']);
      expect(events[0]).toMatchObject({ body: { partyId: p.id, playerId: 1, reason: 'left' } });
      expect(events[0].recipientIds.sort()).toEqual([2, 3, 4]);
      expect((events[1].body as PartyEventBody).party).toMatchObject({ owner: 4 });

      await as(4).delete(`${P}/${p.id}`).expect(200);
      party = (await as(2).get(`${P}/${p.id}`).expect(200)).body.row;
      expect(party.owner).toBe(2);
    });

    it('deletes the party when the last member leaves', async () => {
      const p = await create(1, { is_private: true });
      await join(2, p.id);
      events = [];
      await as(1).delete(`${P}/${p.id}`).expect(200);
      await as(1).get(`${P}/${p.id}`).expect(404);
      await flush();
      expect(events).toEqual([{ gameIndex: 1, type: 'NOTIFY_PARTY_DELETED', recipientIds: [2], body: { partyId: p.id } }]);
      const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM party_members`);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('PUT /parties/{id}/members/me', () => {
    it("changes the caller's own membership and checks team/channels", async () => {
      const p = await create(1);
      await join(2, p.id);
      const res = await as(2)
        .put(`${P}/${p.id}/members/me`)
        .send({ team: 'blue', channels: ['tactics'], data: '{"ready":true}', variables: { hp: '10' } })
        .expect(200);
      expect(res.body.row).toMatchObject({
        player: 2,
        team: 'blue',
        channels: '["tactics"]',
        data: '{"ready":true}',
        variables: { hp: '10' },
      });
      const bad = await as(2).put(`${P}/${p.id}/members/me`).send({ team: 'pink' }).expect(400);
      expect(bad.body.msg).toBe('team is not valid');
      const badCh = await as(2)
        .put(`${P}/${p.id}/members/me`)
        .send({ channels: ['x'] })
        .expect(400);
      expect(badCh.body.msg).toBe('channels is not valid');
      const badVar = await as(2).put(`${P}/${p.id}/members/me`).send({ variables: 'x' }).expect(400);
      expect(badVar.body).toEqual(dpError('payload is not valid', 'variables must be an object of string values'));
      const none = await as(3).put(`${P}/${p.id}/members/me`).send({ team: 'red' }).expect(404);
      expect(none.body.msg).toBe('membership notfound');
      // The Owner stays in every channel.
      const owner = await as(1).put(`${P}/${p.id}/members/me`).send({ channels: [], team: 'red' }).expect(200);
      expect(owner.body.row).toMatchObject({ channels: '["general","tactics"]', team: 'red' });
    });
  });

  describe('PUT /parties/{id}/members/{playerId} (role)', () => {
    it('lets the Owner set roles and transfer ownership; nobody else', async () => {
      const p = await create(1);
      await join(2, p.id);
      await join(3, p.id);
      const admin = await as(1).put(`${P}/${p.id}/members/2`).send({ role: 2 }).expect(200);
      expect(admin.body.row).toMatchObject({ player: 2, role: 2 });
      const byAdmin = await as(2).put(`${P}/${p.id}/members/3`).send({ role: 2 }).expect(403);
      expect(byAdmin.body).toEqual(dpError('permission denied', `only the Owner of party ${p.id} may change roles`));
      const bad = await as(1).put(`${P}/${p.id}/members/3`).send({ role: 4 }).expect(400);
      expect(bad.body).toEqual(dpError('payload is not valid', 'role must be between 1 and 3'));
      const none = await as(1).put(`${P}/${p.id}/members/5`).send({ role: 2 }).expect(404);
      expect(none.body).toEqual(dpError('membership notfound', `player 5 is not an accepted member of party ${p.id}`));
      const self = await as(1).put(`${P}/${p.id}/members/1`).send({ role: 3 }).expect(400);
      expect(self.body.detail).toBe('role: the Owner cannot demote itself; give role 1 to another member to transfer ownership');

      const transfer = await as(1).put(`${P}/${p.id}/members/3`).send({ role: 1 }).expect(200);
      expect(transfer.body.row).toMatchObject({ player: 3, role: 1, channels: '["general","tactics"]' });
      const party = (await as(1).get(`${P}/${p.id}`).expect(200)).body.row;
      expect(party.owner).toBe(3);
      const roles = (await as(1).get(`${P}/${p.id}/members`).expect(200)).body.list.map((m: { id: number; role: number }) => [
        m.id,
        m.role,
      ]);
      expect(roles).toEqual([
        [1, 2],
        [2, 2],
        [3, 1],
      ]);
      await as(1).put(`${P}/${p.id}/members/2`).send({ role: 3 }).expect(403);
    });
  });

  describe('DELETE /parties/{id}/members/{playerId} (kick)', () => {
    it('lets the Owner kick anyone, an Admin only Members; tells the kicked player', async () => {
      const p = await create(1);
      for (const id of [2, 3, 4]) await join(id, p.id);
      await as(1).put(`${P}/${p.id}/members/2`).send({ role: 2 }).expect(200);
      const byMember = await as(3).delete(`${P}/${p.id}/members/4`).expect(403);
      expect(byMember.body).toEqual(dpError('permission denied', `only the Owner or an Admin of party ${p.id} may kick members`));
      const adminOnOwner = await as(2).delete(`${P}/${p.id}/members/1`).expect(403);
      expect(adminOnOwner.body.detail).toBe('an Admin may kick only Members; player 1 has role 1');
      events = [];
      const kicked = await as(2).delete(`${P}/${p.id}/members/4`).expect(200);
      expect(kicked.body).toEqual({ row: expect.objectContaining({ player: 4, status: 1 }), affected: 1 });
      await flush();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'NOTIFY_PARTY_MEMBER_LEFT', body: { partyId: p.id, playerId: 4, reason: 'kicked' } });
      expect(events[0].recipientIds.sort()).toEqual([1, 2, 3, 4]);
      await as(1).delete(`${P}/${p.id}/members/2`).expect(200);
      await as(1).delete(`${P}/${p.id}/members/4`).expect(404);
      const self = await as(1).delete(`${P}/${p.id}/members/1`).expect(403);
      expect(self.body.detail).toBe(`a player cannot kick itself; leave with DELETE /parties/${p.id}`);
      const members = (await as(1).get(`${P}/${p.id}/members`).expect(200)).body;
      expect(members.list.map((m: { id: number }) => m.id)).toEqual([1, 3]);
      expect((await as(1).get(`${P}/${p.id}`).expect(200)).body.row.member_count).toBe(2);
    });
  });

  describe('POST /parties/{id}/disband', () => {
    it('lets only the Owner disband; everyone is told', async () => {
      const p = await create(1, { is_private: true });
      await join(2, p.id);
      const r = await join(3, p.id);
      await as(1).put(`${P}/${p.id}/waiting/${r.id}`).expect(200);
      const member = await as(3).post(`${P}/${p.id}/disband`).expect(403);
      expect(member.body).toEqual(dpError('permission denied', `only the Owner of party ${p.id} may disband it`));
      events = [];
      const res = await as(1).post(`${P}/${p.id}/disband`).expect(200);
      expect(res.body).toEqual({ row: expect.objectContaining({ id: p.id, member_count: 2 }), affected: 1 });
      await as(1).get(`${P}/${p.id}`).expect(404);
      await as(1).post(`${P}/${p.id}/disband`).expect(404);
      await flush();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'NOTIFY_PARTY_DELETED', body: { partyId: p.id } });
      expect(events[0].recipientIds.sort()).toEqual([1, 2, 3]);
    });
  });

  describe('live events of joins and edits', () => {
    it('tells all accepted members of a public join and of an edit', async () => {
      const p = await create(1);
      await join(2, p.id);
      await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { desc: 'new' } })
        .expect(200);
      await flush();
      expect(events.map((e) => e.type)).toEqual(['NOTIFY_PARTY_MEMBER_JOINED', 'NOTIFY_PARTY_UPDATED']);
      expect(events[0].recipientIds.sort()).toEqual([1, 2]);
      expect(events[0].body).toEqual({ partyId: p.id, playerId: 2, membershipId: expect.any(Number) });
      expect(events[1].recipientIds.sort()).toEqual([1, 2]);
      expect((events[1].body as PartyEventBody).party).toMatchObject({ id: p.id, desc: 'new' });
    });
  });

  describe('party chat channels (through the ChannelService)', () => {
    const channel = (partyId: number, name: string) => `/api/v1/games/1/channels/${encodeURIComponent(`party:${partyId}:${name}`)}`;
    const memberIds = async (partyId: number, name: string) =>
      (
        (
          await hive(t)
            .get(`${channel(partyId, name)}/members`)
            .expect(200)
        ).body.data.members as { playerId: number }[]
      )
        .map((m) => m.playerId)
        .sort();

    it('creates SYSTEM-owned GROUP channels and keeps their members in step with the party', async () => {
      const p = await create(1, { max_member_count: 1, channels: ['general'] });
      const info = await hive(t).get(channel(p.id, 'general')).expect(200);
      expect(info.body.data.info).toMatchObject({ channelId: `party:${p.id}:general`, type: 'GROUP', owner: 'SYSTEM', maxMemberCount: 2 });
      await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { max_member_count: 5, channels: ['general', 'raid'] } })
        .expect(200);
      expect((await hive(t).get(channel(p.id, 'general')).expect(200)).body.data.info.maxMemberCount).toBe(5);
      expect(await memberIds(p.id, 'raid')).toEqual([1]);

      await join(2, p.id, { channels: ['general'] });
      await join(3, p.id, { channels: ['general', 'raid'] });
      expect(await memberIds(p.id, 'general')).toEqual([1, 2, 3]);
      expect(await memberIds(p.id, 'raid')).toEqual([1, 3]);

      await as(2)
        .put(`${P}/${p.id}/members/me`)
        .send({ channels: ['raid'] })
        .expect(200);
      expect(await memberIds(p.id, 'general')).toEqual([1, 3]);
      expect(await memberIds(p.id, 'raid')).toEqual([1, 2, 3]);

      await as(1).delete(`${P}/${p.id}/members/3`).expect(200);
      await as(2).delete(`${P}/${p.id}`).expect(200);
      expect(await memberIds(p.id, 'raid')).toEqual([1]);

      await as(1)
        .put(`${P}/${p.id}`)
        .send({ data: { channels: ['general'] } })
        .expect(200);
      const gone = await hive(t).get(channel(p.id, 'raid')).expect(400);
      expect(gone.body.code).toBe(201);

      await as(1).post(`${P}/${p.id}/disband`).expect(200);
      expect((await hive(t).get(channel(p.id, 'general')).expect(400)).body.code).toBe(201);
    });

    it('puts a Waiting request in no channel until it is accepted; hands the new Owner every channel', async () => {
      const p = await create(1, { is_private: true });
      const r = await join(2, p.id, { channels: ['general'] });
      expect(await memberIds(p.id, 'general')).toEqual([1]);
      await as(1).put(`${P}/${p.id}/waiting/${r.id}`).expect(200);
      expect(await memberIds(p.id, 'general')).toEqual([1, 2]);
      await as(1).delete(`${P}/${p.id}`).expect(200);
      expect(await memberIds(p.id, 'general')).toEqual([2]);
      expect(await memberIds(p.id, 'tactics')).toEqual([2]);
      await as(2).delete(`${P}/${p.id}`).expect(200);
      expect((await hive(t).get(channel(p.id, 'general')).expect(400)).body.code).toBe(201);
    });
  });
});
