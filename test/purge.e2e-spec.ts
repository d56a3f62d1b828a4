import { PURGE_LOCK_KEY, PurgeService } from '../src/channel/purge.service.js';
import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events.js';
import { type TestApp, startTestApp, useTestApp } from './support/test-app.js';
import { hive } from './support/http.js';

const base = '/api/v1/games/1';
type Deleted = DomainEventMap['channel.deleted'];
const realPostgres = Boolean(process.env.DATABASE_URL);

const count = async (t: TestApp, sql: string) => Number((await t.dataSource.query(sql))[0].n);
const deletedEvents = (t: TestApp) => {
  const seen: Deleted[] = [];
  t.app.get(DomainEvents).subscribe('channel.deleted', (e) => void seen.push(e));
  return seen;
};

/** SQL: the first message id of the millisecond `time` (an SQL timestamptz): ids carry their time (src/realtime/chat/message-id.ts). */
const idAt = (time: string) => `((floor(extract(epoch FROM ${time}) * 1000)::bigint - ${Date.UTC(2025, 0, 1)}) << 22)`;

/** `n` player-owned channels nobody is in (what the purge removes), named prefix-1..n. */
async function seedEmptyOwned(t: TestApp, prefix: string, n: number): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count)
     SELECT 1, $1::text || i, 'GROUP', 500 + i, 'empty', 10 FROM generate_series(1, $2) AS i`,
    [prefix, n],
  );
}

describe('purge job', () => {
  describe('scheduled every PURGE_INTERVAL', () => {
    const t = useTestApp({ env: { PURGE_INTERVAL: '1' } });

    it('removes an empty player-owned channel within one interval; SYSTEM and occupied channels stay', async () => {
      await hive(t).post(`${base}/channel`).send({ channelId: 'sys', channelName: 'sys', maxMemberCount: 5, type: 'GROUP' }).expect(200);
      await hive(t)
        .post(`${base}/channel`)
        .send({ channelId: 'busy', channelName: 'busy', maxMemberCount: 5, type: 'GROUP', playerId: 2 })
        .expect(200);
      await hive(t)
        .post(`${base}/channel`)
        .send({ channelId: 'mine', channelName: 'mine', maxMemberCount: 5, type: 'GROUP', playerId: 1 })
        .expect(200);
      const gone = new Promise<Deleted>((resolve) => {
        t.app.get(DomainEvents).subscribe('channel.deleted', (e) => {
          if (e.channelId === 'mine') resolve(e);
        });
      });
      await hive(t).post(`${base}/channels/mine/exit`).send({ playerId: 1 }).expect(200);
      expect(await gone).toEqual({ gameIndex: 1, channelId: 'mine', memberIds: [] });
      await hive(t).get(`${base}/channels/mine`).expect(400);
      await hive(t).get(`${base}/channels/sys`).expect(200);
      await hive(t).get(`${base}/channels/busy`).expect(200);
    });
  });

  describe('runOnce', () => {
    const t = useTestApp({ env: { PURGE_INTERVAL: '0', PURGE_BATCH_SIZE: '10' } });

    it('works in batches: empty player-owned channels (with their history) and history older than 30 days', async () => {
      const seen = deletedEvents(t);
      await seedEmptyOwned(t, 'empty-', 25);
      await t.dataSource.query(
        `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, chat_history_allowed)
         VALUES (1, 'system-empty', 'GROUP', NULL, 's', 10, 0, true), (1, 'owned-busy', 'GROUP', 9, 'b', 10, 1, true)`,
      );
      await t.dataSource.query(
        `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one) VALUES (1, 'owned-busy', 9, false)`,
      );
      await t.dataSource.query(
        `INSERT INTO chat_messages (game_index, id, channel_id, sender, message, created_at)
         SELECT 1, ${idAt("now() - interval '31 days'")} + i, 'system-empty', 1, 'old', now() - interval '31 days' FROM generate_series(1, 23) AS i
         UNION ALL SELECT 1, ${idAt("now() - interval '29 days'")} + i, 'owned-busy', 1, 'new', now() - interval '29 days' FROM generate_series(1, 4) AS i
         UNION ALL SELECT 1, ${idAt('now()')} + i, 'empty-' || i, 1, 'new', now() FROM generate_series(1, 3) AS i`,
      );
      const result = await t.app.get(PurgeService).runOnce();
      expect(result).toEqual({ skipped: false, channels: 25, messages: 23 });
      expect(await count(t, `SELECT count(*) AS n FROM channels`)).toBe(2);
      expect(await count(t, `SELECT count(*) AS n FROM chat_messages`)).toBe(4);
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen.map((e) => e.channelId).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `empty-${i + 1}`).sort());
      expect(await t.app.get(PurgeService).runOnce()).toEqual({ skipped: false, channels: 0, messages: 0 });
    });

    it('a tick still running makes the next one a no-op (in-process guard)', async () => {
      await seedEmptyOwned(t, 'e-', 30);
      const purge = t.app.get(PurgeService);
      const results = await Promise.all([purge.runOnce(), purge.runOnce()]);
      expect(results.filter((r) => r.skipped)).toHaveLength(1);
      expect(results.reduce((sum, r) => sum + r.channels, 0)).toBe(30);
    });

    it('on PostgreSQL only the holder of the advisory lock works a tick', async () => {
      await seedEmptyOwned(t, 'l-', 5);
      if (!realPostgres) {
        // Embedded database: one process, one connection; the in-process guard above is the lock.
        expect((await t.app.get(PurgeService).runOnce()).channels).toBe(5);
        return;
      }
      // Held the way another instance holds it: inside a transaction (which also pins one server
      // connection behind a transaction-pooling PgBouncer).
      const other = t.dataSource.createQueryRunner();
      await other.connect();
      try {
        await other.startTransaction();
        await other.query('SELECT pg_advisory_xact_lock($1)', [PURGE_LOCK_KEY]);
        expect(await t.app.get(PurgeService).runOnce()).toEqual({ skipped: true, channels: 0, messages: 0 });
        expect(await count(t, `SELECT count(*) AS n FROM channels`)).toBe(5);
        await other.commitTransaction();
        expect((await t.app.get(PurgeService).runOnce()).channels).toBe(5);
      } finally {
        await other.release();
      }
    });

    it('two app instances on one database never purge the same channel twice', async () => {
      if (!realPostgres) {
        // An embedded database belongs to one process: there is no second instance to race.
        await seedEmptyOwned(t, 'solo-', 3);
        expect((await t.app.get(PurgeService).runOnce()).channels).toBe(3);
        return;
      }
      const t2 = await startTestApp({ PURGE_INTERVAL: '0', PURGE_BATCH_SIZE: '10' });
      try {
        const seen = [...[t, t2].map(deletedEvents)];
        for (let round = 0; round < 5; round++) {
          await seedEmptyOwned(t, `r${round}-`, 40);
          const results = await Promise.all([t, t2, t, t2].map((app) => app.app.get(PurgeService).runOnce()));
          expect(results.reduce((sum, r) => sum + r.channels, 0)).toBe(40);
          expect(results.some((r) => !r.skipped)).toBe(true);
        }
        await new Promise((resolve) => setImmediate(resolve));
        const ids = seen.flat().map((e) => e.channelId);
        expect(ids).toHaveLength(200);
        expect(new Set(ids).size).toBe(200);
      } finally {
        await t2.close();
      }
    });
  });
});
