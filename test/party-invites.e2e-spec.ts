import request from 'supertest';
import { useTestApp } from './support/test-app.js';
import { asPlayer, playerToken } from './support/http.js';
import { WsClient, connectAll } from './support/ws-client.js';

const P = '/api/table/services/parties';
const dpError = (msg: string, detail: unknown = expect.any(String)) => ({ msg, status: false, detail, message: msg });

/** Party invites and members_can_invite (docs/party-api.md#invites): routes, errors, pushes, accept races. */
describe('parties: invites', () => {
  const t = useTestApp();
  const tokens = new Map<number, string>();
  const as = (id: number) => asPlayer(t, tokens.get(id)!);
  let clients: WsClient[] = [];

  beforeEach(async () => {
    for (const id of [1, 2, 3, 4, 5]) tokens.set(id, await playerToken(t, id));
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });

  async function connect(...ids: number[]): Promise<WsClient[]> {
    const list = await connectAll(t, ids);
    clients.push(...list);
    return list;
  }

  async function create(data: Record<string, unknown> = {}) {
    return (
      await as(1)
        .post(P)
        .send({ data: { name: 'Squad', max_member_count: 4, channels: ['general'], ...data } })
        .expect(200)
    ).body.row;
  }

  it('no credentials → 401 on every invite route', async () => {
    const routes: [string, string][] = [
      ['post', `${P}/1/invites`],
      ['get', `${P}/invites/me`],
      ['get', `${P}/1/invites`],
      ['put', `${P}/invites/1`],
      ['delete', `${P}/invites/1`],
    ];
    for (const [method, path] of routes) {
      const agent = request(t.url) as unknown as Record<string, (p: string) => request.Test>;
      expect((await agent[method](path).send({}).expect(401)).body).toEqual(dpError('invalid token'));
    }
  });

  it('invite → NOTIFY_PARTY_INVITE; listed for the invitee (with the Party) and the party; accept joins a private party', async () => {
    const party = await create({ is_private: true });
    const [owner, ann] = await connect(1, 2);
    const invite = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 2 }).expect(200)).body.row;
    expect(invite).toEqual({
      id: expect.any(Number),
      party: party.id,
      player: 2,
      inviter: 1,
      status: 0,
      created_at: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(Date.parse(invite.expires_at) - Date.parse(invite.created_at)).toBe(600_000);
    const pushed = await ann.nextNotify('NOTIFY_PARTY_INVITE');
    expect(pushed).toEqual({ partyId: party.id, inviteId: invite.id, playerId: 1, party: expect.objectContaining({ id: party.id }) });
    expect(pushed.party).not.toHaveProperty('code');

    const mine = (await as(2).get(`${P}/invites/me`).expect(200)).body;
    expect(mine.totalCount).toBe(1);
    expect(mine.list[0]).toMatchObject({ id: invite.id, party: { id: party.id, name: 'Squad', is_private: true }, status: 0 });
    expect(mine.list[0].party).not.toHaveProperty('code');
    expect((await as(1).get(`${P}/${party.id}/invites`).expect(200)).body).toEqual({ list: [invite], totalCount: 1 });

    const member = (
      await as(2)
        .put(`${P}/invites/${invite.id}`)
        .send({ channels: ['general'] })
        .expect(200)
    ).body.row;
    expect(member).toMatchObject({ party: party.id, player: 2, role: 3, status: 1, channels: '["general"]' });
    expect(await owner.nextNotify('NOTIFY_PARTY_INVITE_ANSWERED')).toEqual({
      partyId: party.id,
      inviteId: invite.id,
      playerId: 2,
      status: 1,
    });
    expect(await owner.nextNotify('NOTIFY_PARTY_MEMBER_JOINED')).toEqual({ partyId: party.id, playerId: 2, membershipId: member.id });
    expect(await ann.nextNotify('NOTIFY_PARTY_MEMBER_JOINED')).toMatchObject({ playerId: 2 });
    expect((await as(2).get(`${P}/invites/me`).expect(200)).body).toEqual({ list: [], totalCount: 0 });
    expect((await as(2).get(`${P}/${party.id}`).expect(200)).body.row).toMatchObject({ member_count: 2, code: party.code });
    expect((await as(2).put(`${P}/invites/${invite.id}`).send({}).expect(404)).body).toEqual(dpError('invite notfound'));
  });

  it('who may invite: Owner and Admins; Members only with members_can_invite', async () => {
    const party = await create();
    expect(party.members_can_invite).toBe(false);
    await as(2).post(`${P}/${party.id}`).send({}).expect(200);
    await as(3).post(`${P}/${party.id}`).send({}).expect(200);
    expect((await as(2).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(403)).body).toEqual(dpError('permission denied'));
    expect((await as(5).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(403)).body).toEqual(dpError('permission denied'));
    expect((await as(2).get(`${P}/${party.id}/invites`).expect(403)).body).toEqual(dpError('permission denied'));
    await as(1).put(`${P}/${party.id}/members/3`).send({ role: 2 }).expect(200);
    await as(3).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200);
    const edited = (
      await as(1)
        .put(`${P}/${party.id}`)
        .send({ data: { members_can_invite: true } })
        .expect(200)
    ).body.row;
    expect(edited.members_can_invite).toBe(true);
    await as(2).post(`${P}/${party.id}/invites`).send({ player: 5 }).expect(200);
    const other = (
      await as(1)
        .post(P)
        .send({ data: { name: 'Open', max_member_count: 3, members_can_invite: true } })
        .expect(200)
    ).body.row;
    expect(other.members_can_invite).toBe(true);
  });

  it('invite errors: unknown player 404, member or waiting 409, pending invite 409, bad body 400, unknown party 404', async () => {
    const party = await create({ is_private: true });
    await as(3).post(`${P}/${party.id}`).send({}).expect(200);
    const inv = (path: string, body: object) => as(1).post(path).send(body);
    expect((await inv(`${P}/${party.id}/invites`, { player: 999 }).expect(404)).body).toEqual(dpError('user notfound'));
    expect((await inv(`${P}/${party.id}/invites`, { player: 1 }).expect(409)).body).toEqual(dpError('membership is already exist'));
    expect((await inv(`${P}/${party.id}/invites`, { player: 3 }).expect(409)).body).toEqual(dpError('membership is already exist'));
    await inv(`${P}/${party.id}/invites`, { player: 2 }).expect(200);
    expect((await inv(`${P}/${party.id}/invites`, { player: 2 }).expect(409)).body).toEqual(dpError('invite is already exist'));
    expect((await inv(`${P}/${party.id}/invites`, { player: 'x' }).expect(400)).body).toEqual(dpError('payload is not valid'));
    expect((await inv(`${P}/${party.id}/invites`, {}).expect(400)).body).toEqual(dpError('payload is not valid'));
    expect((await inv(`${P}/99999/invites`, { player: 2 }).expect(404)).body).toEqual(dpError('party notfound'));
  });

  it('accept: a Waiting request is converted; full → 409 and the invite stays pending; someone else’s or expired → 404', async () => {
    const party = await create({ is_private: true, max_member_count: 2 });
    await as(2).post(`${P}/${party.id}`).send({}).expect(200);
    const forAnn = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 2 }).expect(409)).body;
    expect(forAnn).toEqual(dpError('membership is already exist'));
    // A waiting request blocks an invite; an accepted invite converts a request made afterwards.
    await as(2).delete(`${P}/${party.id}`).expect(200);
    const invite = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 2 }).expect(200)).body.row;
    await as(2).post(`${P}/${party.id}`).send({}).expect(200);
    expect((await as(3).put(`${P}/invites/${invite.id}`).send({}).expect(404)).body).toEqual(dpError('invite notfound'));
    const converted = (await as(2).put(`${P}/invites/${invite.id}`).send({}).expect(200)).body.row;
    expect(converted).toMatchObject({ player: 2, status: 1 });
    expect((await as(1).get(`${P}/${party.id}/waiting`).expect(200)).body.totalCount).toBe(0);

    // Full: refused, still pending.
    await as(2).delete(`${P}/${party.id}`).expect(200);
    const toBob = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 3 }).expect(200)).body.row;
    const toCid = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200)).body.row;
    await as(3).put(`${P}/invites/${toBob.id}`).send({}).expect(200);
    expect((await as(4).put(`${P}/invites/${toCid.id}`).send({}).expect(409)).body).toEqual(dpError('party is full'));
    expect((await as(4).get(`${P}/invites/me`).expect(200)).body.list.map((i: { id: number }) => i.id)).toEqual([toCid.id]);

    // Expired: no longer listed, cannot be answered, does not block a new invite.
    await t.dataSource.query(`UPDATE party_invites SET expires_at = now() - interval '1 second' WHERE id = $1`, [toCid.id]);
    expect((await as(4).get(`${P}/invites/me`).expect(200)).body).toEqual({ list: [], totalCount: 0 });
    expect((await as(4).put(`${P}/invites/${toCid.id}`).send({}).expect(404)).body).toEqual(dpError('invite notfound'));
    expect((await as(4).delete(`${P}/invites/${toCid.id}`).expect(404)).body).toEqual(dpError('invite notfound'));
    await as(1).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200);
    expect((await as(4).put(`${P}/invites/99999`).send({}).expect(404)).body).toEqual(dpError('invite notfound'));
    expect((await as(4).put(`${P}/invites/abc`).send({}).expect(400)).body).toEqual(dpError('payload is not valid'));
  });

  it('decline tells the inviter; cancel (inviter, Owner or Admin) tells the invitee; anyone else 403; answered 404', async () => {
    const party = await create({ members_can_invite: true });
    await as(2).post(`${P}/${party.id}`).send({}).expect(200);
    const [owner, ann, bob, cid] = await connect(1, 2, 3, 4);
    const toBob = (await as(2).post(`${P}/${party.id}/invites`).send({ player: 3 }).expect(200)).body.row;
    expect(toBob.inviter).toBe(2);
    await bob.nextNotify('NOTIFY_PARTY_INVITE');
    expect((await as(4).delete(`${P}/invites/${toBob.id}`).expect(403)).body).toEqual(dpError('permission denied'));
    const declined = (await as(3).delete(`${P}/invites/${toBob.id}`).expect(200)).body.row;
    expect(declined).toMatchObject({ id: toBob.id, status: 2 });
    expect(await ann.nextNotify('NOTIFY_PARTY_INVITE_ANSWERED')).toEqual({ partyId: party.id, inviteId: toBob.id, playerId: 3, status: 2 });
    expect((await as(3).delete(`${P}/invites/${toBob.id}`).expect(404)).body).toEqual(dpError('invite notfound'));

    const toCid = (await as(2).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200)).body.row;
    const canceled = (await as(2).delete(`${P}/invites/${toCid.id}`).expect(200)).body.row;
    expect(canceled).toMatchObject({ id: toCid.id, status: 3 });
    expect(await cid.nextNotify('NOTIFY_PARTY_INVITE_CANCELED')).toEqual({ partyId: party.id, inviteId: toCid.id });

    const again = (await as(2).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200)).body.row;
    expect((await as(1).delete(`${P}/invites/${again.id}`).expect(200)).body.row.status).toBe(3);
    await cid.nextNotify('NOTIFY_PARTY_INVITE_CANCELED', (b) => b.inviteId === again.id);
    await owner.flush();
    expect(owner.pending('NOTIFY_PARTY_INVITE_ANSWERED')).toEqual([]);
  });

  it('20 invitees accepting at once into 5 free places → exactly 5 Accepted, the others refused and still pending', async () => {
    for (let round = 0; round < 2; round++) {
      const party = await create({ name: `rush ${round}`, max_member_count: 6, is_private: true });
      const ids = Array.from({ length: 20 }, (_, i) => 100 + round * 100 + i);
      const toks = await Promise.all(ids.map((id) => playerToken(t, id)));
      const invites = [];
      for (const id of ids) invites.push((await as(1).post(`${P}/${party.id}/invites`).send({ player: id }).expect(200)).body.row);
      const results = await Promise.all(invites.map((inv, i) => asPlayer(t, toks[i]).put(`${P}/invites/${inv.id}`).send({})));
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      for (const r of results.filter((r) => r.status !== 200)) expect(r.body).toEqual(dpError('party is full'));
      const [row] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM party_members WHERE party_id = $1 AND status = 1) AS accepted,
                (SELECT member_count FROM parties WHERE id = $1) AS member_count,
                (SELECT count(*)::int FROM party_invites WHERE party_id = $1 AND status = 1) AS invites_accepted,
                (SELECT count(*)::int FROM party_invites WHERE party_id = $1 AND status = 0) AS invites_pending`,
        [party.id],
      );
      expect(row).toEqual({ accepted: 6, member_count: 6, invites_accepted: 5, invites_pending: 15 });
    }
  });

  it('disbanding the party takes its invites with it', async () => {
    const party = await create();
    const invite = (await as(1).post(`${P}/${party.id}/invites`).send({ player: 2 }).expect(200)).body.row;
    await as(1).post(`${P}/${party.id}/disband`).expect(200);
    expect((await as(2).get(`${P}/invites/me`).expect(200)).body).toEqual({ list: [], totalCount: 0 });
    expect((await as(2).put(`${P}/invites/${invite.id}`).send({}).expect(404)).body).toEqual(dpError('invite notfound'));
  });
});
