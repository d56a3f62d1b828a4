import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { GamePrefixedRequest } from '../common/http/game-prefix.middleware.js';
import { RateLimits } from '../common/rate-limit/rate-limits.js';
import { bearerOf } from './bearer.js';
import type { PlayerIdentity } from './player-identity.js';
import { PlayerService } from './player.service.js';
import { TokenService } from './token.service.js';

type PlayerRequest = GamePrefixedRequest & { player?: PlayerIdentity };

/**
 * Party and user routes: a valid player token of a non-banned player, of the path's game if any,
 * within the player's request rate (RATE_REST; checked before the ban check, the first that may
 * read the database, so a refused request costs no query).
 */
@Injectable()
export class PlayerTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly players: PlayerService,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<PlayerRequest>();
    const token = bearerOf(request.headers.authorization);
    if (!token) throw new DomainError(ErrorCode.InvalidToken, 'Authorization header must be "Bearer <player token>"');
    const identity = this.tokens.verify(token);
    if (request.prefixGame !== undefined && request.prefixGame !== identity.gameIndex) {
      throw new DomainError(ErrorCode.Forbidden, `the token belongs to game ${identity.gameIndex}, not game ${request.prefixGame}`);
    }
    await this.limits.rest?.take(`${identity.gameIndex}:${identity.playerId}`);
    await this.players.assertNotBanned(identity);
    request.player = identity;
    return true;
  }
}

/** The identity PlayerTokenGuard established. */
export const CurrentPlayer = createParamDecorator((_data: unknown, context: ExecutionContext): PlayerIdentity => {
  return context.switchToHttp().getRequest<PlayerRequest>().player!;
});
