import { Injectable } from '@nestjs/common';
import { MEMBERSHIPS_COLUMN, type Membership } from '../../channel/channel-queries.js';
import { PlayerReads } from '../../common/player-reads.js';

/**
 * "Every channel the player is in" for CONNECT/RECONNECT answers, the presence audience and the
 * disconnect clean-up: one PlayerReads column, so it shares one statement per burst with the
 * other reads of the same CONNECTs (ban, party co-members), and one read per CONNECT for all uses.
 */
@Injectable()
export class ChannelIdsLoader {
  constructor(private readonly reads: PlayerReads) {}

  of(gameIndex: number, playerId: number): Promise<string[]> {
    return this.memberships(gameIndex, playerId).then((list) => list.map((m) => m.channelId));
  }

  memberships(gameIndex: number, playerId: number): Promise<Membership[]> {
    return this.reads.get(MEMBERSHIPS_COLUMN, gameIndex, playerId);
  }

  /** The player's channels changed (or may have): the next read does not share one sent before. */
  forget(gameIndex: number, playerId: number): void {
    this.reads.forget(MEMBERSHIPS_COLUMN, gameIndex, playerId);
  }
}
