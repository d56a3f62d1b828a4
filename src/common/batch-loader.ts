interface Waiting<V> {
  key: string;
  gameIndex: number;
  playerId: number;
  promise: Promise<V>;
  resolve: (value: V) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent per-player lookups into batched queries: the keys asked for in one turn of
 * the event loop (a burst of frames or requests) go out together in one `load` call per game (one
 * `= ANY($n)` statement), at most `maxInFlight` loads at a time; a key asked for again while it is
 * waiting or being loaded shares that load (unless `forget` was called since it went out).
 * Nothing is kept after a load settles.
 */
export class BatchLoader<V> {
  private readonly pending = new Map<string, Waiting<V>>();
  private readonly loading = new Map<string, Waiting<V>>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Loads one game's players; an id missing from the returned map resolves to `missing`. */
    private readonly load: (gameIndex: number, playerIds: number[]) => Promise<Map<number, V>>,
    private readonly missing: V,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 1000,
  ) {}

  get(gameIndex: number, playerId: number): Promise<V> {
    const key = `${gameIndex}:${playerId}`;
    const shared = this.pending.get(key) ?? this.loading.get(key);
    if (shared) return shared.promise;
    let resolve!: (value: V) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<V>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending.set(key, { key, gameIndex, playerId, promise, resolve, reject });
    this.schedule();
    return promise;
  }

  /**
   * The value changed: a load already sent may have read the old one, so later callers get a new
   * load instead of sharing it. (A key still waiting shares its load: that one has not read yet.)
   */
  forget(gameIndex: number, playerId: number): void {
    this.loading.delete(`${gameIndex}:${playerId}`);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.size === 0) return;
    this.scheduled = true;
    // setImmediate: every key asked for in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.pending.size === 0) return;
    const batch: Waiting<V>[] = [];
    for (const waiting of this.pending.values()) {
      if (batch.length >= this.maxBatch) break;
      batch.push(waiting);
    }
    for (const waiting of batch) {
      this.pending.delete(waiting.key);
      this.loading.set(waiting.key, waiting);
    }
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async run(batch: Waiting<V>[]): Promise<void> {
    const byGame = new Map<number, Waiting<V>[]>();
    for (const waiting of batch) {
      let list = byGame.get(waiting.gameIndex);
      if (!list) byGame.set(waiting.gameIndex, (list = []));
      list.push(waiting);
    }
    await Promise.all([...byGame].map(([gameIndex, list]) => this.loadGame(gameIndex, list)));
  }

  private async loadGame(gameIndex: number, list: Waiting<V>[]): Promise<void> {
    let values: Map<number, V> | undefined;
    let failure: unknown;
    try {
      values = await this.load(
        gameIndex,
        list.map((w) => w.playerId),
      );
    } catch (err) {
      failure = err;
    }
    for (const w of list) {
      // Settled: a later caller gets a new load (unless forget already let a newer one take the key).
      if (this.loading.get(w.key) === w) this.loading.delete(w.key);
      if (values) w.resolve(values.has(w.playerId) ? (values.get(w.playerId) as V) : this.missing);
      else w.reject(failure);
    }
  }
}
