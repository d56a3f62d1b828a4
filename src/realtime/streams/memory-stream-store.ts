import type { Appended, KeptEntry, Minted, Missed, StreamStore } from './stream-store.js';
import { withSeq } from './seq-frame.js';
import { type StreamStart, freshEpoch } from './stream-names.js';

interface Kept extends KeptEntry {
  at: number;
}

interface State {
  epoch: string;
  seq: number;
  usedAt: number;
  /** The last messages, oldest first; the newest has `seq`. Null: retracted. */
  kept: (Kept | null)[];
}

/** Messages kept in memory for all streams together; past it the least recently used streams' go first (their resume is a gap). */
export const MAX_KEPT_TOTAL = 500_000;

/**
 * Streams of a single instance. Bounded: at most `capacity` messages per stream, each for
 * `windowMs`, and MAX_KEPT_TOTAL in all; a stream idle that long is forgotten, and starts again
 * under a new epoch (a channel with history: from the database, under its own epoch).
 */
export class MemoryStreamStore implements StreamStore {
  /** In order of last use (an append moves its stream to the end). */
  private readonly states = new Map<string, State>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {}

  /** Numbered when called, so in call order; only a stream without state refuses ('start'). */
  append(key: string, start: StreamStart | null, mint: () => Minted): Promise<Appended | 'start'> {
    const state = this.state(key, start);
    if (!state) return Promise.resolve('start');
    const minted = mint();
    const seq = ++state.seq;
    const frame = withSeq(minted.frame, seq);
    state.usedAt = Date.now();
    this.states.delete(key);
    this.states.set(key, state);
    if (this.capacity > 0) {
      state.kept.push({ from: minted.from, frame, at: state.usedAt });
      if (state.kept.length > this.capacity) state.kept.shift();
      else if (++this.total > MAX_KEPT_TOTAL) this.shed();
    }
    return Promise.resolve({ published: false, id: minted.id, millis: minted.millis, epoch: state.epoch, seq, frame });
  }

  positions(keys: string[], starts: (StreamStart | null)[]): Promise<(StreamStart | null)[]> {
    return Promise.resolve(
      keys.map((key, i) => {
        const state = this.state(key, starts[i]);
        return state && { epoch: state.epoch, seq: state.seq };
      }),
    );
  }

  missed(key: string, afterSeq: number): Promise<Missed | null> {
    const state = this.states.get(key);
    if (!state) return Promise.resolve(null);
    const count = state.seq - afterSeq;
    const since = Date.now() - this.windowMs;
    let entries: KeptEntry[] | null = [];
    if (count > state.kept.length) entries = null;
    else if (count > 0) {
      for (const kept of state.kept.slice(state.kept.length - count)) {
        if (kept && kept.at < since) {
          entries = null;
          break;
        }
        if (kept) entries.push({ from: kept.from, frame: kept.frame });
      }
    }
    return Promise.resolve({ epoch: state.epoch, seq: state.seq, entries });
  }

  retract(key: string, seq: number): Promise<void> {
    const state = this.states.get(key);
    const index = state ? state.kept.length - 1 - (state.seq - seq) : -1;
    if (state && index >= 0) state.kept[index] = null;
    return Promise.resolve();
  }

  /** Forgets what is older than the window (called periodically). */
  sweep(now = Date.now()): void {
    const since = now - this.windowMs;
    for (const [key, state] of this.states) {
      if (state.usedAt < since) {
        this.total -= state.kept.length;
        this.states.delete(key);
      } else {
        while (state.kept.length && (state.kept[0] === null || state.kept[0].at < since)) {
          state.kept.shift();
          this.total--;
        }
      }
    }
  }

  /** Forgets every stream (tests; Redis came back and is the authority again). */
  clear(): void {
    this.states.clear();
    this.total = 0;
  }

  /** Over the total: the kept messages of the least recently used streams go (their numbering stays). */
  private shed(): void {
    for (const state of this.states.values()) {
      if (this.total <= MAX_KEPT_TOTAL * 0.9) return;
      this.total -= state.kept.length;
      state.kept = [];
    }
  }

  private state(key: string, start: StreamStart | null): State | null {
    let state = this.states.get(key);
    if (!state) {
      if (!start) return null;
      state = { epoch: start.epoch || freshEpoch(), seq: start.seq, usedAt: Date.now(), kept: [] };
      this.states.set(key, state);
    }
    return state;
  }
}
