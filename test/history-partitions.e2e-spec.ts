import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ChatHistoryService, type StoredMessage } from '../src/channel/chat-history.service.js';
import { DAY_MS, createDayPartition, dayOf, idAtMillis, partitionName } from '../src/channel/chat-partitions.js';
import { PurgeService } from '../src/channel/purge.service.js';
import { inTransaction } from '../src/infra/database/transaction.js';
import { runMigrations } from '../src/infra/database/migrate.js';
import { MIGRATIONS } from '../migrations/index.js';
import { ChatMessagePartitions1796017400000 } from '../migrations/1796017400000-ChatMessagePartitions.js';
import { hive } from './support/http.js';
import { type TestApp, useTestApp } from './support/test-app.js';
import { WsClient, closeClients, resetRealtimeCaches } from './support/ws-client.js';

/**
 * chat_messages partitioned by day of message id (docs/operations.md#chat-history-partitions):
 * reads across days, retention by dropping a day, a message for a day without a partition, and
 * the migration that converts an existing table. Both on the embedded database and on PostgreSQL.
 */
const v2 = '/api/v2/games/1/channels';

/** A message whose id carries `at`, as the gateway makes them (src/realtime/chat/message-id.ts). */
const message = (at: number, n: number, channelId = 'h'): StoredMessage => ({
  messageId: String(idAtMillis(at) + BigInt(n)),
  gameIndex: 1,
  channelId,
  from: 7,
  message: `m${n}`,
  extraData: null,
  replyMessageId: null,
  mentionedPlayerIds: [],
  timestampMillis: at,
  seq: n,
});

const texts = (res: { body: { data: { content: { message: string }[] } } }) => res.body.data.content.map((m) => m.message);

async function partitionOf(t: TestApp, messageId: string): Promise<string> {
  const [row] = await t.dataSource.query<{ p: string }[]>(`SELECT tableoid::regclass::text AS p FROM chat_messages WHERE id = $1`, [
    messageId,
  ]);
  return row.p;
}

async function exists(t: TestApp, table: string): Promise<boolean> {
  const [row] = await t.dataSource.query<{ e: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS e`, [table]);
  return row.e;
}

describe('chat history partitions', () => {
  const t = useTestApp({ env: { PURGE_INTERVAL: '0', PURGE_BATCH_SIZE: '10' } });

  beforeEach(async () => {
    await t.dataSource.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed)
       VALUES (1, 'h', 'GROUP', NULL, 'h', 10, true)`,
    );
  });

  it('the purge creates today and the next days; a read pages across the midnight between two day partitions', async () => {
    await t.app.get(PurgeService).runOnce();
    const today = dayOf(Date.now());
    for (const day of [today - DAY_MS, today, today + 7 * DAY_MS]) expect(await exists(t, partitionName(day))).toBe(true);
    // Three messages in the last milliseconds of yesterday, three in the first ones of today.
    const messages = [-3, -2, -1, 0, 1, 2].map((offset, i) => message(today + offset, i + 1));
    await t.app.get(ChatHistoryService).append(messages);
    expect(await partitionOf(t, messages[2].messageId)).toBe(partitionName(today - DAY_MS));
    expect(await partitionOf(t, messages[3].messageId)).toBe(partitionName(today));

    const newest = await hive(t).get(`${v2}/h/messages?prevSize=5`).expect(200);
    expect(texts(newest)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    expect(newest.body.data).toMatchObject({ hasPrev: true, hasNext: false });
    const around = await hive(t).get(`${v2}/h/messages?messageId=${messages[2].messageId}&prevSize=1&nextSize=2`).expect(200);
    expect(texts(around)).toEqual(['m2', 'm4', 'm5']);
    expect(around.body.data).toMatchObject({ hasPrev: true, hasNext: true });
    // A message days older: reads reach it past the two days next to their start, both ways.
    const older = message(today - 5 * DAY_MS, 0);
    await t.app.get(ChatHistoryService).append([older]);
    const fromToday = await hive(t).get(`${v2}/h/messages?messageId=${messages[4].messageId}&prevSize=50`).expect(200);
    expect(texts(fromToday)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(fromToday.body.data).toMatchObject({ hasPrev: false, hasNext: true });
    const fromOlder = await hive(t).get(`${v2}/h/messages?messageId=${older.messageId}&nextSize=2`).expect(200);
    expect(texts(fromOlder)).toEqual(['m1', 'm2']);
    expect(fromOlder.body.data).toMatchObject({ hasPrev: false, hasNext: true });
    expect(texts(await hive(t).get(`${v2}/h/messages?prevSize=6`).expect(200))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(texts(await hive(t).get(`${v2}/h/messages?prevSize=7`).expect(200))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('retention drops a day partition wholly past HISTORY_RETENTION_DAYS, with all its rows, and keeps the next one', async () => {
    const old = dayOf(Date.now()) - 40 * DAY_MS;
    const stays = dayOf(Date.now()) - 29 * DAY_MS;
    const history = t.app.get(ChatHistoryService);
    // Days without a partition: the rows wait in the default partition ...
    await history.append([message(old + 1000, 1), message(old + 2000, 2), message(old + 3000, 3), message(stays + 1000, 4)]);
    expect(await partitionOf(t, message(old + 1000, 1).messageId)).toBe('chat_messages_default');
    // ... and move into the day's partition when it is created.
    await inTransaction(t.dataSource, (tx) => createDayPartition(tx.manager, old));
    expect(await partitionOf(t, message(old + 1000, 1).messageId)).toBe(partitionName(old));

    expect(await t.app.get(PurgeService).runOnce()).toEqual({ skipped: false, channels: 0, messages: 3 });
    expect(await exists(t, partitionName(old))).toBe(false);
    expect(await partitionOf(t, message(stays + 1000, 4).messageId)).toBe(partitionName(stays));
    expect(texts(await hive(t).get(`${v2}/h/messages?prevSize=50`).expect(200))).toEqual(['m4']);
    expect(await t.app.get(PurgeService).runOnce()).toEqual({ skipped: false, channels: 0, messages: 0 });
  });

  it('a message for a day whose partition was not created ahead is stored (default partition) and read, then moved into its day', async () => {
    await t.app.get(PurgeService).runOnce();
    const today = dayOf(Date.now());
    await t.dataSource.query(`DROP TABLE "${partitionName(today)}"`);
    const now = Date.now();
    const sent = [message(now - 2, 1), message(now - 1, 2)];
    await t.app.get(ChatHistoryService).append(sent);
    expect(await partitionOf(t, sent[0].messageId)).toBe('chat_messages_default');
    expect(texts(await hive(t).get(`${v2}/h/messages?prevSize=50`).expect(200))).toEqual(['m1', 'm2']);

    await t.app.get(PurgeService).runOnce();
    expect(await partitionOf(t, sent[0].messageId)).toBe(partitionName(today));
    expect(texts(await hive(t).get(`${v2}/h/messages?messageId=${sent[0].messageId}&nextSize=5`).expect(200))).toEqual(['m2']);
  });

  it("a channel's numbering continues from its newest stored message wherever its id lies: in the window, before it, days ahead", async () => {
    await t.app.get(PurgeService).runOnce();
    const now = Date.now();
    for (const channelId of ['old', 'ahead', 'far']) {
      await hive(t)
        .post('/api/v1/games/1/channel')
        .send({ channelId, channelName: channelId, maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
        .expect(200);
    }
    for (const channelId of ['h', 'old', 'ahead', 'far']) {
      await hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId: 1 }).expect(200);
    }
    // Stored with their seq while channels.last_seq stayed 0 (the instance stopped before raising it).
    const pastRetention = message(now - 40 * DAY_MS, 7, 'old');
    const threeDaysAhead = message(now + 3 * DAY_MS, 2, 'ahead');
    const tenDaysAhead = message(now + 10 * DAY_MS, 3, 'far');
    await t.app
      .get(ChatHistoryService)
      .append([
        message(now - 60_000, 4, 'h'),
        pastRetention,
        message(now - 60_000, 1, 'ahead'),
        threeDaysAhead,
        message(now - 61_000, 1, 'far'),
        tenDaysAhead,
      ]);
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM chat_messages`))[0].n).toBe(6);
    expect(await partitionOf(t, pastRetention.messageId)).toBe('chat_messages_default');
    expect(await partitionOf(t, threeDaysAhead.messageId)).toBe(partitionName(dayOf(now + 3 * DAY_MS)));
    expect(await partitionOf(t, tenDaysAhead.messageId)).toBe('chat_messages_default');

    // What a restart leaves: the database only (entering may have started the live numbering).
    await resetRealtimeCaches(t);
    const client = await WsClient.connect(t, 1);
    try {
      const seqs = Object.fromEntries(client.connectBody.positions.map((p: { channelId: string; seq: number }) => [p.channelId, p.seq]));
      expect(seqs).toEqual({ h: 4, old: 7, ahead: 2, far: 3, '@direct': 0 });
    } finally {
      await closeClients(t, [client]);
    }
  });
});

describe('migration ChatMessagePartitions on a table with rows', () => {
  const realServer = process.env.DATABASE_URL;
  const dbName = `partychat_parts_${process.pid}`;
  const at = MIGRATIONS.indexOf(ChatMessagePartitions1796017400000);
  let admin: pg.Client | null = null;
  let pglite: PGlite | null = null;

  /** A DataSource on the test's own fresh database with the first `n` migrations. */
  const open = (n: number) => {
    const common = { type: 'postgres' as const, migrations: MIGRATIONS.slice(0, n), migrationsTableName: 'migrations', logging: false };
    if (realServer) {
      const url = new URL(realServer);
      url.pathname = `/${dbName}`;
      return new DataSource({ ...common, url: url.toString() }).initialize();
    }
    return new DataSource({ ...common, extra: { ...createPgConfig(pglite!), idleTimeoutMillis: 0 } }).initialize();
  };

  beforeAll(async () => {
    if (realServer) {
      admin = new pg.Client({ connectionString: realServer });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.query(`CREATE DATABASE ${dbName}`);
    } else {
      pglite = await PGlite.create('memory://', { extensions: { pg_trgm } });
    }
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    await pglite?.close();
  });

  it('copies every row into its day partition, and migration:revert brings the plain table back', async () => {
    const before = await open(at);
    await runMigrations(before);
    await before.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed)
       VALUES (1, 'h', 'GROUP', NULL, 'h', 10, true)`,
    );
    const today = dayOf(Date.now());
    const days = [today - 20 * DAY_MS, today - 3 * DAY_MS, today];
    const rows = days.flatMap((day, d) => [1, 2].map((i) => message(day + 60_000 * i, d * 10 + i)));
    for (const m of rows) {
      await before.query(
        `INSERT INTO chat_messages (game_index, id, channel_id, sender, message, created_at, seq, edited_at)
         VALUES (1, $1, 'h', 7, $2, $3, $4::bigint, CASE WHEN $4::bigint = 1 THEN now() END)`,
        [m.messageId, m.message, new Date(m.timestampMillis), m.seq],
      );
    }
    await before.destroy();

    const after = await open(at + 1);
    await runMigrations(after);
    const kind = async () =>
      (await after.query<{ k: string }[]>(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'chat_messages'::regclass`))[0].k;
    const stored = async () =>
      after.query<{ id: string; message: string; seq: string; edited: boolean; p: string }[]>(
        `SELECT id::text, message, seq::text, edited_at IS NOT NULL AS edited, tableoid::regclass::text AS p FROM chat_messages ORDER BY id`,
      );
    expect(await kind()).toBe('p');
    expect(await stored()).toEqual(
      rows.map((m) => ({
        id: m.messageId,
        message: m.message,
        seq: String(m.seq),
        edited: m.seq === 1,
        p: partitionName(dayOf(m.timestampMillis)),
      })),
    );
    for (let i = 1; i <= 7; i++) {
      expect(
        (await after.query<{ e: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS e`, [partitionName(today + i * DAY_MS)]))[0].e,
      ).toBe(true);
    }
    // The primary key still refuses a second row with the same id.
    await expect(
      after.query(
        `INSERT INTO chat_messages (game_index, id, channel_id, sender, message, created_at) VALUES (1, $1, 'h', 7, 'x', now())`,
        [rows[0].messageId],
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);

    await after.undoLastMigration({ transaction: 'all' });
    expect(await kind()).toBe('r');
    expect((await stored()).map((r) => ({ ...r, p: 'chat_messages' }))).toEqual(
      rows.map((m) => ({ id: m.messageId, message: m.message, seq: String(m.seq), edited: m.seq === 1, p: 'chat_messages' })),
    );
    const indexes = await after.query<{ name: string }[]>(
      `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'chat_messages' ORDER BY 1`,
    );
    expect(indexes.map((i) => i.name)).toEqual(['IDX_chat_messages_channel', 'IDX_chat_messages_created', 'PK_chat_messages']);
    await after.destroy();
  });
});
