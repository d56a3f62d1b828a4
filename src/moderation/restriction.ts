import { hiveTime } from '../common/http/hive-envelope.js';
import { IntField, TextField } from '../common/validation/decorators.js';

/**
 * What mutes and channel bans share (docs/moderation.md): an optional duration, an optional reason,
 * and one answer shape. A timed one ends by itself: every check compares its end with the clock.
 */

/** Longest timed mute or ban: one year (absent = until lifted). */
export const MAX_RESTRICTION_SECONDS = 31_536_000;
export const MAX_REASON_CHARS = 200;

/** `durationSeconds?` and `reason?` of the routes and packets that mute or ban. */
export class RestrictionFields {
  @IntField(1, MAX_RESTRICTION_SECONDS, { optional: true, description: 'seconds it lasts; absent: until lifted', example: 600 })
  durationSeconds?: number;

  @TextField(0, MAX_REASON_CHARS, { optional: true, description: 'shown to the player in the push', example: 'spam' })
  reason?: string;
}

/** A mute or ban as the API answers it (null for an absent value). */
export interface RestrictionView {
  playerId: number;
  /** null: a game-wide mute. */
  channelId: string | null;
  reason: string | null;
  regTime: string;
  regTimeMillis: number;
  /** null: until lifted. */
  untilTime: string | null;
  untilMillis: number | null;
}

/** A mutes or channel_bans row as the services' SQL returns it. */
export interface RestrictionRow {
  player_id: string | number;
  channel_id: string | null;
  reason: string | null;
  created_at: Date;
  ends_at: Date | null;
}

export const RESTRICTION_COLUMNS = 'player_id, channel_id, reason, created_at, ends_at';

export function mapRestriction(row: RestrictionRow): RestrictionView {
  return {
    playerId: Number(row.player_id),
    channelId: row.channel_id,
    reason: row.reason,
    regTime: hiveTime(row.created_at),
    regTimeMillis: row.created_at.getTime(),
    untilTime: row.ends_at === null ? null : hiveTime(row.ends_at),
    untilMillis: row.ends_at === null ? null : row.ends_at.getTime(),
  };
}

/** The reason as stored: an empty one is none. */
export function reasonOf(reason: string | undefined): string | null {
  return reason ? reason : null;
}

/** The audit `details` of a mute or ban. */
export function restrictionDetails(durationSeconds: number | undefined, view: RestrictionView): Record<string, unknown> {
  return { durationSeconds: durationSeconds ?? null, untilMillis: view.untilMillis, reason: view.reason };
}
