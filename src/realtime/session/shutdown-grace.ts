import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../infra/config/app-config.js';
import { RedisConnection } from '../../presence/redis-connection.js';

/** Expired grace entries claimed per sweep. */
const CLAIM_BATCH = 200;

/**
 * Players disconnected by an instance's shutdown keep their PUBLIC channels and stay online for
 * SHUTDOWN_GRACE seconds (docs/operations.md#shutdown): a sorted set `grace` in Redis of
 * "game:player" by deadline. A new login of the player within it (on any instance) takes the entry
 * away and continues silently; past it, whichever instance claims the entry first (ZREM) does the
 * usual disconnect clean-up. Only in Redis mode: a single instance has nobody to hand over to.
 */
@Injectable()
export class ShutdownGrace {
  private readonly graceMs: number;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfig,
  ) {
    this.graceMs = config.settings.shutdownGraceSeconds * 1000;
  }

  get enabled(): boolean {
    return this.redis.enabled && this.graceMs > 0;
  }

  get millis(): number {
    return this.graceMs;
  }

  /** The players of a stopping instance enter the grace. */
  async hold(players: { gameIndex: number; playerId: number }[]): Promise<void> {
    if (!this.enabled || players.length === 0 || !this.redis.available) return;
    const deadline = Date.now() + this.graceMs;
    await this.redis.client!.zadd(this.key(), ...players.flatMap((p) => [deadline, `${p.gameIndex}:${p.playerId}`]));
  }

  /** The player connected again: true when it was within a grace (its channels and presence continue). */
  async resume(gameIndex: number, playerId: number): Promise<boolean> {
    if (!this.enabled || !this.redis.available) return false;
    return (await this.redis.client!.zrem(this.key(), `${gameIndex}:${playerId}`)) === 1;
  }

  /** Claims expired entries (each goes to exactly one instance). */
  async expired(): Promise<{ gameIndex: number; playerId: number }[]> {
    if (!this.enabled || !this.redis.available) return [];
    const client = this.redis.client!;
    const due = await client.zrangebyscore(this.key(), '-inf', Date.now(), 'LIMIT', 0, CLAIM_BATCH);
    const claimed = await Promise.all(due.map((member) => client.zrem(this.key(), member)));
    return due
      .filter((_, i) => claimed[i] === 1)
      .map((member) => {
        const [gameIndex, playerId] = member.split(':').map(Number);
        return { gameIndex, playerId };
      });
  }

  private key(): string {
    return this.redis.key('grace');
  }
}
