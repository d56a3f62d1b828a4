import { HttpException } from '@nestjs/common';
import { MAX_BODY_BYTES } from '../http/input-guard.middleware.js';
import { DomainError, ErrorCode } from './domain-error.js';
import { DP_MESSAGES, HIVE_CODES } from './error-tables.js';

function isJsonParseError(error: unknown): boolean {
  const e = error as { type?: unknown; cause?: { type?: unknown } } | null;
  return e?.type === 'entity.parse.failed' || e?.cause?.type === 'entity.parse.failed' || error instanceof SyntaxError;
}

/** Node socket errors of a dependency that is down or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server that cannot serve now: connection exceptions, shutdown, too many connections. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** pg and ioredis messages of a lost or impossible connection (they carry no code). */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Connection is closed|Stream isn't writeable|Reached the max retries per request|the database system is (starting up|shutting down)/i;

/**
 * A DomainError(Busy) when the failure is a dependency (PostgreSQL, Redis) being unavailable,
 * else null. Both API families answer it 503 (Hive code 108) instead of a 500: the request may
 * be retried, and it changed nothing that was not rolled back.
 */
export function unavailableError(error: unknown): DomainError | null {
  for (
    let e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | null, hops = 0;
    e && hops < 4;
    hops++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (
      NETWORK_CODES.has(code) ||
      UNAVAILABLE_SQLSTATE.test(code) ||
      (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message))
    ) {
      return new DomainError(ErrorCode.Busy, 'service unavailable: a dependency (database or Redis) does not answer; retry later');
    }
    e = e.driverError ?? e.cause ?? null;
  }
  return null;
}

const FRAMEWORK_STATUS_CODES = new Map<number, ErrorCode>([
  [401, ErrorCode.InvalidToken],
  [403, ErrorCode.Forbidden],
  [404, ErrorCode.NotFound],
  [405, ErrorCode.MethodNotAllowed],
  [503, ErrorCode.Busy],
]);

/** Turns anything thrown into a DomainError; null when it is unexpected (a bug). */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isJsonParseError(error)) return new DomainError(ErrorCode.Validation, 'body is not valid JSON');
  if ((error as { type?: unknown })?.type === 'entity.too.large' || (error instanceof HttpException && error.getStatus() === 413)) {
    return new DomainError(ErrorCode.Validation, `body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
    // Framework 4xx errors keep their meaning; any other 5xx is unexpected.
    const code = FRAMEWORK_STATUS_CODES.get(status) ?? (status >= 500 ? null : ErrorCode.Validation);
    return code === null ? null : new DomainError(code, text);
  }
  // body-parser's errors (malformed JSON, too large) carry a 4xx status of their own.
  const status = (error as { status?: unknown; type?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new DomainError(ErrorCode.Validation, String((error as Error).message));
  }
  return unavailableError(error);
}

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
}

export function hiveErrorReply(error: DomainError): ErrorReply {
  const [status, code] = HIVE_CODES[error.code];
  return { status, body: { code, message: error.message, data: null } };
}

/**
 * `{msg, status: false, detail, message}`: Unity and Unreal read `msg`, the TypeScript SDK reads
 * `message`, so both carry the same text.
 */
export function dpErrorReply(error: DomainError): ErrorReply {
  const [status, msg] = DP_MESSAGES[error.code];
  return { status, body: { msg, status: false, detail: error.message, message: msg } };
}

export function plainErrorReply(error: DomainError): ErrorReply {
  const [status] = HIVE_CODES[error.code];
  return { status, body: { statusCode: status, error: error.code, message: error.message } };
}
