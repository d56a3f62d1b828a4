/** Who is calling: set on the request by PlayerTokenGuard, read with @CurrentPlayer(). */
export interface PlayerIdentity {
  gameIndex: number;
  playerId: number;
}

/** Largest id that survives a JSON number round trip. */
export const MAX_PLAYER_ID = Number.MAX_SAFE_INTEGER;
