import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../../infra/config/app-config.js';
import { clientAddress } from './client-address.js';
import { RateLimits } from './rate-limits.js';

/** Guest and token logins: one bucket per client address (RATE_LOGIN), checked before validation and any database work. */
@Injectable()
export class LoginRateGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.limits.login;
    if (limit) await limit.take(clientAddress(context.switchToHttp().getRequest<Request>(), this.config.settings.trustProxy));
    return true;
  }
}
