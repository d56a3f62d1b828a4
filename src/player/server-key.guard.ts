import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { AppConfig } from '../infra/config/app-config.js';
import { bearerOf } from './bearer.js';
import { parseGameIndex } from './game-index.js';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Chat server API: `Authorization: Bearer <server key>` of the game named in the path. */
@Injectable()
export class ServerKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const gameIndex = parseGameIndex(request.params.gameIndex);
    const key = bearerOf(request.headers.authorization);
    if (!key) throw new DomainError(ErrorCode.InvalidToken, 'Authorization header must be "Bearer <server key>"');
    const expected = this.config.settings.serverKeys.get(gameIndex);
    if (!expected || !sameSecret(key, expected)) {
      throw new DomainError(ErrorCode.InvalidToken, `the server key is not valid for game ${gameIndex}`);
    }
    return true;
  }
}
