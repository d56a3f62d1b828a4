import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Tags each request with an id (kept from X-Request-Id when the caller sent a sane one). */
export function requestIdMiddleware(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  req.id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  next();
}
