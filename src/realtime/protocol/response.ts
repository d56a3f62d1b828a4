import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { HIVE_CODES } from '../../common/errors/error-tables.js';

/** The request's correlationId, echoed in its response; undefined = the request had none, so neither has the response. */
export type CorrelationId = string | number | null | undefined;

/** `RESPONSE_<TYPE>` (PONG for a PING of a connected session). */
export function responseType(packetType: string): string {
  return packetType === 'PING' ? 'PONG' : `RESPONSE_${packetType}`;
}

export function okFrame(packetType: string, correlationId: CorrelationId, body: object): string {
  return JSON.stringify({ packetType: responseType(packetType), correlationId, status: 200, message: 'OK', body });
}

/**
 * A failure: HTTP-like status, the precise message, and the Hive result code in body.code (with
 * body.retryAfterMillis when the failure passes with time, e.g. a rate limit, and the error's
 * `extra` fields).
 * `type` is the response's packetType when it is not the usual one (a PING before CONNECT is
 * answered RESPONSE_PING, not PONG).
 */
export function errorFrame(
  packetType: string,
  correlationId: CorrelationId,
  error: DomainError,
  statusOverride?: number,
  type = responseType(packetType),
): string {
  const [tableStatus, code] = HIVE_CODES[error.code];
  const status = statusOverride ?? tableStatus;
  let body: Record<string, unknown> = error.retryAfterMillis === undefined ? { code } : { code, retryAfterMillis: error.retryAfterMillis };
  if (error.extra !== undefined) body = { ...error.extra, ...body };
  return JSON.stringify({ packetType: type, correlationId, status, message: error.message, body });
}

/** Too many requests waiting on one connection: status 429, code 108 (busy). */
export function tooManyFrame(packetType: string, correlationId: CorrelationId): string {
  return errorFrame(
    packetType,
    correlationId,
    new DomainError(ErrorCode.Busy, 'too many requests in flight on this connection; wait for responses'),
    429,
  );
}
