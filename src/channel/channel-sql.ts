import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { ChannelRow } from './dto/channel.dto.js';

/** Per-player limits (SPEC 3.2). */
export const GROUP_CHANNEL_LIMIT = 10;
export const ONE_ON_ONE_LIMIT = 200;

export const CHANNEL_COLUMNS = `game_index, channel_id, type, owner_id, channel_name, max_member_count, password_hash,
  chat_history_allowed, member_count, pair_low, pair_high, created_at`;

export function channelNotFound(channelId: string): DomainError {
  return new DomainError(ErrorCode.ChannelNotFound, `channel "${channelId}" does not exist or was deleted`);
}

export async function findChannel(m: EntityManager, gameIndex: number, channelId: string, lock = false): Promise<ChannelRow | null> {
  const rows: ChannelRow[] = await m.query(
    `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE game_index = $1 AND channel_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [gameIndex, channelId],
  );
  return rows[0] ?? null;
}

export async function requireChannel(m: EntityManager, gameIndex: number, channelId: string, lock = false): Promise<ChannelRow> {
  const row = await findChannel(m, gameIndex, channelId, lock);
  if (!row) throw channelNotFound(channelId);
  return row;
}

/**
 * Locks the players' limit rows, creating them on first use, always in ascending id order so
 * that two transactions locking the same players cannot deadlock. Lock order across the module:
 * player rows first, then the channel row.
 */
export async function lockPlayers(m: EntityManager, gameIndex: number, playerIds: number[]): Promise<void> {
  const ids = [...new Set(playerIds)].sort((a, b) => a - b);
  for (const id of ids) {
    await m.query(`INSERT INTO channel_players (game_index, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [gameIndex, id]);
  }
  await m.query(
    `SELECT player_id FROM channel_players WHERE game_index = $1 AND player_id = ANY($2::bigint[]) ORDER BY player_id FOR UPDATE`,
    [gameIndex, ids],
  );
}

/** How many limited channels the player is in: PUBLIC/GROUP/PRIVATE (counted ones) and ONE_ON_ONE. */
export async function channelCounts(m: EntityManager, gameIndex: number, playerId: number): Promise<{ groups: number; pairs: number }> {
  const rows: { groups: string; pairs: string }[] = await m.query(
    `SELECT count(*) FILTER (WHERE NOT one_on_one AND counted) AS groups, count(*) FILTER (WHERE one_on_one) AS pairs
       FROM channel_members WHERE game_index = $1 AND player_id = $2`,
    [gameIndex, playerId],
  );
  return { groups: Number(rows[0].groups), pairs: Number(rows[0].pairs) };
}

export async function assertBelowGroupLimit(m: EntityManager, gameIndex: number, playerId: number): Promise<void> {
  const { groups } = await channelCounts(m, gameIndex, playerId);
  if (groups >= GROUP_CHANNEL_LIMIT) {
    throw new DomainError(
      ErrorCode.TooManyChannels,
      `player ${playerId} is already in ${groups} PUBLIC/GROUP/PRIVATE channels (at most ${GROUP_CHANNEL_LIMIT})`,
    );
  }
}

export async function assertBelowPairLimit(m: EntityManager, gameIndex: number, playerId: number): Promise<void> {
  const { pairs } = await channelCounts(m, gameIndex, playerId);
  if (pairs >= ONE_ON_ONE_LIMIT) {
    throw new DomainError(
      ErrorCode.TooManyChannels,
      `player ${playerId} is already in ${pairs} ONE_ON_ONE channels (at most ${ONE_ON_ONE_LIMIT})`,
    );
  }
}

export async function memberIdsOf(m: EntityManager, gameIndex: number, channelId: string): Promise<number[]> {
  const rows: { player_id: string }[] = await m.query(
    `SELECT player_id FROM channel_members WHERE game_index = $1 AND channel_id = $2 ORDER BY entered_at, player_id`,
    [gameIndex, channelId],
  );
  return rows.map((r) => Number(r.player_id));
}

/** Adds a membership and keeps member_count exact (same transaction, channel row already locked). */
export async function addMember(
  m: EntityManager,
  gameIndex: number,
  channel: ChannelRow,
  playerId: number,
  counted: boolean,
  at: Date,
): Promise<void> {
  await m.query(
    `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one, counted, entered_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [gameIndex, channel.channel_id, playerId, channel.type === 'ONE_ON_ONE', counted, at],
  );
  await m.query(`UPDATE channels SET member_count = member_count + 1 WHERE game_index = $1 AND channel_id = $2`, [
    gameIndex,
    channel.channel_id,
  ]);
}

/** LIKE pattern text with its wildcards escaped (default escape character: backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const RETRYABLE = new Set(['40P01', '40001']);

/** A deadlock or serialization failure: the whole transaction may simply be run again. */
export function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  return RETRYABLE.has(e?.code ?? '') || RETRYABLE.has(e?.driverError?.code ?? '');
}

/**
 * Rows of a DELETE/UPDATE ... RETURNING: TypeORM's postgres driver answers those with
 * `[rows, rowCount]` (other statements with the rows alone).
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
