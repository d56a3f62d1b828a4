import type { Player } from './player.entity.js';

/**
 * A player's ban as every check sees it. `end` is when it stops, in epoch milliseconds:
 * 0 not banned, Infinity until lifted. A timed ban ends by itself because each check compares
 * `end` with the clock; nothing rewrites the row when the time passes.
 */
export interface BanState {
  end: number;
  reason: string | null;
}

export const NO_BAN: BanState = { end: 0, reason: null };

/** Longest timed ban: one year. Longer ones are bans until lifted. */
export const MAX_BAN_SECONDS = 31_536_000;

export function banState(isBan: boolean, banUntilMillis: number | null, reason: string | null): BanState {
  if (!isBan) return NO_BAN;
  return { end: banUntilMillis ?? Infinity, reason };
}

export function banOfPlayer(player: Player): BanState {
  return banState(player.isBan, player.banUntil ? player.banUntil.getTime() : null, player.banReason);
}

export function isBanned(ban: BanState, now = Date.now()): boolean {
  return ban.end > now;
}

/** What a refused player reads: `player 9 is banned until 2026-12-01T10:00:00.000Z: cheating`. */
export function banDetail(playerId: number, ban: BanState): string {
  const until = Number.isFinite(ban.end) ? ` until ${new Date(ban.end).toISOString()}` : '';
  return `player ${playerId} is banned${until}${ban.reason ? `: ${ban.reason}` : ''}`;
}
