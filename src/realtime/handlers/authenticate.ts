import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { PlayerService } from '../../player/player.service.js';
import { TokenService } from '../../player/token.service.js';
import { ChannelIdsLoader } from '../session/channel-ids-loader.js';
import { PresenceNotifier } from '../session/presence-notifier.js';
import type { Session } from '../session/session.js';

/** What CONNECT and RECONNECT start from: the player, and the reads both need, already on their way. */
export interface Authenticated {
  identity: PlayerIdentity;
  /** The player's channel ids (settled by the time authenticate resolves: read with the ban check). */
  channelIds: Promise<string[]>;
  /** Who is told about the player's presence. */
  audience: Promise<Set<number>>;
}

/** The token check shared by CONNECT and RECONNECT. */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly players: PlayerService,
    private readonly channelIds: ChannelIdsLoader,
    private readonly notifier: PresenceNotifier,
  ) {}

  /**
   * The token, then the ban check; the player's channels and presence audience are asked once the
   * token names the player, in the same turn as the ban check, so that all of them go out in one
   * statement (PlayerReads, docs/performance.md).
   */
  async authenticate(session: Session, token: string): Promise<Authenticated> {
    if (session.identity) throw new DomainError(ErrorCode.Validation, 'this connection is already connected');
    const identity = this.tokens.verify(token.replace(/^bearer\s+/i, ''));
    const channelIds = this.channelIds.of(identity.gameIndex, identity.playerId);
    const audience = this.notifier.audienceOf(identity.gameIndex, identity.playerId);
    channelIds.catch(() => undefined);
    audience.catch(() => undefined);
    await this.players.assertNotBanned(identity);
    return { identity, channelIds, audience };
  }
}
