import { ChannelService } from '../src/channel/channel.service.js';
import { TokenService } from '../src/player/token.service.js';
import { useTestApp } from './support/test-app.js';
import { asPlayer } from './support/http.js';

const P = '/api/table/services/parties';
const ROUNDS = 3;

/**
 * Capacity under concurrency (the party rules of docs/party-api.md): requests fired at the same moment, rows counted
 * afterwards. Runs on the embedded database and, with DATABASE_URL, on PostgreSQL.
 */
describe('parties: capacity under concurrency', () => {
  let token: (playerId: number) => string;
  const t = useTestApp({
    ready: (app) => {
      const tokens = app.app.get(TokenService);
      token = (playerId) => tokens.issue({ gameIndex: 1, playerId }).token;
    },
  });

  async function counts(partyId: number) {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM party_members WHERE party_id = $1 AND status = 1) AS accepted,
              (SELECT count(*)::int FROM party_members WHERE party_id = $1 AND status = 0) AS waiting,
              (SELECT member_count FROM parties WHERE id = $1) AS member_count`,
      [partyId],
    );
    return row as { accepted: number; waiting: number; member_count: number };
  }

  it('200 players joining a public party of capacity 10 at once → exactly 10 Accepted', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = 1_000 + round;
      const party = (
        await asPlayer(t, token(owner))
          .post(P)
          .send({ data: { name: `rush ${round}`, max_member_count: 10, channels: ['general'] } })
          .expect(200)
      ).body.row;
      const players = Array.from({ length: 200 }, (_, i) => 10_000 * (round + 1) + i);
      const results = await Promise.all(
        players.map((id) =>
          asPlayer(t, token(id))
            .post(`${P}/${party.id}`)
            .send({ channels: ['general'] }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      const full = results.filter((r) => r.status === 409);
      expect(ok).toHaveLength(9);
      expect(full).toHaveLength(191);
      for (const r of full)
        expect(r.body).toEqual({
          msg: 'party is full',
          status: false,
          detail: `party ${party.id} is full (10/10 members)`,
          message: 'party is full',
        });
      expect(await counts(party.id)).toEqual({ accepted: 10, waiting: 0, member_count: 10 });
      expect(await t.app.get(ChannelService).memberIds(1, `party:${party.id}:general`)).toHaveLength(10);
    }
  });

  it('50 accepts racing on a private party → never above capacity, the refused stay Waiting', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const owner = 2_000 + round;
      const admins = [3_000 + round * 10, 3_001 + round * 10];
      const party = (
        await asPlayer(t, token(owner))
          .post(P)
          .send({ data: { name: `vip ${round}`, max_member_count: 10, is_private: true } })
          .expect(200)
      ).body.row;
      for (const admin of admins) {
        const req = (await asPlayer(t, token(admin)).post(`${P}/${party.id}`).send({}).expect(200)).body.row;
        await asPlayer(t, token(owner)).put(`${P}/${party.id}/waiting/${req.id}`).expect(200);
        await asPlayer(t, token(owner)).put(`${P}/${party.id}/members/${admin}`).send({ role: 2 }).expect(200);
      }
      const requesters = Array.from({ length: 50 }, (_, i) => 50_000 * (round + 1) + i);
      const requests = await Promise.all(
        requesters.map(async (id) => (await asPlayer(t, token(id)).post(`${P}/${party.id}`).send({}).expect(200)).body.row),
      );
      const managers = [owner, ...admins];
      const results = await Promise.all(
        requests.map((r, i) =>
          asPlayer(t, token(managers[i % managers.length]))
            .put(`${P}/${party.id}/waiting/${r.id}`)
            .send({}),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(7);
      expect(results.filter((r) => r.status === 409)).toHaveLength(43);
      expect(await counts(party.id)).toEqual({ accepted: 10, waiting: 43, member_count: 10 });
    }
  });
});
