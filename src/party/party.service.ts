import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { containsPattern } from '../infra/database/like.js';
import { WordFilterService } from '../moderation/word-filter.service.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { type PartyDto, mapParty, mapPartyForMember } from './dto/party.dto.js';
import type { CreatePartyInput, PartyFields } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import { PartyReadyCheckService } from './party-ready-check.service.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus } from './party-member.entity.js';
import { PartyRepository } from './party.repository.js';
import { PartyMemberRepository } from './party-member.repository.js';
import { type Paged } from './party-rows.js';
import { MANAGERS, assertRole, minus, sameNames } from './party-rules.js';

export interface PartyList {
  list: PartyDto[];
  totalCount: number;
}

/** How long (and for how many substrings) a search remembers that a substring is dense. */
const DENSE_MEMORY_MS = 60_000;
const DENSE_MEMORY_SIZE = 1_000;

const partyList = ({ rows, totalCount }: Paged<Party>, map = mapParty): PartyList => ({ list: rows.map((p) => map(p)), totalCount });

/** Party-level operations: create, search, read, edit, disband. */
@Injectable()
export class PartyService {
  /** (game, LIKE pattern) → until when it is taken as dense (more than EXACT_COUNT_UP_TO matches). */
  private readonly denseQueries = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partyRepo: PartyRepository,
    private readonly memberRepo: PartyMemberRepository,
    private readonly chat: PartyChatService,
    private readonly partyEvents: PartyEvents,
    private readonly filter: WordFilterService,
    private readonly readyChecks: PartyReadyCheckService,
  ) {}

  async create(me: PlayerIdentity, input: CreatePartyInput): Promise<PartyDto> {
    // Before the transaction: the filter may read the database (one connection on the embedded one).
    await this.filter.assertCleanNames(me.gameIndex, { name: input.name, desc: input.desc });
    return inTransaction(this.dataSource, async (tx) => {
      const party = await this.partyRepo.createParty(tx.manager, me.gameIndex, me.playerId, input);
      await this.chat.createChannels(party, party.channels, tx);
      await this.chat.enter(party, me.playerId, party.channels, tx);
      return mapPartyForMember(party);
    });
  }

  /**
   * All parties of the game (private ones too) whose name contains `query`, newest first; the
   * total is exact up to EXACT_COUNT_UP_TO matches, an estimate above (docs/party-api.md#totals).
   * The planner misjudges how many names a substring matches, so the plan is not left to it: one
   * statement collects up to EXACT_COUNT_UP_TO + 1 matching ids through the name index (trigrams,
   * or for one or two characters, which make no trigram, the grams index), counts and pages them;
   * only when there are more (a very common substring) is the newest-first index walked instead,
   * which meets the page's matches, and the bounded count's, quickly at that density.
   */
  async search(gameIndex: number, query: string | undefined, page: Page): Promise<PartyList> {
    const m = this.dataSource.manager;
    if (!query) return partyList(await this.partyRepo.partiesOfGame(m, gameIndex, page));
    const lowered = query.toLowerCase();
    const pattern = containsPattern(lowered);
    const short = [...lowered].length <= 2 ? lowered : null;
    // A substring seen to be dense lately goes straight to the index walk: the sorting statement
    // would collect 10,001 ids for nothing. Only the plan depends on this memory, never the answer.
    const denseKey = `${gameIndex}\u0000${pattern}`;
    const denseUntil = this.denseQueries.get(denseKey);
    if (denseUntil !== undefined && denseUntil > Date.now())
      return partyList(await this.partyRepo.walkMatches(m, gameIndex, pattern, page));
    const sorted = await this.partyRepo.sortMatches(m, gameIndex, pattern, short, page);
    if (sorted) {
      this.denseQueries.delete(denseKey);
      return partyList(sorted);
    }
    if (this.denseQueries.size >= DENSE_MEMORY_SIZE) this.denseQueries.clear();
    this.denseQueries.set(denseKey, Date.now() + DENSE_MEMORY_MS);
    return partyList(await this.partyRepo.walkMatches(m, gameIndex, pattern, page));
  }

  /** Parties the player is an Accepted member of, newest first. */
  async mine(me: PlayerIdentity, query: string | undefined, page: Page): Promise<PartyList> {
    const pattern = query ? containsPattern(query.toLowerCase()) : null;
    return partyList(
      await this.partyRepo.partiesOfMember(this.dataSource.manager, me.gameIndex, me.playerId, pattern, page),
      mapPartyForMember,
    );
  }

  /** For the server API: a player's parties as anyone sees them (no join code). */
  async ofMember(gameIndex: number, playerId: number, query: string | undefined, page: Page): Promise<PartyList> {
    const pattern = query ? containsPattern(query.toLowerCase()) : null;
    return partyList(await this.partyRepo.partiesOfMember(this.dataSource.manager, gameIndex, playerId, pattern, page));
  }

  /** The join code only to an Accepted member. */
  async get(me: PlayerIdentity, partyId: number): Promise<PartyDto> {
    const m = this.dataSource.manager;
    const party = await this.partyRepo.findParty(m, me.gameIndex, partyId);
    const mine = await this.memberRepo.membership(m, party.id, me.playerId);
    return mine?.status === MemberStatus.Accepted ? mapPartyForMember(party) : mapParty(party);
  }

  /** Owner or Admin: a new join code; the old one stops working at once. */
  async newCode(me: PlayerIdentity, partyId: number): Promise<PartyDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await this.partyRepo.lockParty(tx.manager, me.gameIndex, partyId);
      assertRole(party.id, await this.memberRepo.membership(tx.manager, party.id, me.playerId), MANAGERS, 'change its join code');
      return mapPartyForMember(await this.partyRepo.regenerateCode(tx.manager, party));
    });
  }

  /** Owner or Admin; fields left out keep their value. */
  async edit(me: PlayerIdentity, partyId: number, fields: PartyFields): Promise<PartyDto> {
    await this.filter.assertCleanNames(me.gameIndex, { name: fields.name, desc: fields.desc });
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const before = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      assertRole(before.id, await this.memberRepo.membership(m, before.id, me.playerId), MANAGERS, 'edit it');
      if (fields.maxMemberCount !== undefined && fields.maxMemberCount < before.memberCount) {
        throw new DomainError(
          ErrorCode.Validation,
          `max_member_count ${fields.maxMemberCount} is below the current member count ${before.memberCount}`,
        );
      }
      const party = await this.partyRepo.updateParty(m, before.id, fields);
      if (!sameNames(before.teams, party.teams)) await this.memberRepo.clearRemovedTeams(m, party.id, party.teams);
      await this.syncChannels(before, party, tx);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_UPDATED', await this.memberRepo.acceptedIds(m, party.id), {
        partyId: party.id,
        party: { ...mapParty(party) },
      });
      return mapPartyForMember(party);
    });
  }

  /** Removed names lose their chat channel, new ones get one (the Owner is in all of them). */
  private async syncChannels(before: Party, party: Party, tx: Tx): Promise<void> {
    const removed = minus(before.channels, party.channels);
    const added = minus(party.channels, before.channels);
    if (removed.length) {
      await this.chat.deleteChannels(party, removed, tx);
      await this.memberRepo.dropMemberChannels(tx.manager, party.id, removed);
    }
    if (before.maxMemberCount !== party.maxMemberCount) {
      // Only the channels that exist yet: the ones created below get the new capacity.
      await this.chat.resize({ ...party, channels: minus(party.channels, added) }, tx);
    }
    if (added.length) {
      await this.chat.createChannels(party, added, tx);
      await this.chat.enter(party, party.owner, added, tx);
      await this.memberRepo.setOwnerChannels(tx.manager, party.id, party.channels);
    }
  }

  /** Owner only: deletes the party, its memberships and its chat channels. */
  async disband(me: PlayerIdentity, partyId: number): Promise<PartyDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await this.partyRepo.lockParty(tx.manager, me.gameIndex, partyId);
      assertRole(party.id, await this.memberRepo.membership(tx.manager, party.id, me.playerId), [MemberRole.Owner], 'disband it');
      await this.deleteParty(party, tx);
      return mapParty(party);
    });
  }

  /**
   * Used by disband and by the last member leaving. Everyone with a membership or request is told;
   * a running ready check ends canceled first (its invites and checks go with the party).
   */
  async deleteParty(party: Party, tx: Tx): Promise<void> {
    await this.readyChecks.cancel(party, tx);
    const recipients = await this.memberRepo.memberIds(tx.manager, party.id);
    await this.chat.deleteChannels(party, party.channels, tx);
    await this.partyRepo.deleteParty(tx.manager, party.id);
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_DELETED', recipients, { partyId: party.id });
  }
}
