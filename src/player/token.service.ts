import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { AppConfig } from '../infra/config/app-config.js';
import type { PlayerIdentity } from './player-identity.js';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Signs and checks player tokens: HS256 JWTs with claims gameIndex and playerId. */
@Injectable()
export class TokenService {
  /**
   * The HS256 secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse
   * it as a PEM public key and then builds a secret key on every verify (most of a CONNECT's CPU).
   */
  private readonly verifyKey: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.verifyKey = createSecretKey(Buffer.from(config.settings.jwtSecret, 'utf8'));
  }

  issue(identity: PlayerIdentity): IssuedToken {
    const ttl = this.config.settings.tokenTtlSeconds;
    const token = this.jwt.sign(
      { gameIndex: identity.gameIndex, playerId: identity.playerId },
      { secret: this.config.settings.jwtSecret, expiresIn: ttl, algorithm: 'HS256' },
    );
    // The exp claim has second precision; report exactly what the token carries.
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The identity in a valid token; DomainError InvalidToken for anything else. */
  verify(token: string): PlayerIdentity {
    let claims: { gameIndex?: unknown; playerId?: unknown };
    try {
      claims = this.jwt.verify(token, { secret: this.verifyKey as unknown as string, algorithms: ['HS256'] });
    } catch (err) {
      const reason = (err as Error).name === 'TokenExpiredError' ? 'token has expired' : 'token is malformed or its signature is wrong';
      throw new DomainError(ErrorCode.InvalidToken, reason);
    }
    const { gameIndex, playerId } = claims;
    if (!Number.isSafeInteger(gameIndex) || !Number.isSafeInteger(playerId)) {
      throw new DomainError(ErrorCode.InvalidToken, 'token lacks gameIndex or playerId');
    }
    return { gameIndex: gameIndex as number, playerId: playerId as number };
  }
}
