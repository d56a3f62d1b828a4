import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { PlayerService } from '../../player/player.service.js';
import { TokenService } from '../../player/token.service.js';
import type { Session } from '../session/session.js';

/** The token check shared by CONNECT and RECONNECT. */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly players: PlayerService,
  ) {}

  /**
   * `alongside`: reads the handler needs anyway, started once the token names the player and in
   * the same turn as the ban check, so that all of them go out in one statement (PlayerReads).
   */
  async authenticate(session: Session, token: string, alongside?: (identity: PlayerIdentity) => void): Promise<PlayerIdentity> {
    if (session.identity) throw new DomainError(ErrorCode.Validation, 'this connection is already connected');
    const identity = this.tokens.verify(token.replace(/^bearer\s+/i, ''));
    alongside?.(identity);
    await this.players.assertNotBanned(identity);
    return identity;
  }
}
