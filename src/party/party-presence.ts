import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PresenceAudience } from '../presence/presence-audience.js';
import { PartyMemberRepository } from './party-member.repository.js';

/** Party co-members hear when a player comes online or goes offline (NOTIFY_PRESENCE). */
@Injectable()
export class PartyPresenceAudience implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly memberRepo: PartyMemberRepository,
    private readonly audience: PresenceAudience,
  ) {}

  onModuleInit(): void {
    this.audience.register((gameIndex, playerId) => this.coMembers(gameIndex, playerId));
  }

  /** Accepted members of every party the player is an Accepted member of. */
  coMembers(gameIndex: number, playerId: number): Promise<number[]> {
    return this.memberRepo.coMembers(this.dataSource.manager, gameIndex, playerId);
  }
}
