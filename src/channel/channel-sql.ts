import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { ChannelRow } from './dto/channel.dto.js';
import { ACTIVE_BAN_COLUMNS, type ActiveBanColumns, banEndOf } from './channel-bans-sql.js';

/** Per-player limits (docs/chat-api.md). */
export const GROUP_CHANNEL_LIMIT = 10;
export const ONE_ON_ONE_LIMIT = 200;

export const CHANNEL_COLUMNS = `game_index, channel_id, type, owner_id, channel_name, max_member_count, password_hash,
  chat_history_allowed, slow_mode_seconds, member_count, pair_low, pair_high, created_at`;

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
  if (ids.length === 1) {
    // One player (every enter): create-if-missing and lock in one statement. The SELECT sees the
    // statement's snapshot, so a row another transaction created meanwhile is neither inserted
    // nor locked here: then (rarely) the plain lock below runs.
    const rows: { inserted: number; locked: number }[] = await m.query(
      `WITH ins AS (INSERT INTO channel_players (game_index, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING player_id)
       SELECT (SELECT count(*) FROM ins)::int AS inserted,
              (SELECT count(*) FROM (SELECT 1 FROM channel_players WHERE game_index = $1 AND player_id = $2 FOR UPDATE) l)::int AS locked`,
      [gameIndex, ids[0]],
    );
    if (rows[0].inserted + rows[0].locked > 0) return;
  } else {
    for (const id of ids) {
      await m.query(`INSERT INTO channel_players (game_index, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [gameIndex, id]);
    }
  }
  await m.query(
    `SELECT player_id FROM channel_players WHERE game_index = $1 AND player_id = ANY($2::bigint[]) ORDER BY player_id FOR UPDATE`,
    [gameIndex, ids],
  );
}

/** The channel row locked, with the player's membership and limit counts read in the same statement. */
export interface LockedChannel {
  channel: ChannelRow;
  isMember: boolean;
  /** The player's ban from the channel in force: its end in epoch millis (Infinity = until lifted); null = none. */
  banEnd: number | null;
  groups: number;
  pairs: number;
}

/**
 * requireChannel(lock) + isMember + the player's ban from the channel + channelCounts in one
 * statement. The player's own row is already locked (lockPlayers), so nobody else can add this
 * player anywhere meanwhile; if the statement waited for the channel lock, the membership and
 * counts are those of its snapshot, taken during this call (exits committed while waiting can
 * only make them lower). The ban read here is current too: a ban locks the player's row first
 * (channel-bans.service.ts), so one that committed before this enter locked that row is in the
 * snapshot, and one made later waits for this enter and then removes the player.
 */
export async function lockChannelForEnter(
  m: EntityManager,
  gameIndex: number,
  channelId: string,
  playerId: number,
): Promise<LockedChannel> {
  const rows: (ChannelRow & ActiveBanColumns & { is_member: boolean; groups: string | number; pairs: string | number })[] = await m.query(
    `SELECT ${CHANNEL_COLUMNS},
            EXISTS (SELECT 1 FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3) AS is_member,
            ${ACTIVE_BAN_COLUMNS},
            (SELECT count(*) FROM channel_members WHERE game_index = $1 AND player_id = $3 AND NOT one_on_one AND counted) AS groups,
            (SELECT count(*) FROM channel_members WHERE game_index = $1 AND player_id = $3 AND one_on_one) AS pairs
       FROM channels WHERE game_index = $1 AND channel_id = $2 FOR UPDATE`,
    [gameIndex, channelId, playerId],
  );
  const row = rows[0];
  if (!row) throw channelNotFound(channelId);
  const { is_member, groups, pairs, banned, ban_ends_at, ...channel } = row;
  return { channel: channel, isMember: is_member, banEnd: banEndOf({ banned, ban_ends_at }), groups: Number(groups), pairs: Number(pairs) };
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

export async function assertBelowGroupLimit(m: EntityManager, gameIndex: number, playerId: number, known?: number): Promise<void> {
  const groups = known ?? (await channelCounts(m, gameIndex, playerId)).groups;
  if (groups >= GROUP_CHANNEL_LIMIT) {
    throw new DomainError(
      ErrorCode.TooManyChannels,
      `player ${playerId} is already in ${groups} PUBLIC/GROUP/PRIVATE channels (at most ${GROUP_CHANNEL_LIMIT})`,
    );
  }
}

export async function assertBelowPairLimit(m: EntityManager, gameIndex: number, playerId: number, known?: number): Promise<void> {
  const pairs = known ?? (await channelCounts(m, gameIndex, playerId)).pairs;
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

/**
 * addMember in one statement that also returns the members after the change (entered_at order,
 * the new member included: the statement's snapshot predates its own insert).
 */
export async function addMemberReturningIds(
  m: EntityManager,
  gameIndex: number,
  channel: ChannelRow,
  playerId: number,
  counted: boolean,
  at: Date,
): Promise<number[]> {
  const rows: { player_id: string }[] = await m.query(
    `WITH ins AS (
       INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one, counted, entered_at) VALUES ($1, $2, $3, $4, $5, $6)),
     upd AS (UPDATE channels SET member_count = member_count + 1 WHERE game_index = $1 AND channel_id = $2)
     SELECT player_id FROM (
       SELECT player_id, entered_at FROM channel_members WHERE game_index = $1 AND channel_id = $2
       UNION ALL SELECT $3::bigint, $6::timestamptz) x
      ORDER BY entered_at, player_id`,
    [gameIndex, channel.channel_id, playerId, channel.type === 'ONE_ON_ONE', counted, at],
  );
  return rows.map((r) => Number(r.player_id));
}

/**
 * Removes a membership in one statement (channel row already locked): the delete, member_count
 * and the members that remain (entered_at order). null: the player was not a member.
 */
export async function removeMemberReturningIds(
  m: EntityManager,
  gameIndex: number,
  channelId: string,
  playerId: number,
): Promise<number[] | null> {
  const rows: { removed: number; member_ids: (string | number)[] }[] = await m.query(
    `WITH del AS (DELETE FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3 RETURNING player_id),
     upd AS (UPDATE channels SET member_count = member_count - 1 WHERE game_index = $1 AND channel_id = $2 AND EXISTS (SELECT 1 FROM del))
     SELECT (SELECT count(*) FROM del)::int AS removed,
            ARRAY(SELECT player_id FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id <> $3
                   ORDER BY entered_at, player_id) AS member_ids`,
    [gameIndex, channelId, playerId],
  );
  if (!rows[0] || rows[0].removed === 0) return null;
  return rows[0].member_ids.map(Number);
}
