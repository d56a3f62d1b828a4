import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { PlayerService } from '../player/player.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { type PartyMemberDto, type RichPartyMemberDto, mapMember, mapParty, mapRichMember } from './dto/party.dto.js';
import type { JoinInput, MemberEditInput } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus, PartyMember } from './party-member.entity.js';
import { PartyService } from './party.service.js';
import {
  acceptedIds,
  deleteMembership,
  findParty,
  insertMembership,
  lockParty,
  membershipOf,
  minus,
  requireRole,
  setMemberCount,
  successorOf,
} from './party-store.js';

const MANAGERS = [MemberRole.Owner, MemberRole.Admin];

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

/** Memberships: join, leave, the waiting list, roles and kicks (SPEC 2.3 #6-14). */
@Injectable()
export class PartyMembershipService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parties: PartyService,
    private readonly chat: PartyChatService,
    private readonly partyEvents: PartyEvents,
    private readonly players: PlayerService,
    private readonly presence: PresenceService,
  ) {}

  /** Public party → Accepted at once (if there is room); private → a Waiting request. */
  async join(me: PlayerIdentity, partyId: number, input: JoinInput): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      assertChoices(party, input.team, input.channels);
      const accepted = !party.isPrivate;
      // A full party: an existing membership is still the error to report.
      if (accepted && party.memberCount >= party.maxMemberCount) {
        const existing = await membershipOf(m, party.id, me.playerId);
        if (existing) throw membershipExists(me.playerId, party.id, existing);
        assertRoom(party);
      }
      const joined = await insertMembership(m, party, me.playerId, { accepted, team: input.team, channels: input.channels });
      if (!joined) throw membershipExists(me.playerId, party.id, await membershipOf(m, party.id, me.playerId));
      const { member, recipients } = joined;
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

  /** Leaves (or withdraws a request). The Owner's leaving passes ownership on; the last one out deletes the party. */
  async leave(me: PlayerIdentity, partyId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await lockParty(tx.manager, me.gameIndex, partyId);
      const removed = await deleteMembership(tx.manager, party, me.playerId);
      if (!removed) throw membershipNotFound(`player ${me.playerId} has no membership in party ${party.id}`);
      await this.afterRemoval(party, removed, 'left', tx);
      return mapMember(removed.member);
    });
  }

  /** Owner kicks anyone else; an Admin kicks Members only. */
  async kick(me: PlayerIdentity, partyId: number, playerId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await lockParty(tx.manager, me.gameIndex, partyId);
      const mine = await requireRole(tx.manager, party, me.playerId, MANAGERS, 'kick members');
      const target = await membershipOf(tx.manager, party.id, playerId);
      if (!target || target.status !== MemberStatus.Accepted) {
        throw membershipNotFound(`player ${playerId} is not an accepted member of party ${party.id}`);
      }
      if (target.playerId === me.playerId) {
        throw new DomainError(ErrorCode.Forbidden, `a player cannot kick itself; leave with DELETE /parties/${party.id}`);
      }
      if (mine.role === MemberRole.Admin && target.role !== MemberRole.Member) {
        throw new DomainError(ErrorCode.Forbidden, `an Admin may kick only Members; player ${playerId} has role ${target.role}`);
      }
      const removed = await deleteMembership(tx.manager, party, target.playerId);
      if (!removed) throw membershipNotFound(`player ${playerId} is not an accepted member of party ${party.id}`);
      await this.afterRemoval(party, removed, 'kicked', tx);
      return mapMember(target);
    });
  }

  /**
   * What follows a membership's removal (deleteMembership already deleted it, lowered
   * member_count and read the Accepted members that remain): chat, the last one out deletes the
   * party, events, ownership passing on.
   */
  private async afterRemoval(
    party: Party,
    { member, remaining, last }: { member: PartyMember; remaining: number[]; last: boolean },
    reason: 'left' | 'kicked',
    tx: Tx,
  ): Promise<void> {
    if (member.status === MemberStatus.Waiting) return;
    await this.chat.exit(party, member.playerId, member.channels, tx);
    if (last) {
      await this.parties.deleteParty(party, tx);
      return;
    }
    const body = { partyId: party.id, playerId: member.playerId, membershipId: member.id, reason };
    const recipients = reason === 'kicked' ? [...remaining, member.playerId] : remaining;
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_MEMBER_LEFT', recipients, body);
    if (member.role === MemberRole.Owner) {
      const successor = await successorOf(tx.manager, party.id);
      if (successor) await this.makeOwner(party, successor, tx);
    }
  }

  /** The new Owner is in every party channel; everyone hears the party changed hands. */
  private async makeOwner(party: Party, member: PartyMember, tx: Tx): Promise<void> {
    const m = tx.manager;
    await m.getRepository(PartyMember).update({ id: member.id }, { role: MemberRole.Owner, channels: party.channels });
    await this.chat.enter(party, member.playerId, minus(party.channels, member.channels), tx);
    await m.query(`UPDATE parties SET owner = $2 WHERE id = $1`, [party.id, member.playerId]);
    party.owner = member.playerId;
    member.role = MemberRole.Owner;
    member.channels = party.channels;
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_UPDATED', await acceptedIds(m, party.id), {
      partyId: party.id,
      party: { ...mapParty(await findParty(m, party.gameIndex, party.id)) },
    });
  }

  /** Accepted members with their profiles and `online`, longest-standing first. */
  async members(me: PlayerIdentity, partyId: number, page: Page): Promise<{ list: RichPartyMemberDto[]; totalCount: number }> {
    await findParty(this.dataSource.manager, me.gameIndex, partyId);
    const { rows, totalCount } = await this.listMemberships(this.dataSource.manager, partyId, MemberStatus.Accepted, page);
    const ids = rows.map((r) => r.playerId);
    const [profiles, online] = await Promise.all([
      this.players.findMany(me.gameIndex, ids),
      this.presence.connectedSince(me.gameIndex, ids),
    ]);
    return { list: rows.map((r) => mapRichMember(r, profiles.get(r.playerId), online.get(r.playerId) != null)), totalCount };
  }

  /** Pending requests, oldest first (Owner/Admin). */
  async waiting(me: PlayerIdentity, partyId: number, page: Page): Promise<{ list: PartyMemberDto[]; totalCount: number }> {
    const m = this.dataSource.manager;
    const party = await findParty(m, me.gameIndex, partyId);
    await requireRole(m, party, me.playerId, MANAGERS, 'see its waiting list');
    const { rows, totalCount } = await this.listMemberships(m, partyId, MemberStatus.Waiting, page);
    return { list: rows.map(mapMember), totalCount };
  }

  private async listMemberships(m: EntityManager, partyId: number, status: MemberStatus, page: Page) {
    const qb = m
      .getRepository(PartyMember)
      .createQueryBuilder('pm')
      .where('pm.party_id = :partyId AND pm.status = :status', { partyId, status })
      .orderBy(status === MemberStatus.Accepted ? 'pm.accepted_at' : 'pm.id', 'ASC')
      .addOrderBy('pm.id', 'ASC');
    const [rows, totalCount] = await Promise.all([
      page.limit === 0 ? Promise.resolve([] as PartyMember[]) : qb.clone().offset(page.skip).limit(page.limit).getMany(),
      qb.clone().orderBy().getCount(),
    ]);
    return { rows, totalCount };
  }

  /** Owner/Admin accepts a request; refused when full, and then the request stays Waiting. */
  async accept(me: PlayerIdentity, partyId: number, membershipId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      await requireRole(m, party, me.playerId, MANAGERS, 'accept join requests');
      const request = await this.waitingRequest(m, party, membershipId);
      assertRoom(party);
      await m.getRepository(PartyMember).update({ id: request.id }, { status: MemberStatus.Accepted, acceptedAt: new Date() });
      await setMemberCount(m, party, party.memberCount + 1);
      await this.chat.enter(party, request.playerId, request.channels, tx);
      const body = { partyId: party.id, playerId: request.playerId, membershipId: request.id };
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_REQUEST_ACCEPTED', [request.playerId], body);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_MEMBER_JOINED', await acceptedIds(m, party.id), body);
      return mapMember(await m.getRepository(PartyMember).findOneByOrFail({ id: request.id }));
    });
  }

  async reject(me: PlayerIdentity, partyId: number, membershipId: number): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      await requireRole(m, party, me.playerId, MANAGERS, 'reject join requests');
      const request = await this.waitingRequest(m, party, membershipId);
      await m.getRepository(PartyMember).delete({ id: request.id });
      const body = { partyId: party.id, playerId: request.playerId, membershipId: request.id };
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_REQUEST_REJECTED', [request.playerId], body);
      return mapMember(request);
    });
  }

  private async waitingRequest(m: EntityManager, party: Party, membershipId: number): Promise<PartyMember> {
    const request = await m.getRepository(PartyMember).findOneBy({ id: membershipId, partyId: party.id });
    if (!request || request.status !== MemberStatus.Waiting) {
      throw membershipNotFound(`membership ${membershipId} is not a waiting request of party ${party.id}`);
    }
    return request;
  }

  /** The caller changes its own team, channels, data or variables. The Owner stays in every channel. */
  async updateMine(me: PlayerIdentity, partyId: number, input: MemberEditInput): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      const mine = await membershipOf(m, party.id, me.playerId);
      if (!mine) throw membershipNotFound(`player ${me.playerId} has no membership in party ${party.id}`);
      assertChoices(party, input.team, input.channels);
      const patch: Partial<PartyMember> = {};
      if (input.team !== undefined) patch.team = input.team;
      if (input.data !== undefined) patch.data = input.data;
      if (input.variables !== undefined) patch.variables = input.variables;
      if (input.channels !== undefined && mine.role !== MemberRole.Owner) {
        patch.channels = input.channels;
        if (mine.status === MemberStatus.Accepted) {
          await this.chat.exit(party, me.playerId, minus(mine.channels, input.channels), tx);
          await this.chat.enter(party, me.playerId, minus(input.channels, mine.channels), tx);
        }
      }
      if (Object.keys(patch).length) await m.getRepository(PartyMember).update({ id: mine.id }, patch);
      return mapMember(await m.getRepository(PartyMember).findOneByOrFail({ id: mine.id }));
    });
  }

  /** Owner only. `role: 1` hands ownership over; the old Owner becomes an Admin. */
  async setRole(me: PlayerIdentity, partyId: number, playerId: number, role: MemberRole): Promise<PartyMemberDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      const mine = await requireRole(m, party, me.playerId, [MemberRole.Owner], 'change roles');
      const target = await membershipOf(m, party.id, playerId);
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
      if (role === MemberRole.Owner) {
        await m.getRepository(PartyMember).update({ id: mine.id }, { role: MemberRole.Admin });
        await this.makeOwner(party, target, tx);
      } else {
        await m.getRepository(PartyMember).update({ id: target.id }, { role });
      }
      return mapMember(await m.getRepository(PartyMember).findOneByOrFail({ id: target.id }));
    });
  }
}
