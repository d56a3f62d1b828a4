import request from 'supertest';
import { PurgeService } from '../src/channel/purge.service.js';
import { useTestApp } from './support/test-app.js';
import { asPlayer, playerToken } from './support/http.js';
import { WsClient, closeClients, connectAll } from './support/ws-client.js';

const P = '/api/table/services/parties';
const dpError = (msg: string, detail: unknown = expect.any(String)) => ({ msg, status: false, detail, message: msg });

/** Ready checks (docs/party-api.md#ready-checks): routes, errors, every push, the ends (answers, departures, deletion, timeout). */
describe('parties: ready checks', () => {
  const t = useTestApp();
  const tokens = new Map<number, string>();
  const as = (id: number) => asPlayer(t, tokens.get(id)!);
  const clients: WsClient[] = [];

  beforeEach(async () => {
    for (const id of [1, 2, 3, 4]) tokens.set(id, await playerToken(t, id));
  });
  afterEach(async () => {
    await closeClients(t, clients.splice(0));
  });

  async function connect(...ids: number[]): Promise<WsClient[]> {
    const list = await connectAll(t, ids);
    clients.push(...list);
    return list;
  }

  /** A party of players 1 (Owner), 2 and 3. */
  async function party3() {
    const party = (
      await as(1)
        .post(P)
        .send({ data: { name: 'Raid', max_member_count: 5 } })
        .expect(200)
    ).body.row;
    await as(2).post(`${P}/${party.id}`).send({}).expect(200);
    await as(3).post(`${P}/${party.id}`).send({}).expect(200);
    return party;
  }

  it('no credentials → 401 on every ready-check route', async () => {
    for (const method of ['post', 'put', 'get'] as const) {
      const res = await request(t.url)[method](`${P}/1/ready-check`).send({}).expect(401);
      expect(res.body).toEqual(dpError('invalid token'));
    }
  });

  it('start → NOTIFY_PARTY_READY_CHECK; answers → NOTIFY_PARTY_READY_UPDATE; all ready → ready, DONE once', async () => {
    const party = await party3();
    const [owner, ann, bob] = await connect(1, 2, 3);
    const started = (await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200)).body.row;
    expect(started).toEqual({
      id: expect.any(Number),
      party: party.id,
      started_by: 1,
      status: 'running',
      created_at: expect.any(String),
      expires_at: expect.any(String),
      players: [
        { player: 1, ready: true },
        { player: 2, ready: null },
        { player: 3, ready: null },
      ],
    });
    expect(Date.parse(started.expires_at) - Date.parse(started.created_at)).toBe(30_000);
    for (const c of [owner, ann, bob])
      expect(await c.nextNotify('NOTIFY_PARTY_READY_CHECK')).toEqual({ partyId: party.id, readyCheck: started });
    expect((await as(2).get(`${P}/${party.id}/ready-check`).expect(200)).body.row).toEqual(started);

    const half = (await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(200)).body.row;
    expect(half).toMatchObject({ status: 'running', players: [{ ready: true }, { ready: true }, { ready: null }] });
    for (const c of [owner, ann, bob])
      expect(await c.nextNotify('NOTIFY_PARTY_READY_UPDATE')).toEqual({ partyId: party.id, playerId: 2, ready: true });

    const done = (await as(3).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(200)).body.row;
    expect(done).toMatchObject({ id: started.id, status: 'ready', players: [{ ready: true }, { ready: true }, { ready: true }] });
    for (const c of [owner, ann, bob]) {
      expect(await c.nextNotify('NOTIFY_PARTY_READY_UPDATE', (b) => b.playerId === 3)).toEqual({
        partyId: party.id,
        playerId: 3,
        ready: true,
      });
      expect(await c.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual({ partyId: party.id, readyCheck: done });
    }
    expect((await as(1).get(`${P}/${party.id}/ready-check`).expect(200)).body.row).toEqual(done);
    expect((await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(404)).body).toEqual(
      dpError('ready check notfound'),
    );
    await Promise.all([owner.flush(), ann.flush(), bob.flush()]);
    for (const c of [owner, ann, bob]) expect(c.pending('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual([]);
  });

  it('errors: 409 while one runs, 403 for Members, 404 none/no player, 400 bad bodies, 404 unknown party', async () => {
    const party = await party3();
    expect((await as(1).get(`${P}/${party.id}/ready-check`).expect(404)).body).toEqual(dpError('ready check notfound'));
    expect((await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(404)).body).toEqual(
      dpError('ready check notfound'),
    );
    expect((await as(2).post(`${P}/${party.id}/ready-check`).send({}).expect(403)).body).toEqual(dpError('permission denied'));
    for (const timeout of [4, 301, 'x', 5.5]) {
      const res = await as(1).post(`${P}/${party.id}/ready-check`).send({ timeout }).expect(400);
      expect(res.body).toEqual(dpError('payload is not valid'));
    }
    await as(1).post(`${P}/${party.id}/ready-check`).send({ timeout: 300 }).expect(200);
    expect((await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(409)).body).toEqual(dpError('ready check is already running'));
    expect((await as(2).put(`${P}/${party.id}/ready-check`).send({}).expect(400)).body).toEqual(dpError('payload is not valid'));
    expect((await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: 'yes' }).expect(400)).body).toEqual(
      dpError('payload is not valid'),
    );
    // Joined after the start: not among the players.
    await as(4).post(`${P}/${party.id}`).send({}).expect(200);
    expect((await as(4).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(404)).body).toEqual(
      dpError('membership notfound'),
    );
    expect((await as(1).post(`${P}/99999/ready-check`).send({}).expect(404)).body).toEqual(dpError('party notfound'));
    expect((await as(1).get(`${P}/99999/ready-check`).expect(404)).body).toEqual(dpError('party notfound'));
  });

  it('the first false declines it; a one-member party is ready at once', async () => {
    const party = await party3();
    const [owner] = await connect(1);
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
    const declined = (await as(3).put(`${P}/${party.id}/ready-check`).send({ ready: false }).expect(200)).body.row;
    expect(declined).toMatchObject({ status: 'declined', players: [{ ready: true }, { ready: null }, { ready: false }] });
    expect(await owner.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual({ partyId: party.id, readyCheck: declined });

    const solo = (
      await as(4)
        .post(P)
        .send({ data: { name: 'Solo', max_member_count: 2 } })
        .expect(200)
    ).body.row;
    const alone = (await as(4).post(`${P}/${solo.id}/ready-check`).send({ timeout: 5 }).expect(200)).body.row;
    expect(alone).toMatchObject({ status: 'ready', players: [{ player: 4, ready: true }] });
  });

  it('a member who leaves or is kicked drops out (the rest all ready → ready); disbanding cancels', async () => {
    const party = await party3();
    const [owner, ann] = await connect(1, 2);
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
    await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(200);
    await as(1).delete(`${P}/${party.id}/members/3`).expect(200);
    const done = await owner.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE');
    expect(done.readyCheck).toMatchObject({
      status: 'ready',
      players: [
        { player: 1, ready: true },
        { player: 2, ready: true },
      ],
    });
    expect(await ann.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual(done);

    await as(3).post(`${P}/${party.id}`).send({}).expect(200);
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
    await as(3).delete(`${P}/${party.id}`).expect(200);
    expect((await as(1).get(`${P}/${party.id}/ready-check`).expect(200)).body.row).toMatchObject({
      status: 'running',
      players: [{ player: 1 }, { player: 2 }],
    });
    await as(1).post(`${P}/${party.id}/disband`).expect(200);
    for (const c of [owner, ann]) {
      const canceled = await c.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE', (b) => b.readyCheck.status === 'canceled');
      expect(canceled).toMatchObject({ partyId: party.id, readyCheck: { status: 'canceled' } });
    }
  });

  it('times out at expires_at (within 2 s), DONE once; a new check may start after', async () => {
    const party = await party3();
    const [owner, ann] = await connect(1, 2);
    const started = (await as(1).post(`${P}/${party.id}/ready-check`).send({ timeout: 5 }).expect(200)).body.row;
    const done = await owner.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE', () => true, 9_000);
    const late = Date.now() - Date.parse(started.expires_at);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(2_000);
    expect(done).toEqual({ partyId: party.id, readyCheck: { ...started, status: 'timeout' } });
    expect(await ann.nextNotify('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual(done);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // two more sweeps
    await Promise.all([owner.flush(), ann.flush()]);
    expect(owner.pending('NOTIFY_PARTY_READY_CHECK_DONE')).toEqual([]);
    expect((await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: true }).expect(404)).body).toEqual(
      dpError('ready check notfound'),
    );
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
  }, 20_000);

  it('the purge deletes invites and ended ready checks older than a day', async () => {
    const party = await party3();
    await as(1).post(`${P}/${party.id}/invites`).send({ player: 4 }).expect(200);
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
    await as(2).put(`${P}/${party.id}/ready-check`).send({ ready: false }).expect(200);
    await as(1).post(`${P}/${party.id}/ready-check`).send({}).expect(200);
    const count = async () =>
      (
        await t.dataSource.query(
          `SELECT (SELECT count(*)::int FROM party_invites) AS invites, (SELECT count(*)::int FROM party_ready_checks) AS checks`,
        )
      )[0];
    await t.app.get(PurgeService).runOnce();
    expect(await count()).toEqual({ invites: 1, checks: 2 });
    await t.dataSource.query(`UPDATE party_invites SET created_at = now() - interval '25 hours'`);
    await t.dataSource.query(`UPDATE party_ready_checks SET finished_at = now() - interval '25 hours' WHERE status <> 'running'`);
    await t.app.get(PurgeService).runOnce();
    expect(await count()).toEqual({ invites: 0, checks: 1 });
  });
});
