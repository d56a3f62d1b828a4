import type { NextFunction, Request, Response } from 'express';

export interface GamePrefixedRequest extends Request {
  /** The n of a `/game/{n}/api/...` URL (SPEC 2.1), when the request came that way. */
  gamePrefix?: string;
}

/**
 * Serves every `/api/...` route also under `/game/{gameIndex}/api/...`, the shape the hosted
 * DynamicPixels SDKs use: strips the prefix before routing and remembers the game for the guards.
 */
export function gamePrefixMiddleware(req: GamePrefixedRequest, _res: Response, next: NextFunction): void {
  const match = /^\/game\/([^/?]+)(\/api\/.*)$/.exec(req.url);
  if (match) {
    req.gamePrefix = decodeURIComponent(match[1]);
    req.url = match[2];
  }
  next();
}
