import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error.js';
import { allowedMethods } from '../http/allowed-methods.js';
import { apiFamilyOf } from './api-family.js';
import { dpErrorReply, hiveErrorReply, plainErrorReply, toDomainError } from './error-bodies.js';
import { errorText } from './error-text.js';

/**
 * The one place HTTP errors are shaped. Hive paths answer `{code, message, data}`, DynamicPixels
 * paths `{msg, status: false, detail, message}`; anything unexpected is logged with the request id and
 * answered 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    let error = toDomainError(exception);
    if (exception instanceof NotFoundException && error?.code === ErrorCode.NotFound) {
      // No route for this method: if the path is served with other methods, that is a 405.
      const allowed = allowedMethods(this.adapterHost.httpAdapter.getInstance(), request.path);
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        response.setHeader('Allow', allowed.join(', '));
        error = new DomainError(
          ErrorCode.MethodNotAllowed,
          `${request.method} is not allowed on ${request.path}; allowed: ${allowed.join(', ')}`,
        );
      }
    } else if (error?.code === ErrorCode.Busy && !(exception instanceof DomainError)) {
      this.logger.warn(
        `request ${request.id ?? '-'} ${request.method} ${request.path}: answered 503, ${(exception as Error)?.message ?? exception}`,
      );
    }
    if (!error) {
      this.logger.error(`request ${request.id ?? '-'} ${request.method} ${request.originalUrl} failed: ${errorText(exception)}`);
      error = new DomainError(ErrorCode.Internal, `internal error (request id ${request.id ?? '-'})`);
    }
    const family = apiFamilyOf(request.originalUrl ?? request.url);
    if (
      family === 'plain' &&
      exception instanceof HttpException &&
      !(exception instanceof NotFoundException) &&
      typeof exception.getResponse() === 'object'
    ) {
      // Outside both APIs (health routes): the body the controller built, as it built it.
      if (!response.headersSent) response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const reply = family === 'hive' ? hiveErrorReply(error) : family === 'dp' ? dpErrorReply(error) : plainErrorReply(error);
    if (response.headersSent) return;
    if (error.retryAfterMillis !== undefined) response.setHeader('Retry-After', String(Math.ceil(error.retryAfterMillis / 1000)));
    response.status(reply.status).json(reply.body);
  }
}
