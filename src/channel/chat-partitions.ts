import type { EntityManager } from 'typeorm';
import { returnedRows } from '../infra/database/returned-rows.js';

/**
 * chat_messages is partitioned by message id, one partition per UTC day (docs/operations.md#chat-history-partitions).
 * A message id is (ms since 2025-01-01) << 22 | node << 12 | sequence (src/realtime/chat/message-id.ts),
 * so the ids of one day form one range and id-ordered reads prune partitions. Rows outside every
 * day partition land in chat_messages_default, so no insert ever fails for a missing day.
 */
const ID_EPOCH = Date.UTC(2025, 0, 1);
const TIME_SHIFT = 22n;
export const DAY_MS = 86_400_000;
const MIN_ID = -(2n ** 63n);
const MAX_ID = 2n ** 63n - 1n;

export const DEFAULT_PARTITION = 'chat_messages_default';
const NAME = /^chat_messages_p(\d{4})(\d{2})(\d{2})$/;

/** Arbitrary constant shared by every instance: serializes partition creation (transaction-level lock). */
const PARTITION_LOCK_KEY = 72_616_004;
/** Partition DDL waits at most this long for its lock, so that it never queues the chat traffic behind a long query. */
const DDL_LOCK_TIMEOUT = '5s';

/** Partitions created ahead of time by the purge job: today and the next days. */
export const DAYS_AHEAD = 7;

/** The lowest id of millisecond `millis` (clamped to bigint). */
export function idAtMillis(millis: number): bigint {
  const id = BigInt(Math.floor(millis) - ID_EPOCH) << TIME_SHIFT;
  return id < MIN_ID ? MIN_ID : id > MAX_ID ? MAX_ID : id;
}

/**
 * The ids history is read from at `now`: from the retention cutoff `since` to the end of tomorrow (a
 * sender's clock a little ahead). A read bounded by them covers only those days' partitions, and
 * leaves the default one out once every day of the range has its partition.
 */
export function historyWindow(now: number, retentionDays: number): { since: number; low: bigint; high: bigint } {
  const since = now - retentionDays * DAY_MS;
  return { since, low: idAtMillis(since), high: idAtMillis(dayOf(now) + 2 * DAY_MS) };
}

/** The millisecond a message id was made in. */
export function millisOfId(id: string | bigint): number {
  return Number(BigInt(id) >> TIME_SHIFT) + ID_EPOCH;
}

/** The UTC day (ms at 00:00) of a message id. */
export function dayOfId(id: string | bigint): number {
  return dayOf(millisOfId(id));
}

/** The UTC day (ms at 00:00) holding `millis`. */
export function dayOf(millis: number): number {
  return Math.floor(millis / DAY_MS) * DAY_MS;
}

export function partitionName(day: number): string {
  return `chat_messages_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The day of a partition named by partitionName, or null for any other table. */
export function dayOfPartition(name: string): number | null {
  const m = NAME.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** Bounds of a day partition: FROM lowest id of the day TO lowest id of the next (MINVALUE/MAXVALUE past bigint's range). */
function bounds(day: number): { from: string; to: string } {
  const bound = (millis: number) => {
    const id = BigInt(millis - ID_EPOCH) << TIME_SHIFT;
    return id < MIN_ID ? 'MINVALUE' : id > MAX_ID ? 'MAXVALUE' : String(id);
  };
  return { from: bound(day), to: bound(day + DAY_MS) };
}

/** The days that have a partition, oldest first. */
export async function partitionDays(m: EntityManager): Promise<number[]> {
  const rows = await m.query<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'chat_messages'::regclass`,
  );
  return rows
    .map((r) => dayOfPartition(r.name))
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
}

/**
 * Creates the partition of `day` unless it exists, in `m`'s transaction (which must be one). Rows of
 * that day already in the default partition move into it: the new table is filled first and then
 * attached, which locks the parent only in SHARE UPDATE EXCLUSIVE mode (inserts and reads go on).
 * Returns whether it created one.
 */
export async function createDayPartition(m: EntityManager, day: number): Promise<boolean> {
  const name = partitionName(day);
  await m.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
  const [{ exists }] = await m.query<{ exists: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
  if (exists) return false;
  const { from, to } = bounds(day);
  await m.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
  // Taken first, so that the move and the attach never wait for each other's lock on it.
  await m.query(`LOCK TABLE "${DEFAULT_PARTITION}" IN ACCESS EXCLUSIVE MODE`);
  await m.query(`CREATE TABLE "${name}" (LIKE "chat_messages" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await m.query(
    `WITH moved AS (DELETE FROM "${DEFAULT_PARTITION}" WHERE id >= $1::bigint AND id < $2::bigint RETURNING *)
     INSERT INTO "${name}" SELECT * FROM moved`,
    [String(idAtMillis(day)), String(idAtMillis(day + DAY_MS))],
  );
  await m.query(`ALTER TABLE "chat_messages" ATTACH PARTITION "${name}" FOR VALUES FROM (${from}) TO (${to})`);
  return true;
}

/**
 * Drops the partition of `day` (all its rows at once), in `m`'s transaction; returns how many rows
 * it held. DROP locks the parent in ACCESS EXCLUSIVE mode: the lock timeout keeps that short.
 */
export async function dropDayPartition(m: EntityManager, day: number): Promise<number> {
  const name = partitionName(day);
  const [{ exists }] = await m.query<{ exists: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
  if (!exists) return 0;
  await m.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
  const [{ n }] = await m.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}"`);
  await m.query(`DROP TABLE "${name}"`);
  return n;
}

/** Deletes up to `size` rows of the default partition with ids before `before` (stray rows past retention). */
export async function deleteOldDefaultRows(m: EntityManager, before: bigint, size: number): Promise<number> {
  const rows = returnedRows(
    await m.query(
      `DELETE FROM "${DEFAULT_PARTITION}" WHERE (game_index, id) IN (
       SELECT game_index, id FROM "${DEFAULT_PARTITION}" WHERE id < $1::bigint LIMIT $2)
     RETURNING id`,
      [String(before), size],
    ),
  );
  return rows.length;
}
