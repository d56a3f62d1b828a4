import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { PlayerService } from '../player/player.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { type PartyMemberDto, type RichPartyMemberDto, mapMember, mapParty, mapRichMember } from './dto/party.dto.js';
import type { AdmitInput, CodeJoinInput, JoinInput, MemberEditInput } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import { PartyReadyCheckService } from './party-ready-check.service.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus, type PartyMember } from './party-member.entity.js';
import { PartyService } from './party.service.js';
import { PartyRepository } from './party.repository.js';
import { PartyMemberRepository, type Removed } from './party-member.repository.js';
import { MANAGERS, assertRole, minus } from './party-rules.js';

function membershipNotFound(message: string): DomainError {
  return new DomainError(ErrorCode.MembershipNotFound, message);
}

function assertChoices(party: Party, team: string | undefined, channels: string[] | undefined): void {
  if (team !== undefined && team !== '' && !party.teams.includes(team)) {
    throw new DomainError(ErrorCode.TeamInvalid, `team "${team}" is not one of the party's teams ${JSON.stringify(party.teams)}`);
  }
  const unknown = channels?.filter((c) => !party.channels.includes(c)) ?? [];
  if (unknown.length) {
    throw new DomainError(
      ErrorCode.ChannelsInvalid,
      `channels ${JSON.stringify(unknown)} are not among the party's channels ${JSON.stringify(party.channels)}`,
    );
  }
}

function membershipExists(playerId: number, partyId: number, existing: PartyMember | null): DomainError {
  const what = existing?.status === MemberStatus.Waiting ? 'waiting for acceptance' : 'a member';
  return new DomainError(ErrorCode.MembershipExists, `player ${playerId} is already ${what} in party ${partyId}`);
}

function assertRoom(party: Party): void {
  if (party.memberCount >= party.maxMemberCount) {
    throw new DomainError(ErrorCode.PartyFull, `party ${party.id} is full (${party.memberCount}/${party.maxMemberCount} members)`);
  }
}

/** Memberships: join, leave, the waiting list, roles and kicks. */
@Injectable()
export class PartyMembershipService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partyRepo: PartyRepository,
    private readonly memberRepo: PartyMemberRepository,
    private readonly parties: PartyService,
    private readonly chat: PartyChatService,
    private readonly partyEvents: PartyEvents,
    private readonly players: PlayerService,
    private readonly presence: PresenceService,
    private readonly readyChecks: PartyReadyCheckService,
  ) {}

  /** Public party → Accepted at once (if there is room); private → a Waiting request. */
  async join(me: PlayerIdentity, partyId: number, input: JoinInput): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const locked = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      assertChoices(locked, input.team, input.channels);
      const accepted = !locked.isPrivate;
      // A full party: an existing membership is still the error to report.
      if (accepted && locked.memberCount >= locked.maxMemberCount) {
        const existing = await this.memberRepo.membership(m, locked.id, me.playerId);
        if (existing) throw membershipExists(me.playerId, locked.id, existing);
        assertRoom(locked);
      }
      const joined = await this.memberRepo.join(m, locked, me.playerId, { accepted, team: input.team, channels: input.channels });
      if (!joined) throw membershipExists(me.playerId, locked.id, await this.memberRepo.membership(m, locked.id, me.playerId));
      const { party, member, recipients } = joined;
      const body = { partyId: party.id, playerId: me.playerId, membershipId: member.id };
      if (accepted) {
        await this.chat.enter(party, me.playerId, member.channels, tx);
        this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_MEMBER_JOINED', recipients, body);
      } else {
        this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_JOIN_REQUEST', recipients, body);
      }
      return mapMember(member);
    });
  }

  /**
   * Joins with the party's join code: Accepted at once, also in a private party (a Waiting request
   * of the player's becomes Accepted). A code that no longer names a party is PartyNotFound.
   */
  async joinByCode(me: PlayerIdentity, input: CodeJoinInput): Promise<PartyMemberDto> {
    const unknown = () => new DomainError(ErrorCode.PartyNotFound, `no party of game ${me.gameIndex} has the join code "${input.code}"`);
    const found = await this.partyRepo.findPartyByCode(this.dataSource.manager, me.gameIndex, input.code);
    if (!found) throw unknown();
    return inTransaction(this.dataSource, async (tx) => {
      const party = await this.partyRepo.lockParty(tx.manager, me.gameIndex, found.id);
      if (party.code !== input.code) throw unknown();
      return mapMember(await this.admit(party, me.playerId, input, tx));
    });
  }

  /**
   * Makes the player an Accepted member (party row locked by the caller), as a code join or an
   * accepted invite do: a Waiting request is converted, a new membership inserted; refused when
   * the player is a member already or the party is full. The members hear NOTIFY_PARTY_MEMBER_JOINED.
   */
  async admit(party: Party, playerId: number, input: AdmitInput, tx: Tx): Promise<PartyMember> {
    const m = tx.manager;
    assertChoices(party, input.team, input.channels);
    const existing = await this.memberRepo.membership(m, party.id, playerId);
    if (existing?.status === MemberStatus.Accepted) throw membershipExists(playerId, party.id, existing);
    assertRoom(party);
    let member: PartyMember;
    if (existing) {
      await this.memberRepo.acceptRequest(m, party.id, existing.id);
      member = await this.memberRepo.updateMembership(m, existing.id, { team: input.team, channels: input.channels });
    } else {
      const joined = await this.memberRepo.join(m, party, playerId, { accepted: true, team: input.team, channels: input.channels });
      if (!joined) throw membershipExists(playerId, party.id, await this.memberRepo.membership(m, party.id, playerId));
      member = joined.member;
    }
    await this.chat.enter(party, playerId, member.channels, tx);
    const body = { partyId: party.id, playerId, membershipId: member.id };
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_MEMBER_JOINED', await this.memberRepo.acceptedIds(m, party.id), body);
    return member;
  }

  /** Leaves (or withdraws a request). The Owner's leaving passes ownership on; the last one out deletes the party. */
  async leave(me: PlayerIdentity, partyId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await this.partyRepo.lockParty(tx.manager, me.gameIndex, partyId);
      const removed = await this.memberRepo.remove(tx.manager, party, me.playerId);
      if (!removed) throw membershipNotFound(`player ${me.playerId} has no membership in party ${party.id}`);
      await this.afterRemoval(removed, 'left', tx);
      return mapMember(removed.member);
    });
  }

  /** Owner kicks anyone else; an Admin kicks Members only. */
  async kick(me: PlayerIdentity, partyId: number, playerId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      const mine = assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'kick members');
      const target = await this.memberRepo.membership(m, party.id, playerId);
      if (!target || target.status !== MemberStatus.Accepted) {
        throw membershipNotFound(`player ${playerId} is not an accepted member of party ${party.id}`);
      }
      if (target.playerId === me.playerId) {
        throw new DomainError(ErrorCode.Forbidden, `a player cannot kick itself; leave with DELETE /parties/${party.id}`);
      }
      if (mine.role === MemberRole.Admin && target.role !== MemberRole.Member) {
        throw new DomainError(ErrorCode.Forbidden, `an Admin may kick only Members; player ${playerId} has role ${target.role}`);
      }
      const removed = await this.memberRepo.remove(m, party, target.playerId);
      if (!removed) throw membershipNotFound(`player ${playerId} is not an accepted member of party ${party.id}`);
      await this.afterRemoval(removed, 'kicked', tx);
      return mapMember(target);
    });
  }

  /**
   * What follows a membership's removal (the repository already deleted it, lowered member_count
   * and read the Accepted members that remain): chat, the last one out deletes the party, events,
   * ownership passing on.
   */
  private async afterRemoval({ party, member, remaining, last }: Removed, reason: 'left' | 'kicked', tx: Tx): Promise<void> {
    if (member.status === MemberStatus.Waiting) return;
    await this.chat.exit(party, member.playerId, member.channels, tx);
    if (last) {
      await this.parties.deleteParty(party, tx);
      return;
    }
    const body = { partyId: party.id, playerId: member.playerId, membershipId: member.id, reason };
    const recipients = reason === 'kicked' ? [...remaining, member.playerId] : remaining;
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_MEMBER_LEFT', recipients, body);
    await this.readyChecks.dropPlayer(party, member.playerId, tx);
    if (member.role === MemberRole.Owner) {
      const successor = await this.memberRepo.successor(tx.manager, party.id);
      if (successor) await this.makeOwner(party, successor, tx);
    }
  }

  /** The new Owner is in every party channel; everyone hears the party changed hands. Returns the new Owner's membership. */
  private async makeOwner(party: Party, member: PartyMember, tx: Tx): Promise<PartyMember> {
    const m = tx.manager;
    const owner = await this.memberRepo.makeOwner(m, member.id, party.channels);
    await this.chat.enter(party, member.playerId, minus(party.channels, member.channels), tx);
    const handedOver = await this.partyRepo.setOwner(m, party.id, member.playerId);
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_UPDATED', await this.memberRepo.acceptedIds(m, party.id), {
      partyId: party.id,
      party: { ...mapParty(handedOver) },
    });
    return owner;
  }

  /** Accepted members with their profiles and `online`, longest-standing first. */
  async members(gameIndex: number, partyId: number, page: Page): Promise<{ list: RichPartyMemberDto[]; totalCount: number }> {
    const m = this.dataSource.manager;
    await this.partyRepo.findParty(m, gameIndex, partyId);
    const { rows, totalCount } = await this.memberRepo.acceptedMembers(m, partyId, page);
    const ids = rows.map((r) => r.playerId);
    const [profiles, online] = await Promise.all([this.players.findMany(gameIndex, ids), this.presence.connectedSince(gameIndex, ids)]);
    return { list: rows.map((r) => mapRichMember(r, profiles.get(r.playerId), online.get(r.playerId) != null)), totalCount };
  }

  /** Pending requests, oldest first (Owner/Admin). */
  async waiting(me: PlayerIdentity, partyId: number, page: Page): Promise<{ list: PartyMemberDto[]; totalCount: number }> {
    const m = this.dataSource.manager;
    const party = await this.partyRepo.findParty(m, me.gameIndex, partyId);
    assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'see its waiting list');
    const { rows, totalCount } = await this.memberRepo.waitingRequests(m, partyId, page);
    return { list: rows.map(mapMember), totalCount };
  }

  /** Owner/Admin accepts a request; refused when full, and then the request stays Waiting. */
  async accept(me: PlayerIdentity, partyId: number, membershipId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'accept join requests');
      const request = await this.waitingRequest(m, party, membershipId);
      assertRoom(party);
      const member = await this.memberRepo.acceptRequest(m, party.id, request.id);
      await this.chat.enter(party, request.playerId, request.channels, tx);
      const body = { partyId: party.id, playerId: request.playerId, membershipId: request.id };
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_REQUEST_ACCEPTED', [request.playerId], body);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_MEMBER_JOINED', await this.memberRepo.acceptedIds(m, party.id), body);
      return mapMember(member);
    });
  }

  async reject(me: PlayerIdentity, partyId: number, membershipId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'reject join requests');
      const request = await this.waitingRequest(m, party, membershipId);
      await this.memberRepo.deleteMembership(m, request.id);
      const body = { partyId: party.id, playerId: request.playerId, membershipId: request.id };
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_REQUEST_REJECTED', [request.playerId], body);
      return mapMember(request);
    });
  }

  private async waitingRequest(m: EntityManager, party: Party, membershipId: number): Promise<PartyMember> {
    const request = await this.memberRepo.membershipById(m, party.id, membershipId);
    if (!request || request.status !== MemberStatus.Waiting) {
      throw membershipNotFound(`membership ${membershipId} is not a waiting request of party ${party.id}`);
    }
    return request;
  }

  /** The caller changes its own team, channels, data or variables. The Owner stays in every channel. */
  async updateMine(me: PlayerIdentity, partyId: number, input: MemberEditInput): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      const mine = await this.memberRepo.membership(m, party.id, me.playerId);
      if (!mine) throw membershipNotFound(`player ${me.playerId} has no membership in party ${party.id}`);
      assertChoices(party, input.team, input.channels);
      const channels = mine.role === MemberRole.Owner ? undefined : input.channels;
      if (channels !== undefined && mine.status === MemberStatus.Accepted) {
        await this.chat.exit(party, me.playerId, minus(mine.channels, channels), tx);
        await this.chat.enter(party, me.playerId, minus(channels, mine.channels), tx);
      }
      const { team, data, variables } = input;
      return mapMember(await this.memberRepo.updateMembership(m, mine.id, { team, channels, data, variables }));
    });
  }

  /** Owner only. `role: 1` hands ownership over; the old Owner becomes an Admin. */
  async setRole(me: PlayerIdentity, partyId: number, playerId: number, role: MemberRole): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      const mine = assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), [MemberRole.Owner], 'change roles');
      const target = await this.memberRepo.membership(m, party.id, playerId);
      if (!target || target.status !== MemberStatus.Accepted) {
        throw membershipNotFound(`player ${playerId} is not an accepted member of party ${party.id}`);
      }
      if (target.id === mine.id) {
        if (role === MemberRole.Owner) return mapMember(target);
        throw new DomainError(
          ErrorCode.Validation,
          'role: the Owner cannot demote itself; give role 1 to another member to transfer ownership',
        );
      }
      if (role !== MemberRole.Owner) return mapMember(await this.memberRepo.setRole(m, target.id, role));
      await this.memberRepo.setRole(m, mine.id, MemberRole.Admin);
      return mapMember(await this.makeOwner(party, target, tx));
    });
  }
}
