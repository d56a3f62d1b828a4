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

  /** markOnline and markOffline never fail for want of Redis: what it missed is written when it returns. */
  abstract markOnline(gameIndex: number, playerId: number, since: number): Promise<void>;
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

  async markOnline(gameIndex: number, playerId: number, since: number): Promise<void> {
    this.online.set(`${gameIndex}:${playerId}`, since);
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
