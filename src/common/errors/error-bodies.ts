import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error.js';
import { DP_MESSAGES, HIVE_CODES } from './error-tables.js';

function isJsonParseError(error: unknown): boolean {
  const e = error as { type?: unknown; cause?: { type?: unknown } } | null;
  return e?.type === 'entity.parse.failed' || e?.cause?.type === 'entity.parse.failed' || error instanceof SyntaxError;
}

/** Turns anything thrown into a DomainError; null when it is unexpected (a bug or an outage). */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isJsonParseError(error)) return new DomainError(ErrorCode.Validation, 'body is not valid JSON');
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const text =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? ((response as { message: string[] }).message).join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    const code =
      status === HttpStatus.UNAUTHORIZED
        ? ErrorCode.InvalidToken
        : status === HttpStatus.FORBIDDEN
          ? ErrorCode.Forbidden
          : status === HttpStatus.NOT_FOUND
            ? ErrorCode.NotFound
            : status === HttpStatus.METHOD_NOT_ALLOWED
              ? ErrorCode.MethodNotAllowed
              : status === HttpStatus.SERVICE_UNAVAILABLE
                ? ErrorCode.Busy
                : status >= 500
                  ? null
                  : ErrorCode.Validation;
    return code === null ? null : new DomainError(code, text);
  }
  // body-parser's errors (malformed JSON, too large) carry a 4xx status of their own.
  const status = (error as { status?: unknown; type?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new DomainError(ErrorCode.Validation, String((error as Error).message));
  }
  return null;
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
