interface Waiting<V> {
  gameIndex: number;
  playerId: number;
  promise: Promise<V>;
  resolve: (value: V) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent per-player lookups into batched queries: the keys asked for while the
 * event loop reads one burst of frames go out together in one `load` call (one `= ANY($1)`
 * statement per game), at most `maxInFlight` loads at a time; a key asked for again while it is
 * waiting or being loaded shares that load. Nothing is kept after a load settles.
 */
export class BatchLoader<V> {
  private pending = new Map<string, Waiting<V>>();
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
    this.pending.set(key, { gameIndex, playerId, promise, resolve, reject });
    this.schedule();
    return promise;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.size === 0) return;
    this.scheduled = true;
    // setImmediate: every frame read in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.pending.size === 0) return;
    const batch = new Map<string, Waiting<V>>();
    for (const [key, waiting] of this.pending) {
      if (batch.size >= this.maxBatch) break;
      batch.set(key, waiting);
    }
    for (const [key, waiting] of batch) {
      this.pending.delete(key);
      this.loading.set(key, waiting);
    }
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async run(batch: Map<string, Waiting<V>>): Promise<void> {
    const byGame = new Map<number, Waiting<V>[]>();
    for (const waiting of batch.values()) {
      let list = byGame.get(waiting.gameIndex);
      if (!list) byGame.set(waiting.gameIndex, (list = []));
      list.push(waiting);
    }
    await Promise.all(
      [...byGame].map(async ([gameIndex, list]) => {
        try {
          const values = await this.load(
            gameIndex,
            list.map((w) => w.playerId),
          );
          for (const w of list) w.resolve(values.has(w.playerId) ? (values.get(w.playerId) as V) : this.missing);
        } catch (err) {
          for (const w of list) w.reject(err);
        }
      }),
    );
    for (const key of batch.keys()) this.loading.delete(key);
  }
}
