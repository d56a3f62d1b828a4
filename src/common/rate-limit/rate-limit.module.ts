import { Global, Module } from '@nestjs/common';
import { LoginRateGuard } from './login-rate.guard.js';
import { RateLimits } from './rate-limits.js';

/** The rate limits of every door, for the player-token guard, the login routes and the packet router. */
@Global()
@Module({
  providers: [RateLimits, LoginRateGuard],
  exports: [RateLimits, LoginRateGuard],
})
export class RateLimitModule {}
