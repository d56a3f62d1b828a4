import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { returnedRows } from '../infra/database/returned-rows.js';
import { RESTRICTION_COLUMNS, type RestrictionRow } from '../moderation/restriction.js';

/**
 * Named statements of channel bans (docs/moderation.md#channel-bans-and-kicks). A ban is in force
 * while `ends_at` is NULL (until lifted) or later than now; an ended row is left in place.
 */

const IN_FORCE = '(ends_at IS NULL OR ends_at > now())';

/**
 * Two columns for lockChannelForEnter ($1 game, $2 channel, $3 player): whether a ban is in force,
 * and its end. Primary-key lookups in the enter's own statement: no extra round trip.
 */
export const ACTIVE_BAN_COLUMNS = `EXISTS (SELECT 1 FROM channel_bans WHERE game_index = $1 AND channel_id = $2 AND player_id = $3 AND ${IN_FORCE}) AS banned,
            (SELECT ends_at FROM channel_bans WHERE game_index = $1 AND channel_id = $2 AND player_id = $3) AS ban_ends_at`;

export interface ActiveBanColumns {
  banned: boolean;
  ban_ends_at: Date | null;
}

/** The end of the ban in force in epoch millis (Infinity = until lifted), null when none is. */
export function banEndOf(columns: ActiveBanColumns): number | null {
  if (!columns.banned) return null;
  return columns.ban_ends_at === null ? Infinity : columns.ban_ends_at.getTime();
}

export function channelBanned(playerId: number, channelId: string, end: number): DomainError {
  const until = Number.isFinite(end) ? ` until ${new Date(end).toISOString()}` : '';
  return new DomainError(ErrorCode.ChannelBanned, `player ${playerId} is banned from channel "${channelId}"${until}`);
}

/** Bans (or bans again, replacing the previous ban): ends `durationSeconds` from now, or never (null). */
export async function upsertBan(
  m: EntityManager,
  gameIndex: number,
  channelId: string,
  playerId: number,
  durationSeconds: number | null,
  reason: string | null,
): Promise<RestrictionRow> {
  const rows: RestrictionRow[] = await m.query(
    `INSERT INTO channel_bans (game_index, channel_id, player_id, reason, created_at, ends_at)
     VALUES ($1, $2, $3, $4, now(), now() + $5::integer * interval '1 second')
     ON CONFLICT (game_index, channel_id, player_id) DO UPDATE SET reason = EXCLUDED.reason, created_at = EXCLUDED.created_at,
                                                                   ends_at = EXCLUDED.ends_at
     RETURNING ${RESTRICTION_COLUMNS}`,
    [gameIndex, channelId, playerId, reason, durationSeconds],
  );
  return rows[0];
}

/** Deletes the player's ban row; true when a ban in force was lifted (an ended one is deleted too, but counts as none). */
export async function deleteBan(m: EntityManager, gameIndex: number, channelId: string, playerId: number): Promise<boolean> {
  const rows = returnedRows<{ in_force: boolean }>(
    await m.query(
      `DELETE FROM channel_bans WHERE game_index = $1 AND channel_id = $2 AND player_id = $3 RETURNING ${IN_FORCE} AS in_force`,
      [gameIndex, channelId, playerId],
    ),
  );
  return rows[0]?.in_force === true;
}

/** The channel's bans in force, newest first. */
export async function bansInForce(m: EntityManager, gameIndex: number, channelId: string): Promise<RestrictionRow[]> {
  return m.query(
    `SELECT ${RESTRICTION_COLUMNS} FROM channel_bans WHERE game_index = $1 AND channel_id = $2 AND ${IN_FORCE}
      ORDER BY created_at DESC, player_id`,
    [gameIndex, channelId],
  );
}
