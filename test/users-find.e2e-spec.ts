import request from 'supertest';
import { SERVER_KEY, SERVER_KEY_2, useTestApp } from './support/test-app.js';
import { asPlayer } from './support/http.js';

/** `POST /api/table/services/users/find`, as the TypeScript SDK's FindUsers calls it. */
describe('users/find', () => {
  const t = useTestApp();
  let token: string;

  const FIND = '/api/table/services/users/find';
  const dpError = (msg: string, detail: string) => ({ msg, status: false, detail, message: msg });

  /** Issues a token through the server API, which also creates the profile. */
  async function issue(gameIndex: number, playerId: number, fields: Record<string, string> = {}): Promise<string> {
    const res = await request(t.url)
      .post(`/api/v1/games/${gameIndex}/users/token`)
      .set('Authorization', `Bearer ${gameIndex === 1 ? SERVER_KEY : SERVER_KEY_2}`)
      .send({ playerId, ...fields })
      .expect(200);
    return res.body.data.token as string;
  }

  const find = (body: unknown, as = token) =>
    asPlayer(t, as)
      .post(FIND)
      .send(body as object);
  const ids = async (body: unknown, as = token): Promise<number[]> => {
    const res = await find(body, as).expect(200);
    expect(res.body.totalCount).toBeGreaterThanOrEqual(res.body.list.length);
    return res.body.list.map((u: { id: number }) => u.id);
  };

  beforeEach(async () => {
    // Created one after the other: a later id is a newer user.
    token = await issue(1, 101, { name: 'Ann Archer', username: 'ann', label: 'gold', tags: '["pvp","eu"]' });
    await issue(1, 102, { name: 'Bob', username: 'bobby', label: 'Gold-Elite', tags: '["pve"]' });
    await issue(1, 103, { name: '100% sure', username: 'snake_case', label: 'back\\slash', tags: 'a_b' });
    await issue(1, 104, { name: '100 percent', username: 'snakeXcase', label: 'backXslash', tags: 'axb' });
    await issue(2, 201, { name: 'Ann Other', username: 'ann', label: 'gold', tags: '["pvp"]' });
  });

  it('finds by each field and returns the DynamicPixels user object', async () => {
    const byId = await find({ query: { id: 101 } }).expect(200);
    expect(byId.body).toEqual({
      list: [
        {
          id: 101,
          name: 'Ann Archer',
          email: '',
          phone_number: '',
          image: '',
          username: 'ann',
          label: 'gold',
          tags: '["pvp","eu"]',
          is_ban: false,
          is_tester: false,
          is_guest: false,
          first_login: expect.any(String),
          last_login: expect.any(String),
        },
      ],
      totalCount: 1,
    });
    // The TS SDK's query is a Map<string, string>: the id arrives as text.
    expect(await ids({ query: { id: '102' } })).toEqual([102]);
    expect(await ids({ query: { id: 10 } })).toEqual([]);
    expect(await ids({ query: { name: 'aNN' } })).toEqual([101]);
    expect(await ids({ query: { username: 'BOB' } })).toEqual([102]);
    expect(await ids({ query: { label: 'GOLD' } })).toEqual([102, 101]);
    expect(await ids({ query: { tags: 'pv' } })).toEqual([102, 101]);
    expect(await ids({ query: { tags: '"pvp"' } })).toEqual([101]);
  });

  it('requires every given field to match', async () => {
    expect(await ids({ query: { label: 'gold', tags: 'pve' } })).toEqual([102]);
    expect(await ids({ query: { name: 'ann', username: 'bob' } })).toEqual([]);
    expect(await ids({ query: { id: 101, label: 'gold' } })).toEqual([101]);
    expect(await ids({ query: { id: 101, label: 'elite' } })).toEqual([]);
    // null means absent; unknown keys are ignored.
    expect(await ids({ query: { label: 'gold', name: null, id: null, email: 'x@y' }, skip: null, limit: null })).toEqual([102, 101]);
  });

  it('takes %, _ and \\ in the text literally', async () => {
    expect(await ids({ query: { name: '%' } })).toEqual([103]);
    expect(await ids({ query: { name: '0% s' } })).toEqual([103]);
    expect(await ids({ query: { username: 'e_c' } })).toEqual([103]);
    expect(await ids({ query: { tags: '_' } })).toEqual([103]);
    expect(await ids({ query: { label: '\\' } })).toEqual([103]);
    expect(await ids({ query: { label: 'k\\s' } })).toEqual([103]);
  });

  it('pages newest first: skip 0 and limit 50 by default, limit above 100 served as 100', async () => {
    // 120 more users of game 1 with the label "bulk", ids 1001..1120 created in that order.
    await t.dataSource.query(
      `INSERT INTO players (game_index, id, name, label, created_at)
       SELECT 1, 1000 + n, 'bulk ' || n, 'bulk', now() - interval '1 hour' + n * interval '1 second' FROM generate_series(1, 120) AS n`,
    );
    const newestFirst = Array.from({ length: 120 }, (_, i) => 1120 - i);
    const first = await find({ query: { label: 'bulk' } }).expect(200);
    expect(first.body.totalCount).toBe(120);
    expect(first.body.list.map((u: { id: number }) => u.id)).toEqual(newestFirst.slice(0, 50));
    const page = await find({ query: { label: 'bulk' }, skip: 10, limit: 5 }).expect(200);
    expect(page.body).toEqual({ list: expect.any(Array), totalCount: 120 });
    expect(page.body.list.map((u: { id: number }) => u.id)).toEqual(newestFirst.slice(10, 15));
    const capped = await find({ query: { label: 'bulk' }, limit: 500 }).expect(200);
    expect(capped.body.list.map((u: { id: number }) => u.id)).toEqual(newestFirst.slice(0, 100));
    const tail = await find({ query: { label: 'bulk' }, skip: 110, limit: 100 }).expect(200);
    expect(tail.body.list.map((u: { id: number }) => u.id)).toEqual(newestFirst.slice(110));
    const beyond = await find({ query: { label: 'bulk' }, skip: 500 }).expect(200);
    expect(beyond.body).toEqual({ list: [], totalCount: 120 });
    const none = await find({ query: { label: 'bulk' }, limit: 0 }).expect(200);
    expect(none.body).toEqual({ list: [], totalCount: 120 });
  });

  it('answers 401 without credentials', async () => {
    const res = await request(t.url)
      .post(FIND)
      .send({ query: { name: 'ann' } })
      .expect(401);
    expect(res.body).toEqual(dpError('invalid token', 'Authorization header must be "Bearer <player token>"'));
  });

  it('refuses an empty query and bad values with 400 payload is not valid', async () => {
    const empty = dpError('payload is not valid', 'query must give at least one of id, name, username, label, tags');
    const emptyQueries = [
      {},
      { query: {} },
      { query: null },
      { query: { email: 'a@b', phone_number: '1' } },
      { query: { name: null } },
      { skip: 0, limit: 10 },
    ];
    for (const body of emptyQueries) {
      expect((await find(body).expect(400)).body).toEqual(empty);
    }
    const bad: [unknown, string][] = [
      [{ query: 'ann' }, 'query must be an object'],
      [{ query: ['ann'] }, 'query must be an object'],
      [{ query: { id: 'abc' } }, 'query.id must be an integer'],
      [{ query: { id: 0 } }, 'query.id must be at least 1'],
      [{ query: { name: 5 } }, 'query.name must be a string'],
      [{ query: { name: '' } }, 'query.name must be 1-100 characters'],
      [{ query: { tags: 'x'.repeat(501) } }, 'query.tags must be 1-500 characters'],
      [{ query: { name: 'ann' }, skip: -1 }, 'skip must be between 0 and 2147483647'],
      [{ query: { name: 'ann' }, limit: 'ten' }, 'limit must be an integer'],
    ];
    for (const [body, detail] of bad) {
      expect((await find(body).expect(400)).body).toEqual(dpError('payload is not valid', detail));
    }
  });

  it("never shows another game's users", async () => {
    expect(await ids({ query: { name: 'ann' } })).toEqual([101]);
    expect(await ids({ query: { id: 201 } })).toEqual([]);
    const other = await issue(2, 202, { name: 'Zed' });
    expect(await ids({ query: { label: 'gold' } }, other)).toEqual([201]);
    expect(await ids({ query: { id: 101 } }, other)).toEqual([]);
    // Under a /game/{n} prefix the path's game must be the token's.
    expect(
      (
        await asPlayer(t, other)
          .post(`/game/2${FIND}`)
          .send({ query: { username: 'ann' } })
          .expect(200)
      ).body.list[0].id,
    ).toBe(201);
    await asPlayer(t, other)
      .post(`/game/1${FIND}`)
      .send({ query: { username: 'ann' } })
      .expect(403);
  });
});
