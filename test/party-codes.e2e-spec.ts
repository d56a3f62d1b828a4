import request from 'supertest';
import { useTestApp } from './support/test-app.js';
import { asPlayer, playerToken } from './support/http.js';

const P = '/api/table/services/parties';
const CODE = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/;
const dpError = (msg: string, detail: unknown = expect.any(String)) => ({ msg, status: false, detail, message: msg });

/** Join codes (docs/party-api.md#join-codes): shown to members only, joined case-insensitively, regenerated on demand. */
describe('parties: join codes', () => {
  const t = useTestApp();
  const tokens = new Map<number, string>();
  const as = (id: number) => asPlayer(t, tokens.get(id)!);

  beforeEach(async () => {
    for (const id of [1, 2, 3, 4]) tokens.set(id, await playerToken(t, id));
  });

  async function create(data: Record<string, unknown> = {}) {
    return (
      await as(1)
        .post(P)
        .send({ data: { name: 'Squad', max_member_count: 3, channels: ['general'], ...data } })
        .expect(200)
    ).body.row;
  }

  it('gives every party a code, shown to Accepted members only (create, get, edit, my parties)', async () => {
    const party = await create();
    expect(party.code).toMatch(CODE);
    expect((await as(1).get(`${P}/${party.id}`).expect(200)).body.row.code).toBe(party.code);
    expect((await as(2).get(`${P}/${party.id}`).expect(200)).body.row).not.toHaveProperty('code');
    expect((await as(1).get(P).expect(200)).body.list[0]).not.toHaveProperty('code');
    expect((await as(1).get(`${P}/me`).expect(200)).body.list[0].code).toBe(party.code);
    const edited = (
      await as(1)
        .put(`${P}/${party.id}`)
        .send({ data: { desc: 'x' } })
        .expect(200)
    ).body.row;
    expect(edited.code).toBe(party.code);
    const second = await create({ name: 'Other' });
    expect(second.code).not.toBe(party.code);
  });

  it('POST /join: case-insensitive; a private party admits at once; a Waiting request is converted', async () => {
    const party = await create({ is_private: true });
    await as(3).post(`${P}/${party.id}`).send({}).expect(200);
    const joined = (
      await as(2)
        .post(`${P}/join`)
        .send({ code: party.code.toLowerCase(), channels: ['general'] })
        .expect(200)
    ).body.row;
    expect(joined).toMatchObject({ party: party.id, player: 2, role: 3, status: 1, channels: '["general"]' });
    const converted = (await as(3).post(`${P}/join`).send({ code: party.code }).expect(200)).body.row;
    expect(converted).toMatchObject({ party: party.id, player: 3, status: 1 });
    const row = (await as(2).get(`${P}/${party.id}`).expect(200)).body.row;
    expect(row.member_count).toBe(3);
    expect(row.code).toBe(party.code);
  });

  it('POST /join errors: unknown code 404, member 409, full 409, bad body 400, no credentials 401', async () => {
    const party = await create({ max_member_count: 2 });
    expect((await as(2).post(`${P}/join`).send({ code: 'ZZZZZZ' }).expect(404)).body).toEqual(dpError('party notfound'));
    expect((await as(2).post(`${P}/join`).send({}).expect(400)).body).toEqual(dpError('payload is not valid'));
    expect((await as(2).post(`${P}/join`).send({ code: party.code, team: 'nope' }).expect(400)).body).toEqual(dpError('team is not valid'));
    expect((await as(1).post(`${P}/join`).send({ code: party.code }).expect(409)).body).toEqual(dpError('membership is already exist'));
    await as(2).post(`${P}/join`).send({ code: party.code }).expect(200);
    expect((await as(3).post(`${P}/join`).send({ code: party.code }).expect(409)).body).toEqual(dpError('party is full'));
    expect((await request(t.url).post(`${P}/join`).send({ code: party.code }).expect(401)).body).toEqual(dpError('invalid token'));
  });

  it('POST /{partyId}/code: Owner/Admin get a new code, the old one stops working; others 403', async () => {
    const party = await create();
    await as(2).post(`${P}/join`).send({ code: party.code }).expect(200);
    expect((await as(2).post(`${P}/${party.id}/code`).expect(403)).body).toEqual(dpError('permission denied'));
    const renewed = (await as(1).post(`${P}/${party.id}/code`).expect(200)).body.row;
    expect(renewed.code).toMatch(CODE);
    expect(renewed.code).not.toBe(party.code);
    expect((await as(3).post(`${P}/join`).send({ code: party.code }).expect(404)).body).toEqual(dpError('party notfound'));
    await as(3).post(`${P}/join`).send({ code: renewed.code }).expect(200);
    expect((await as(1).post(`${P}/999/code`).expect(404)).body).toEqual(dpError('party notfound'));
    expect((await request(t.url).post(`${P}/${party.id}/code`).expect(401)).body).toEqual(dpError('invalid token'));
  });

  it('code joins racing normal joins for the last places never go over capacity', async () => {
    for (let round = 0; round < 3; round++) {
      const party = await create({ name: `race ${round}`, max_member_count: 4 });
      const ids = Array.from({ length: 16 }, (_, i) => 100 + round * 100 + i);
      const toks = await Promise.all(ids.map((id) => playerToken(t, id)));
      const results = await Promise.all(
        toks.map((tok, i) =>
          i % 2 === 0 ? asPlayer(t, tok).post(`${P}/join`).send({ code: party.code }) : asPlayer(t, tok).post(`${P}/${party.id}`).send({}),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      for (const r of results.filter((r) => r.status !== 200)) expect(r.body).toEqual(dpError('party is full'));
      const [row] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM party_members WHERE party_id = $1 AND status = 1) AS accepted,
                (SELECT member_count FROM parties WHERE id = $1) AS member_count`,
        [party.id],
      );
      expect(row).toEqual({ accepted: 4, member_count: 4 });
    }
  });
});
