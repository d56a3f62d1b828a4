import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * One value per player that a module reads from the database: `sql` is a scalar SQL expression
 * (a subquery) in which `$1` is the game index and `p.id` the player id (bigint). Its own module
 * writes it; PlayerReads only puts the expressions asked for together into one statement.
 */
export interface PlayerColumn<V> {
  /** The column's alias in the statement: lower-case letters and underscores, unique. */
  readonly name: string;
  readonly sql: string;
  /** The raw value (null when the subquery found nothing) → the value callers get. */
  parse(raw: unknown): V;
}

interface Waiting {
  column: PlayerColumn<unknown>;
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Pending {
  gameIndex: number;
  playerId: number;
  /** By column name. */
  columns: Map<string, Waiting>;
}

/**
 * Coalesces the per-player reads that different modules make for the same event (a CONNECT asks
 * the ban, the channels and the party co-members of its player; a disconnect the channels and the
 * co-members) into ONE statement per batch: every column asked for in one turn of the event loop,
 * for every player asked for in that turn, goes out as `SELECT p.id, <columns> FROM unnest($2)`,
 * one per game, at most `MAX_IN_FLIGHT` at a time (reads asked meanwhile wait and join the next
 * one). A value asked for again while it waits or is being read shares that read, unless `forget`
 * was called since it went out. Nothing is kept after a read settles: caching is the callers'.
 */
@Injectable()
export class PlayerReads {
  static readonly MAX_IN_FLIGHT = 2;
  static readonly MAX_BATCH = 1000;
  private readonly pending = new Map<string, Pending>();
  /** Reads sent and not settled, by "column:game:player". */
  private readonly loading = new Map<string, Waiting>();
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly dataSource: DataSource) {}

  get<V>(column: PlayerColumn<V>, gameIndex: number, playerId: number): Promise<V> {
    const key = `${gameIndex}:${playerId}`;
    const entry = this.pending.get(key);
    const shared = entry?.columns.get(column.name) ?? this.loading.get(`${column.name}:${key}`);
    if (shared) return shared.promise as Promise<V>;
    let resolve!: (value: unknown) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiting: Waiting = { column: column, promise, resolve, reject };
    if (entry) entry.columns.set(column.name, waiting);
    else this.pending.set(key, { gameIndex, playerId, columns: new Map([[column.name, waiting]]) });
    this.schedule();
    return promise as Promise<V>;
  }

  /**
   * The value changed: a read already sent may have seen the old one, so later callers get a new
   * read instead of sharing it. (A read still waiting is shared: it has not read yet.)
   */
  forget(column: PlayerColumn<unknown>, gameIndex: number, playerId: number): void {
    this.loading.delete(`${column.name}:${gameIndex}:${playerId}`);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= PlayerReads.MAX_IN_FLIGHT || this.pending.size === 0) return;
    this.scheduled = true;
    // setImmediate: everything asked for in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= PlayerReads.MAX_IN_FLIGHT || this.pending.size === 0) return;
    const byGame = new Map<number, Pending[]>();
    let taken = 0;
    for (const [key, entry] of this.pending) {
      if (taken++ >= PlayerReads.MAX_BATCH) break;
      this.pending.delete(key);
      for (const waiting of entry.columns.values()) this.loading.set(`${waiting.column.name}:${key}`, waiting);
      let list = byGame.get(entry.gameIndex);
      if (!list) byGame.set(entry.gameIndex, (list = []));
      list.push(entry);
    }
    this.inFlight++;
    void Promise.all([...byGame].map(([gameIndex, entries]) => this.read(gameIndex, entries))).finally(() => {
      this.inFlight--;
      this.schedule();
    });
  }

  private async read(gameIndex: number, entries: Pending[]): Promise<void> {
    const columns = new Map<string, PlayerColumn<unknown>>();
    for (const entry of entries) for (const w of entry.columns.values()) columns.set(w.column.name, w.column);
    let rows: Map<number, Record<string, unknown>> | undefined;
    let failure: unknown;
    try {
      const list = [...columns.values()];
      const result: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT p.id, ${list.map((c) => `${c.sql} AS ${c.name}`).join(', ')} FROM unnest($2::bigint[]) AS p(id)`,
        [gameIndex, entries.map((e) => e.playerId)],
      );
      rows = new Map(result.map((r) => [Number(r.id), r]));
    } catch (err) {
      failure = err;
    }
    for (const entry of entries) {
      const key = `${entry.gameIndex}:${entry.playerId}`;
      for (const w of entry.columns.values()) {
        const loadingKey = `${w.column.name}:${key}`;
        // Settled: a later caller gets a new read (unless forget already let a newer one take the key).
        if (this.loading.get(loadingKey) === w) this.loading.delete(loadingKey);
        if (!rows) {
          w.reject(failure);
          continue;
        }
        try {
          w.resolve(w.column.parse(rows.get(entry.playerId)?.[w.column.name] ?? null));
        } catch (err) {
          w.reject(err);
        }
      }
    }
  }
}

/** A json/jsonb value as the driver hands it over: parsed already (node-postgres) or as text. */
export function sqlJson<T>(raw: unknown): T | null {
  if (raw === null || raw === undefined) return null;
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
}

/** PlayerReads for every module (one instance, so that their reads share statements). */
@Global()
@Module({ providers: [PlayerReads], exports: [PlayerReads] })
export class PlayerReadsModule {}
