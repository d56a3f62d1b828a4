import { Injectable } from '@nestjs/common';
import { ChannelService } from '../../channel/channel.service.js';

const MAX_ENTRIES = 200_000;
const LOAD_CONCURRENCY = 8;

/**
 * Block lists in memory for delivery filtering (a message skips blocks both ways). Dropped on
 * block.changed from any instance; loaded once per player otherwise.
 */
@Injectable()
export class BlockCache {
  private readonly lists = new Map<string, Set<number>>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly channels: ChannelService) {}

  async of(gameIndex: number, playerId: number): Promise<Set<number>> {
    const cached = this.lists.get(`${gameIndex}:${playerId}`);
    return cached ?? this.load(gameIndex, playerId);
  }

  /** Block lists of many players; the missing ones are loaded a few at a time. */
  async ofMany(gameIndex: number, playerIds: Iterable<number>): Promise<Map<number, Set<number>>> {
    const result = new Map<number, Set<number>>();
    const missing: number[] = [];
    for (const id of playerIds) {
      const cached = this.lists.get(`${gameIndex}:${id}`);
      if (cached) result.set(id, cached);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += LOAD_CONCURRENCY) {
      const slice = missing.slice(i, i + LOAD_CONCURRENCY);
      const loaded = await Promise.all(slice.map((id) => this.load(gameIndex, id)));
      slice.forEach((id, j) => result.set(id, loaded[j]));
    }
    return result;
  }

  async blockedEitherWay(gameIndex: number, a: number, b: number): Promise<boolean> {
    const [ofA, ofB] = await Promise.all([this.of(gameIndex, a), this.of(gameIndex, b)]);
    return ofA.has(b) || ofB.has(a);
  }

  drop(gameIndex: number, playerId: number): void {
    const key = `${gameIndex}:${playerId}`;
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.lists.delete(key);
  }

  /** Forgets everything (tests that empty the database behind the events' back). */
  clear(): void {
    for (const key of this.lists.keys()) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.lists.clear();
  }

  private async load(gameIndex: number, playerId: number): Promise<Set<number>> {
    const key = `${gameIndex}:${playerId}`;
    const generation = this.generations.get(key) ?? 0;
    const list = new Set((await this.channels.blocks(gameIndex, playerId)).map((b) => b.playerId));
    if ((this.generations.get(key) ?? 0) === generation) {
      if (this.lists.size >= MAX_ENTRIES) this.lists.clear();
      this.lists.set(key, list);
    }
    return list;
  }
}
