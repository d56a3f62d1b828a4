import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PurgeService } from '../channel/purge.service.js';
import { PartyInviteRepository } from './party-invite.repository.js';
import { PartyReadyCheckRepository } from './party-ready-check.repository.js';

/** Invites and ended ready checks are kept this long (docs/party-api.md), then the purge job deletes them. */
export const PARTY_RECORDS_KEPT_MS = 86_400_000;

/** Adds the party module's deletions to the purge job (docs/operations.md#purge-job). */
@Injectable()
export class PartyPurge implements OnModuleInit {
  constructor(
    private readonly purge: PurgeService,
    private readonly inviteRepo: PartyInviteRepository,
    private readonly checkRepo: PartyReadyCheckRepository,
  ) {}

  onModuleInit(): void {
    const cutoff = () => new Date(Date.now() - PARTY_RECORDS_KEPT_MS);
    this.purge.addStep({ name: 'party invites older than a day', run: (m, size) => this.inviteRepo.deleteOldInvites(m, cutoff(), size) });
    this.purge.addStep({
      name: 'party ready checks ended more than a day ago',
      run: (m, size) => this.checkRepo.deleteOldReadyChecks(m, cutoff(), size),
    });
  }
}
