/** What a login found in the shared presence record. */
export interface Login {
  /** The player was online already (anywhere); false when that cannot be known (Redis unreachable). */
  wasOnline: boolean;
  /**
   * The connection this login replaced when another instance holds it (that instance is told to
   * close it); null when no other instance does; undefined when unknown (Redis unreachable or
   * failing): then every instance is told.
   */
  replaced: { instance: string; since: number } | null | undefined;
}

/**
 * Who is connected to the realtime gateway, on any instance. The gateway writes it; the channel
 * and party modules read it (PUBLIC enter needs a connected player; member lists carry
 * connectedTimeMillis / online). Bound in PresenceModule to a local or a Redis-backed implementation.
 */
export abstract class PresenceService {
  /**
   * Epoch millis the player's current connection opened, or null when offline. Never fails for
   * want of Redis: while it is unreachable, only this instance's own connections count.
   */
  abstract connectedSince(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>>;

  /** For checks that must not guess: fails with busy (503) when the answer needs an unreachable Redis. */
  async isOnline(gameIndex: number, playerId: number): Promise<boolean> {
    return (await this.connectedSince(gameIndex, [playerId])).get(playerId) != null;
  }

  /** Last time the player was seen connected (now if online), or null when never seen; busy (503) like isOnline. */
  abstract lastSeen(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>>;

  /**
   * The player's connection opened at `since` is now the one that counts; says what it replaced.
   * markOnline and markOffline never fail for want of Redis: what it missed is written when it returns.
   */
  abstract markOnline(gameIndex: number, playerId: number, since: number): Promise<Login>;
  abstract markOffline(gameIndex: number, playerId: number, at: number): Promise<void>;
  /**
   * The player's connection here (opened at `since`) lost to a newer login: this instance stops
   * speaking for the player, and leaves the shared record to the newer connection.
   */
  abstract released(gameIndex: number, playerId: number, since: number): void;

  /**
   * A stopping instance hands its connected players over (docs/operations.md#shutdown): they stay
   * online for `graceMs` after this instance is gone, unless they connect again meanwhile. Only
   * meaningful with other instances (Redis); a single instance has nobody to hand over to.
   */
  handOver(_players: { gameIndex: number; playerId: number; since: number }[], _graceMs: number): Promise<void> {
    return Promise.resolve();
  }
}

/** Single-process presence: a map in memory. */
export class LocalPresenceService extends PresenceService {
  private readonly online = new Map<string, number>();
  private readonly seen = new Map<string, number>();

  async connectedSince(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    return new Map(playerIds.map((id) => [id, this.online.get(`${gameIndex}:${id}`) ?? null]));
  }

  async lastSeen(gameIndex: number, playerIds: number[]): Promise<Map<number, number | null>> {
    const now = Date.now();
    return new Map(
      playerIds.map((id) => {
        const key = `${gameIndex}:${id}`;
        return [id, this.online.has(key) ? now : (this.seen.get(key) ?? null)];
      }),
    );
  }

  async markOnline(gameIndex: number, playerId: number, since: number): Promise<Login> {
    const key = `${gameIndex}:${playerId}`;
    const wasOnline = this.online.has(key);
    this.online.set(key, since);
    return { wasOnline, replaced: null };
  }

  async markOffline(gameIndex: number, playerId: number, at: number): Promise<void> {
    const key = `${gameIndex}:${playerId}`;
    this.online.delete(key);
    this.seen.set(key, at);
  }

  released(gameIndex: number, playerId: number, since: number): void {
    const key = `${gameIndex}:${playerId}`;
    if (this.online.get(key) === since) this.online.delete(key);
  }
}
