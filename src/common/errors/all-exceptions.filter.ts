import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error.js';
import { apiFamilyOf } from './api-family.js';
import { dpErrorReply, hiveErrorReply, plainErrorReply, toDomainError } from './error-bodies.js';

/**
 * The one place HTTP errors are shaped. Hive paths answer `{code, message, data}`, DynamicPixels
 * paths `{msg, status: false, detail, message}`; anything unexpected is logged with the request id and
 * answered 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    let error = toDomainError(exception);
    if (!error) {
      this.logger.error(
        `request ${request.id ?? '-'} ${request.method} ${request.originalUrl} failed: ${(exception as Error)?.stack ?? exception}`,
      );
      error = new DomainError(ErrorCode.Internal, `internal error (request id ${request.id ?? '-'})`);
    }
    const family = apiFamilyOf(request.originalUrl ?? request.url);
    const reply = family === 'hive' ? hiveErrorReply(error) : family === 'dp' ? dpErrorReply(error) : plainErrorReply(error);
    if (response.headersSent) return;
    response.status(reply.status).json(reply.body);
  }
}
