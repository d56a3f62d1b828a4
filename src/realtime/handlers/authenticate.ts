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

  async authenticate(session: Session, token: string): Promise<PlayerIdentity> {
    if (session.identity) throw new DomainError(ErrorCode.Validation, 'this connection is already connected');
    const identity = this.tokens.verify(token.replace(/^bearer\s+/i, ''));
    await this.players.assertNotBanned(identity);
    return identity;
  }
}
