import { Injectable } from '@nestjs/common';
import { BlockService } from '../../channel/block.service.js';
import { Versions } from '../../common/versions.js';

const MAX_ENTRIES = 200_000;
/** Players whose lists one bulk statement reads. */
const LOAD_BATCH = 1000;

/**
 * Block lists in memory for delivery filtering (a message skips blocks both ways). Dropped on
 * block.changed from any instance; loaded once per player otherwise. A read that a drop overtook
 * does not store what it read.
 */
@Injectable()
export class BlockCache {
  private readonly lists = new Map<string, Set<number>>();
  private readonly versions = new Versions<string>();
  /** Bumped whenever a cached list is dropped (derived recipient lists check it). */
  version = 0;

  constructor(private readonly blocks: BlockService) {}

  async of(gameIndex: number, playerId: number): Promise<Set<number>> {
    const cached = this.lists.get(`${gameIndex}:${playerId}`);
    return cached ?? this.load(gameIndex, playerId);
  }

  /** Block lists of many players; the missing ones are read in bulk (one statement per 1,000). */
  async ofMany(gameIndex: number, playerIds: Iterable<number>): Promise<Map<number, Set<number>>> {
    const result = new Map<number, Set<number>>();
    const missing: number[] = [];
    for (const id of playerIds) {
      const cached = this.lists.get(`${gameIndex}:${id}`);
      if (cached) result.set(id, cached);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += LOAD_BATCH) {
      const slice = missing.slice(i, i + LOAD_BATCH);
      const version = this.versions.current();
      const loaded = await this.blocks.blockedIdsOfMany(gameIndex, slice);
      slice.forEach((id) => {
        const list = new Set(loaded.get(id) ?? []);
        this.store(`${gameIndex}:${id}`, version, list);
        result.set(id, list);
      });
    }
    return result;
  }

  async blockedEitherWay(gameIndex: number, a: number, b: number): Promise<boolean> {
    const [ofA, ofB] = await Promise.all([this.of(gameIndex, a), this.of(gameIndex, b)]);
    return ofA.has(b) || ofB.has(a);
  }

  drop(gameIndex: number, playerId: number): void {
    const key = `${gameIndex}:${playerId}`;
    this.versions.bump(key);
    this.lists.delete(key);
    this.version++;
  }

  /**
   * Forgets everything: after Redis comes back (block changes announced by other instances may
   * have been missed), and in tests that empty the database behind the events' back.
   */
  clear(): void {
    this.versions.bumpAll();
    this.lists.clear();
    this.version++;
  }

  private async load(gameIndex: number, playerId: number): Promise<Set<number>> {
    const key = `${gameIndex}:${playerId}`;
    const version = this.versions.current();
    const list = new Set((await this.blocks.list(gameIndex, playerId)).map((b) => b.playerId));
    this.store(key, version, list);
    return list;
  }

  /** Keeps a loaded list unless a change overtook the read. */
  private store(key: string, version: number, list: Set<number>): void {
    if (!this.versions.isCurrent(key, version)) return;
    if (this.lists.size >= MAX_ENTRIES) this.lists.clear();
    this.lists.set(key, list);
  }
}
