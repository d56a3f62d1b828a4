import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type PlayerColumn, PlayerReads, sqlJson } from '../common/player-reads.js';
import { PresenceAudience } from '../presence/presence-audience.js';
import { MemberStatus } from './party-member.entity.js';

/**
 * Accepted members of every party the player is an Accepted member of (the player included), for
 * PlayerReads: a CONNECT or disconnect asks it in the same statement as its other reads.
 */
export const PARTY_CO_MEMBERS_COLUMN: PlayerColumn<number[]> = {
  name: 'party_co_members',
  sql: `(SELECT json_agg(DISTINCT other.player_id) FROM party_members mine
           JOIN party_members other ON other.party_id = mine.party_id AND other.status = ${MemberStatus.Accepted}
          WHERE mine.game_index = $1 AND mine.player_id = p.id AND mine.status = ${MemberStatus.Accepted})`,
  parse: (raw) => (sqlJson<(number | string)[]>(raw) ?? []).map(Number),
};

/** Party co-members hear when a player comes online or goes offline (NOTIFY_PRESENCE). */
@Injectable()
export class PartyPresenceAudience implements OnModuleInit {
  constructor(
    private readonly reads: PlayerReads,
    private readonly audience: PresenceAudience,
  ) {}

  onModuleInit(): void {
    this.audience.register((gameIndex, playerId) => this.coMembers(gameIndex, playerId));
  }

  /** Accepted members of every party the player is an Accepted member of. */
  coMembers(gameIndex: number, playerId: number): Promise<number[]> {
    return this.reads.get(PARTY_CO_MEMBERS_COLUMN, gameIndex, playerId);
  }
}
