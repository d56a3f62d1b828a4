import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Message ids are (ms since 2025-01-01) << 22 | ...: the ids of one UTC day form one range. */
const ID_EPOCH = 1_735_689_600_000;
const DAY_MS = 86_400_000;
const DAYS_AHEAD = 7;

const COLUMNS = `"game_index" integer NOT NULL,
        "id" bigint NOT NULL,
        "channel_id" varchar(100) COLLATE "C" NOT NULL,
        "sender" bigint NOT NULL,
        "message" varchar(200) NOT NULL,
        "extra_data" text,
        "reply_message_id" bigint,
        "mentioned_player_ids" bigint[] NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL,
        "edited_at" timestamptz,
        "seq" bigint`;
const NAMES = `game_index, id, channel_id, sender, message, extra_data, reply_message_id, mentioned_player_ids, created_at, edited_at, seq`;

/** The lowest id of a millisecond, as a partition bound (MINVALUE/MAXVALUE past bigint's range). */
function idAt(millis: number): string {
  const id = BigInt(millis - ID_EPOCH) << 22n;
  return id < -(2n ** 63n) ? 'MINVALUE' : id >= 2n ** 63n ? 'MAXVALUE' : String(id);
}

function partitionName(day: number): string {
  return `chat_messages_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/**
 * chat_messages partitioned by message id, one partition per UTC day, plus a DEFAULT partition for
 * ids of days without one (docs/operations.md#chat-history-partitions). Retention then drops whole
 * days, and history reads, which are bounded by id, only visit the newest partitions. The index
 * on created_at goes: nothing reads by it any more. Existing rows are copied into a partition of
 * their day; the days of the next week are created too (later ones by the purge job). The copy
 * runs in the migration's transaction and needs the table's size again in free disk.
 */
export class ChatMessagePartitions1796017400000 implements MigrationInterface {
  name = 'ChatMessagePartitions1796017400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "chat_messages_partitioned" (${COLUMNS}) PARTITION BY RANGE ("id")`);
    await q.query(`CREATE TABLE "chat_messages_default" PARTITION OF "chat_messages_partitioned" DEFAULT`);
    const rows = (await q.query(
      `SELECT DISTINCT floor(((id >> 22) + ${ID_EPOCH})::numeric / ${DAY_MS})::bigint * ${DAY_MS} AS day FROM "chat_messages"`,
    )) as { day: string }[];
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const days = new Set(rows.map((r) => Number(r.day)));
    for (let i = 0; i <= DAYS_AHEAD; i++) days.add(today + i * DAY_MS);
    for (const day of [...days].sort((a, b) => a - b)) {
      await q.query(
        `CREATE TABLE "${partitionName(day)}" PARTITION OF "chat_messages_partitioned" FOR VALUES FROM (${idAt(day)}) TO (${idAt(day + DAY_MS)})`,
      );
    }
    await q.query(`INSERT INTO "chat_messages_partitioned" (${NAMES}) SELECT ${NAMES} FROM "chat_messages"`);
    await q.query(`DROP TABLE "chat_messages"`);
    await q.query(`ALTER TABLE "chat_messages_partitioned" RENAME TO "chat_messages"`);
    // After the copy: building the indexes once is faster than updating them row by row.
    await q.query(`ALTER TABLE "chat_messages" ADD CONSTRAINT "PK_chat_messages" PRIMARY KEY ("game_index", "id")`);
    await q.query(`CREATE INDEX "IDX_chat_messages_channel" ON "chat_messages" ("game_index", "channel_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "chat_messages_unpartitioned" (${COLUMNS})`);
    await q.query(`INSERT INTO "chat_messages_unpartitioned" (${NAMES}) SELECT ${NAMES} FROM "chat_messages"`);
    await q.query(`DROP TABLE "chat_messages"`);
    await q.query(`ALTER TABLE "chat_messages_unpartitioned" RENAME TO "chat_messages"`);
    await q.query(`ALTER TABLE "chat_messages" ADD CONSTRAINT "PK_chat_messages" PRIMARY KEY ("game_index", "id")`);
    await q.query(`CREATE INDEX "IDX_chat_messages_channel" ON "chat_messages" ("game_index", "channel_id", "id")`);
    await q.query(`CREATE INDEX "IDX_chat_messages_created" ON "chat_messages" ("created_at")`);
  }
}
