import { PresenceService } from '../src/presence/presence.service.js';
import { useTestApp } from './support/test-app.js';
import { hive } from './support/http.js';

const base = '/api/v1/games/1';

/**
 * The channel limits of docs/chat-api.md under load: many requests fired at once, then the rows counted. Each
 * invariant is held by the database (row locks on the channel and the player's row, unique keys).
 */
describe('chat channels: limits hold under concurrency', () => {
  const t = useTestApp();

  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].n);
  const codes = (responses: { status: number; body: { code: number } }[]) => {
    const tally: Record<string, number> = {};
    for (const r of responses) tally[`${r.status}/${r.body.code}`] = (tally[`${r.status}/${r.body.code}`] ?? 0) + 1;
    return tally;
  };
  const create = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra });
  const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);
  const assertCountsExact = async () => {
    const drift = await count(
      `SELECT count(*) AS n FROM channels c
        WHERE c.member_count <> (SELECT count(*) FROM channel_members m WHERE m.game_index = c.game_index AND m.channel_id = c.channel_id)`,
    );
    expect(drift).toBe(0);
  };

  it('a channel never exceeds its capacity: 150 players enter a 20-seat channel at once', async () => {
    await create('arena', { maxMemberCount: 20 }).expect(200);
    const responses = await Promise.all(range(150).map((p) => hive(t).post(`${base}/channels/arena/enter`).send({ playerId: p })));
    expect(codes(responses)).toEqual({ '200/0': 20, '400/202': 130 });
    expect(await count(`SELECT count(*) AS n FROM channel_members WHERE channel_id = 'arena'`)).toBe(20);
    expect(await count(`SELECT member_count AS n FROM channels WHERE channel_id = 'arena'`)).toBe(20);
  });

  it('a PUBLIC channel under enters and exits at once keeps an exact member count', async () => {
    await create('plaza', { type: 'PUBLIC', maxMemberCount: 60 }).expect(200);
    const presence = t.app.get(PresenceService);
    for (const p of range(100)) await presence.markOnline(1, p, Date.now());
    await Promise.all(range(50).map((p) => hive(t).post(`${base}/channels/plaza/enter`).send({ playerId: p }).expect(200)));
    const responses = await Promise.all([
      ...range(50).map((p) => hive(t).post(`${base}/channels/plaza/exit`).send({ playerId: p })),
      ...range(50, 51).map((p) => hive(t).post(`${base}/channels/plaza/enter`).send({ playerId: p })),
    ]);
    expect(responses.filter((r) => r.status === 200).length).toBe(100);
    expect(await count(`SELECT member_count AS n FROM channels WHERE channel_id = 'plaza'`)).toBe(50);
    await assertCountsExact();
  });

  it('a player is never in more than 10 channels: one player enters 60 channels at once', async () => {
    await t.dataSource.query(
      `INSERT INTO channels (game_index, channel_id, type, channel_name, max_member_count) SELECT 1, 'room-' || i, 'GROUP', 'room', 50 FROM generate_series(1, 60) AS i`,
    );
    const responses = await Promise.all(range(60).map((i) => hive(t).post(`${base}/channels/room-${i}/enter`).send({ playerId: 77 })));
    expect(codes(responses)).toEqual({ '200/0': 10, '400/307': 50 });
    expect(await count(`SELECT count(*) AS n FROM channel_members WHERE player_id = 77`)).toBe(10);
    await assertCountsExact();
  });

  it('creating with playerId counts too: 50 creations by one player at once leave exactly 10 channels', async () => {
    const responses = await Promise.all(range(50).map((i) => create(`own-${i}`, { playerId: 88 })));
    expect(codes(responses)).toEqual({ '200/0': 10, '400/307': 40 });
    expect(await count(`SELECT count(*) AS n FROM channels WHERE owner_id = 88`)).toBe(10);
    expect(await count(`SELECT count(*) AS n FROM channel_members WHERE player_id = 88`)).toBe(10);
  });

  it('at most 200 ONE_ON_ONE channels: 60 pairs with one player at once from 170', async () => {
    await t.dataSource.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, pair_low, pair_high)
       SELECT 1, 'pair-' || i, 'ONE_ON_ONE', 5, '5&x', 2, 1, 5, 100000 + i FROM generate_series(1, 170) AS i`,
    );
    await t.dataSource.query(
      `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one) SELECT 1, 'pair-' || i, 5, true FROM generate_series(1, 170) AS i`,
    );
    const responses = await Promise.all(
      range(60, 1000).map((other) => hive(t).post(`${base}/channels/1on1`).send({ playerId: other, otherPlayerId: 5 })),
    );
    expect(codes(responses)).toEqual({ '200/0': 30, '400/307': 30 });
    expect(await count(`SELECT count(*) AS n FROM channel_members WHERE player_id = 5`)).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM channels WHERE type = 'ONE_ON_ONE'`)).toBe(200);
    await assertCountsExact();
  });

  it('one 1:1 channel per pair: 100 calls for the same pair (both orders, both paths) at once', async () => {
    const responses = await Promise.all(
      range(100).map((i) =>
        hive(t)
          .post(`${base}/${i % 2 ? 'channels' : 'channel'}/1on1`)
          .send(i % 3 ? { playerId: 11, otherPlayerId: 12 } : { playerId: 12, otherPlayerId: 11 }),
      ),
    );
    expect(codes(responses)).toEqual({ '200/0': 100 });
    expect(new Set(responses.map((r) => r.body.data.channelId)).size).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM channels`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM channel_members`)).toBe(2);
    expect(await count(`SELECT member_count AS n FROM channels`)).toBe(2);
  });

  it('a channelId is created once: 100 creations of one id at once → one 200/0, the rest 400/200', async () => {
    const responses = await Promise.all(range(100).map((i) => create('only-once', { playerId: i })));
    expect(codes(responses)).toEqual({ '200/0': 1, '400/200': 99 });
    expect(await count(`SELECT count(*) AS n FROM channels`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM channel_members`)).toBe(1);
    await assertCountsExact();
  });

  it('a block list never exceeds 100: 60 blocks at once from 80', async () => {
    await t.dataSource.query(
      `INSERT INTO channel_blocks (game_index, player_id, blocked_id) SELECT 1, 3, 10000 + i FROM generate_series(1, 80) AS i`,
    );
    const responses = await Promise.all(range(60, 500).map((b) => hive(t).post(`${base}/users/3/blocks/${b}`)));
    expect(codes(responses)).toEqual({ '200/0': 20, '400/304': 40 });
    expect(await count(`SELECT count(*) AS n FROM channel_blocks WHERE player_id = 3`)).toBe(100);
  });
});
