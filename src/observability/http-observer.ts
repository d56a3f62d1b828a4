import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { GamePrefixedRequest } from '../common/http/game-prefix.middleware.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import type { MetricsService } from './metrics/metrics.service.js';

/** The route label of a request that matched no route (404s, static files): one value, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type ObservedRequest = GamePrefixedRequest & { id?: string; player?: PlayerIdentity };

/**
 * The pattern of the route that answered (`/api/v1/games/:gameIndex/channels/:channelId`), never
 * the raw path. A wildcard pattern is not one of ours: it is the path of a middleware mounted on
 * every route (the logger's), left on a request that no route then matched.
 */
export function routeOf(req: Request): string {
  const route: unknown = req.route;
  const path = (route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && !path.includes('*') ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

/** The game and player a request acted for, when known: the player token's, else the path's game. */
function actorOf(req: ObservedRequest): { gameIndex?: number; playerId?: number } {
  if (req.player) return { gameIndex: req.player.gameIndex, playerId: req.player.playerId };
  const game = (req.params as Record<string, unknown> | undefined)?.gameIndex;
  if (typeof game === 'string' && /^\d{1,10}$/.test(game)) return { gameIndex: Number(game) };
  return req.prefixGame === undefined ? {} : { gameIndex: req.prefixGame };
}

/**
 * One log line and the HTTP metrics per request, when its response is done (or the client went
 * away): `reqId`, `method`, route pattern, `status`, `durationMs`, and the game and player when
 * known. Mounted right after the request-id middleware, so every request counts, also those
 * answered by a middleware or matching no route. Nothing of the request's content is logged.
 */
export function httpObserver(metrics: MetricsService) {
  const logger = new Logger('Http');
  return (req: ObservedRequest, res: Response, next: NextFunction): void => {
    const started = performance.now();
    // Bound to this middleware's context, outside the request's logging context, whose logger
    // already carries the reqId: the line names it once.
    res.once(
      'close',
      AsyncResource.bind(() => {
        const seconds = (performance.now() - started) / 1000;
        const method = METHODS.has(req.method) ? req.method : 'OTHER';
        const route = routeOf(req);
        const status = res.statusCode;
        metrics.httpRequests.inc({ method, route, status });
        metrics.httpDuration.observe({ method, route }, seconds);
        logger.log({
          msg: res.writableFinished ? 'request completed' : 'request aborted by the client',
          reqId: req.id,
          method,
          route,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
          ...actorOf(req),
        });
      }),
    );
    next();
  };
}
