import request from 'supertest';
import { useTestApp } from './support/test-app.js';

/**
 * Replays the request sequence of the DynamicPixels TypeScript SDK (reference section 8) with its
 * own body shapes and its lower-case `bearer` scheme, and checks the fields the SDK reads.
 */
describe('parties: the DynamicPixels TypeScript SDK request sequence', () => {
  const t = useTestApp();

  /** `Auth.LoginAsGuest({device_info: {device_id}})`: no Authorization header, reads token and user. */
  async function loginAsGuest(deviceId: string) {
    const res = await request(t.url)
      .post('/api/auth/guest')
      .send({ device_info: { device_id: deviceId } })
      .expect(200);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.user.id).toEqual(expect.any(Number));
    expect(res.body.connection.protocol).not.toBe('wss'); // else the SDK dials its hard-coded remote socket
    return { token: res.body.token as string, id: res.body.user.id as number };
  }

  const sdk = (token: string) => ({
    get: (path: string) => request(t.url).get(path).set('Authorization', `bearer ${token}`),
    post: (path: string, body: object) => request(t.url).post(path).set('Authorization', `bearer ${token}`).send(body),
    put: (path: string, body: object) => request(t.url).put(path).set('Authorization', `bearer ${token}`).send(body),
    delete: (path: string) => request(t.url).delete(path).set('Authorization', `bearer ${token}`),
  });
  const P = '/api/table/services/parties';

  it('guest login, create, join, members, waiting, accept', async () => {
    const a = await loginAsGuest('device-A');

    // Services.Party.CreateParty(CreatePartyParams): {data: {..., variables: {}}}; the SDK returns `row`.
    const created = await sdk(a.token)
      .post(P, {
        data: {
          name: 'Wolves',
          desc: 'pack',
          max_member_count: 10,
          is_private: false,
          teams: ['red', 'blue'],
          channels: ['general'],
          variables: {},
        },
      })
      .expect(200);
    const party = created.body.row;
    expect(party).toMatchObject({
      id: expect.any(Number),
      name: 'Wolves',
      desc: 'pack',
      max_member_count: 10,
      is_private: false,
      owner: a.id,
    });
    expect(JSON.parse(party.teams)).toEqual(['red', 'blue']);
    expect(JSON.parse(party.channels)).toEqual(['general']);
    expect(party.variables).toEqual({});

    const b = await loginAsGuest('device-B');
    // Services.Party.JoinToParty({partyId, team, channels}): the whole input is the body.
    const joined = await sdk(b.token)
      .post(`${P}/${party.id}`, { partyId: party.id, team: 'red', channels: ['general'] })
      .expect(200);
    expect(joined.body.row).toMatchObject({ party: party.id, player: b.id, role: 3, status: 1, team: 'red', channels: '["general"]' });

    // GetPartyMembers({partyId, skip: 0, limit: 25}) → `list` of RichPartyMember.
    const members = await sdk(b.token).get(`${P}/${party.id}/members?skip=0&limit=25`).expect(200);
    expect(members.body.totalCount).toBe(2);
    expect(members.body.list.map((m: { id: number; role: number }) => [m.id, m.role])).toEqual([
      [a.id, 1],
      [b.id, 3],
    ]);
    for (const m of members.body.list) {
      expect(m).toEqual(
        expect.objectContaining({
          name: expect.any(String),
          image: '',
          is_guest: true,
          status: 1,
          variables: {},
          team: expect.any(String),
          channels: expect.any(String),
        }),
      );
    }

    // GetParties: `?query=&skip=0&limit=25` with the class default, `?falseskip=0&limit=25` without query.
    const withQuery = await sdk(b.token).get(`${P}?query=&skip=0&limit=25`).expect(200);
    expect(withQuery.body.list.map((p: { id: number }) => p.id)).toEqual([party.id]);
    const noQuery = await sdk(b.token).get(`${P}?falseskip=0&limit=100`).expect(200);
    expect(noQuery.body.totalCount).toBe(1);
    const mine = await sdk(b.token).get(`${P}/me?skip=0&limit=25`).expect(200);
    expect(mine.body.list[0].id).toBe(party.id);

    // Private party: the request waits; GetPartyWaitingMembers then AcceptJoining with body {}.
    const vip = (
      await sdk(a.token)
        .post(`/game/1${P}`, {
          data: { name: 'VIP', desc: '', max_member_count: 5, is_private: true, teams: [], channels: [], variables: {} },
        })
        .expect(200)
    ).body.row;
    const c = await loginAsGuest('device-C');
    const d = await loginAsGuest('device-D');
    const reqC = (await sdk(c.token).post(`${P}/${vip.id}`, { partyId: vip.id, team: '', channels: [] }).expect(200)).body.row;
    expect(reqC).toMatchObject({ status: 0, player: c.id });
    const reqD = (await sdk(d.token).post(`${P}/${vip.id}`, { partyId: vip.id, team: '', channels: [] }).expect(200)).body.row;
    const waiting = await sdk(a.token).get(`${P}/${vip.id}/waiting?skip=0&limit=25`).expect(200);
    expect(waiting.body.list.map((m: { id: number; player: number }) => [m.id, m.player])).toEqual([
      [reqC.id, c.id],
      [reqD.id, d.id],
    ]);
    const accepted = await sdk(a.token).put(`${P}/${vip.id}/waiting/${reqC.id}`, {}).expect(200);
    expect(accepted.body.row).toMatchObject({ id: reqC.id, party: vip.id, player: c.id, status: 1 });
    // RejectJoining: DELETE, the SDK reads `row`.
    const rejected = await sdk(a.token).delete(`${P}/${vip.id}/waiting/${reqD.id}`).expect(200);
    expect(rejected.body.row).toMatchObject({ id: reqD.id, status: 0 });
    const vipMembers = await sdk(a.token).get(`${P}/${vip.id}/members?skip=0&limit=25`).expect(200);
    expect(vipMembers.body.list.map((m: { id: number }) => m.id)).toEqual([a.id, c.id]);

    // EditParty({partyId, party}) and LeaveParty (the SDK ignores the body).
    const edited = await sdk(a.token)
      .put(`${P}/${party.id}`, { partyId: party.id, party: { name: 'Wolves II', desc: 'pack', max_member_count: 12 } })
      .expect(200);
    expect(edited.body.row).toMatchObject({ name: 'Wolves II', max_member_count: 12 });
    await sdk(b.token).delete(`${P}/${party.id}`).expect(200);
  });

  it('a refused call answers {msg, status: false} with the strings the SDKs map', async () => {
    const a = await loginAsGuest('device-E');
    const res = await sdk(a.token).get(`${P}/123456`).expect(404);
    expect(res.body).toEqual({ msg: 'party notfound', status: false, detail: expect.any(String), message: 'party notfound' });
  });
});
