import { randomBytes } from 'node:crypto';

/** The stream of the DIRECT_CHAT messages a player receives (docs/realtime.md#streams). */
export const DIRECT_STREAM = '@direct';

/** A stream position as the protocol carries it: the latest (or last seen) `seq` under `epoch`. */
export interface Position {
  channelId: string;
  epoch: string;
  seq: number;
}

/** Where a stream starts when no live state of it exists (none yet, or it was lost). */
export interface StreamStart {
  epoch: string;
  seq: number;
}

/** One stream: a channel of a game, or a player's direct stream. */
export interface StreamRef {
  gameIndex: number;
  /** The channel id, or DIRECT_STREAM. */
  name: string;
  /** The direct stream's owner (unused for channels). */
  playerId: number;
  /** Whether the channel keeps history: its seq then continues from the database when no live state exists. */
  history: boolean;
}

export function channelStream(gameIndex: number, channelId: string, history: boolean): StreamRef {
  return { gameIndex, name: channelId, playerId: 0, history };
}

export function directStream(gameIndex: number, playerId: number): StreamRef {
  return { gameIndex, name: DIRECT_STREAM, playerId, history: false };
}

/** The store key of a stream. */
export function streamKey(ref: StreamRef): string {
  return ref.name === DIRECT_STREAM ? `${ref.gameIndex}:${DIRECT_STREAM}:${ref.playerId}` : `${ref.gameIndex}:${ref.name}`;
}

/** A new epoch that no earlier state of any stream had. */
export function freshEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * The epoch of a channel that keeps history: fixed for the channel's life (its creation time), since
 * its messages survive restarts in the database; a channel deleted and created again gets another.
 */
export function historyEpoch(createdAt: Date): string {
  return `h${createdAt.getTime()}`;
}
