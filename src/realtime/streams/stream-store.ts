import type { SeqFrame } from './seq-frame.js';
import type { StreamStart } from './stream-names.js';

/** A message about to get its seq: minted (id, time, frame) by the caller when the store asks. */
export interface Minted {
  id: string;
  millis: number;
  from: number;
  frame: SeqFrame;
}

/**
 * A bus message the store publishes with the numbering (Redis): `head + seq + tail + frame` on
 * `channel` (the stream's topic, whose hash tag is the stream's) with `command`.
 */
export interface Publish {
  channel: string;
  head: string;
  tail: string;
  command: 'PUBLISH' | 'SPUBLISH';
}

export interface Appended {
  /** Whether the store published the `Publish` given (else the caller delivers to remote players). */
  published: boolean;
  id: string;
  millis: number;
  epoch: string;
  seq: number;
  /** The frame with its seq. */
  frame: string;
}

/** A kept message: its sender (blocks still apply on replay) and its frame. */
export interface KeptEntry {
  from: number;
  frame: string;
}

/** What a stream holds after `afterSeq`: null entries = not all of them are kept any more. */
export interface Missed {
  epoch: string;
  seq: number;
  entries: KeptEntry[] | null;
}

/**
 * Keeps the order of appends issued without waiting for each other (docs/realtime.md#ordering):
 * `after` is the id of the attempt issued just before on the same stream while still unsettled
 * ('' = none), so that when it was refused this one is refused too; `clear` is the id of this
 * message's refused attempt, which a retry forgets.
 */
export interface Order {
  after: string;
  clear: string;
}

/** Refused: the stream needs its `start`, or (Redis) the id is not above the stream's latest, `behind`. */
export type Refused = 'start' | { behind: string };

/**
 * The one authority over the streams' numbering and the recovery buffer (in memory, or in Redis
 * shared by every instance). `start` is where a stream without live state begins; null = unknown
 * yet (a channel with history: the caller reads the database and asks again).
 */
export interface StreamStore {
  /**
   * One attempt: assigns the next seq and keeps the message, in one step. Appends issued in turn
   * are numbered in that order unless refused; a refused one refuses those issued after it (`order`).
   */
  append(key: string, start: StreamStart | null, mint: () => Minted, publish?: Publish, order?: Order): Promise<Appended | Refused>;
  /** The latest position of each stream, starting those without state at their start (null start: left alone, null answered). */
  positions(keys: string[], starts: (StreamStart | null)[]): Promise<(StreamStart | null)[]>;
  /** The messages after `afterSeq` (null for a stream without state). */
  missed(key: string, afterSeq: number): Promise<Missed | null>;
  /** A message whose storing failed: never replayed (its number stays used). */
  retract(key: string, seq: number): Promise<void>;
}
