import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { inspectJson } from '../validation/json-guard.js';

/** Largest request body accepted (JSON or form); the largest real body is a word list of ~260 KB. */
export const MAX_BODY_BYTES = 512 * 1024;

/**
 * Runs after the body parsers: refuses a NUL character in the path, the query or the body, and
 * bodies nested too deeply (see inspectJson). The error reaches the global filter, which answers
 * in the path's API family.
 */
export function inputGuardMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const path = req.url.split('?', 1)[0];
  const problem = /%00/.test(path)
    ? 'the path must not contain the NUL character (U+0000)'
    : (inspectJson(req.query, 'query') ?? (req.body !== undefined ? inspectJson(req.body, 'body') : null));
  next(problem ? new DomainError(ErrorCode.Validation, problem) : undefined);
}
