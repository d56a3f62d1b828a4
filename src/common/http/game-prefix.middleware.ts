import type { NextFunction, Request, Response } from 'express';
import { parseGameIndex } from '../../player/game-index.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';

export interface GamePrefixedRequest extends Request {
  /** The game named by the `/game/{gameIndex or clientId}` prefix, when the request came that way. */
  prefixGame?: number;
}

/** Longest piece of a prefix quoted back in an error detail. */
const QUOTED_MAX = 100;

/**
 * The game a prefix names: all digits is the game index itself; anything else is a client id of
 * the hosted SDKs, looked up in GAME_CLIENT_IDS (unknown: 404 `game notfound`).
 */
function gameOfPrefix(prefix: string, clientIds: ReadonlyMap<string, number>): number {
  if (/^\d+$/.test(prefix)) return parseGameIndex(prefix, '/game/{gameIndex}');
  const game = clientIds.get(prefix);
  if (game === undefined) {
    const quoted = JSON.stringify(prefix.slice(0, QUOTED_MAX));
    throw new DomainError(ErrorCode.GameNotFound, `no game has the client id ${quoted} (GAME_CLIENT_IDS)`);
  }
  return game;
}

/**
 * Serves every `/api/...` route also under `/game/{gameIndex or clientId}/api/...`, the shape the
 * hosted DynamicPixels SDKs use: strips the prefix before routing and remembers its game for the
 * guards. A prefix that is not valid percent-encoding or names no game is answered here (through
 * the global exception filter, which `next(error)` reaches).
 */
export function gamePrefixMiddleware(clientIds: ReadonlyMap<string, number>) {
  return (req: GamePrefixedRequest, _res: Response, next: NextFunction): void => {
    const match = /^\/game\/([^/?]+)(\/api\/.*)$/.exec(req.url);
    if (!match) return next();
    let prefix: string;
    try {
      prefix = decodeURIComponent(match[1]);
    } catch {
      const quoted = JSON.stringify(match[1].slice(0, QUOTED_MAX));
      return next(new DomainError(ErrorCode.Validation, `the /game/{clientId} prefix ${quoted} is not valid percent-encoding`));
    }
    try {
      req.prefixGame = gameOfPrefix(prefix, clientIds);
    } catch (error) {
      return next(error);
    }
    req.url = match[2];
    next();
  };
}
