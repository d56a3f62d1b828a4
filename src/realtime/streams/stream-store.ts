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
 * The one authority over the streams' numbering and the recovery buffer (in memory, or in Redis
 * shared by every instance). `start` is where a stream without live state begins; null = unknown
 * yet (a channel with history: the caller reads the database and asks again).
 */
export interface StreamStore {
  /** Assigns the next seq and keeps the message, in one step; 'start' when `start` was needed. */
  append(key: string, start: StreamStart | null, mint: () => Minted, publish?: Publish): Promise<Appended | 'start'>;
  /** The latest position of each stream (starting those without state). */
  positions(keys: string[], starts: StreamStart[]): Promise<StreamStart[]>;
  /** The messages after `afterSeq` (null for a stream without state). */
  missed(key: string, afterSeq: number): Promise<Missed | null>;
  /** A message whose storing failed: never replayed (its number stays used). */
  retract(key: string, seq: number): Promise<void>;
}
