/**
 * Guards caches against stale loads: a load notes `current()` before it reads, and stores what
 * it read only if `isCurrent(key, version)` still holds afterwards, i.e. no `bump(key)` (the
 * entry changed or was dropped) and no `bumpAll()` happened while it read.
 *
 * Versions are ticks of one clock, so forgetting the keys is always safe: past `maxKeys` bumped
 * keys the map is emptied with a `bumpAll()`, which costs at most a few refused stores (those
 * loads simply read again next time) and keeps memory bounded.
 */
export class Versions<K> {
  private clock = 0;
  /** Every version at or below this one is out of date (the last bumpAll). */
  private floor = 0;
  private readonly bumped = new Map<K, number>();

  constructor(private readonly maxKeys = 100_000) {}

  /** The version to note before a load (one clock for every key). */
  current(): number {
    return this.clock;
  }

  bump(key: K): void {
    if (this.bumped.size >= this.maxKeys) this.bumpAll();
    this.bumped.set(key, ++this.clock);
  }

  bumpAll(): void {
    this.floor = ++this.clock;
    this.bumped.clear();
  }

  isCurrent(key: K, version: number): boolean {
    return version >= this.floor && version >= (this.bumped.get(key) ?? 0);
  }
}
