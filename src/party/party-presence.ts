import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PresenceAudience } from '../presence/presence-audience.js';

/** Party co-members hear when a player comes online or goes offline (NOTIFY_PRESENCE). */
@Injectable()
export class PartyPresenceAudience implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audience: PresenceAudience,
  ) {}

  onModuleInit(): void {
    this.audience.register((gameIndex, playerId) => this.coMembers(gameIndex, playerId));
  }

  /** Accepted members of every party the player is an Accepted member of. */
  async coMembers(gameIndex: number, playerId: number): Promise<number[]> {
    const rows: { player_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT other.player_id FROM party_members mine
         JOIN party_members other ON other.party_id = mine.party_id AND other.status = 1
        WHERE mine.game_index = $1 AND mine.player_id = $2 AND mine.status = 1`,
      [gameIndex, playerId],
    );
    return rows.map((r) => Number(r.player_id));
  }
}
