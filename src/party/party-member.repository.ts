import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page } from './dto/party-query.dto.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus, type PartyMember } from './party-member.entity.js';
import { type MemberRow, type Paged, ids, jsonOrNull, memberFromRow, paged, rowsOf } from './party-rows.js';
import * as sql from './party-sql.js';

/** Roles that decide on join requests and hear about them. */
const DECIDING_ROLES = [MemberRole.Owner, MemberRole.Admin];

/** A membership just added, the party after it, and who is to be told (the new member included). */
export interface Joined {
  party: Party;
  member: PartyMember;
  recipients: number[];
}

/** A membership just removed, the party after it, and the Accepted members that remain. */
export interface Removed {
  party: Party;
  member: PartyMember;
  remaining: number[];
  /** It was the last Accepted member: the party is to be deleted (member_count was left as it was). */
  last: boolean;
}

/**
 * Membership queries (SQL text in party-sql.ts), run through the manager the caller passes, as in
 * PartyRepository. Joins and removals expect the caller to hold the party row lock.
 */
@Injectable()
export class PartyMemberRepository {
  async clearRemovedTeams(m: EntityManager, partyId: number, teams: string[]): Promise<void> {
    await m.query(sql.CLEAR_REMOVED_TEAMS, [partyId, teams]);
  }

  async dropMemberChannels(m: EntityManager, partyId: number, removed: string[]): Promise<void> {
    await m.query(sql.DROP_MEMBER_CHANNELS, [partyId, removed]);
  }

  async setOwnerChannels(m: EntityManager, partyId: number, channels: string[]): Promise<void> {
    await m.query(sql.SET_CHANNELS_OF_ROLE, [partyId, channels, MemberRole.Owner]);
  }

  async membership(m: EntityManager, partyId: number, playerId: number): Promise<PartyMember | null> {
    const [row] = await rowsOf<MemberRow>(m, sql.MEMBERSHIP_OF_PLAYER, [partyId, playerId]);
    return row ? memberFromRow(row) : null;
  }

  async membershipById(m: EntityManager, partyId: number, membershipId: number): Promise<PartyMember | null> {
    const [row] = await rowsOf<MemberRow>(m, sql.MEMBERSHIP_BY_ID, [membershipId, partyId]);
    return row ? memberFromRow(row) : null;
  }

  /** Players with a membership or a pending request. */
  async memberIds(m: EntityManager, partyId: number): Promise<number[]> {
    const rows = await rowsOf<{ player_id: string }>(m, sql.MEMBER_IDS, [partyId]);
    return ids(rows.map((r) => r.player_id));
  }

  async acceptedIds(m: EntityManager, partyId: number): Promise<number[]> {
    const rows = await rowsOf<{ player_id: string }>(m, sql.MEMBER_IDS_WITH_STATUS, [partyId, MemberStatus.Accepted]);
    return ids(rows.map((r) => r.player_id));
  }

  /**
   * Adds the player as a Member (party row locked by the caller): Accepted (member_count + 1, the
   * Accepted members are told) or a Waiting request (the Owner and Admins are told), in one
   * statement. null: the player already has a membership.
   */
  async join(
    m: EntityManager,
    party: Party,
    playerId: number,
    fields: { accepted: boolean; team?: string; channels?: string[] },
  ): Promise<Joined | null> {
    const common = [party.gameIndex, party.id, playerId, MemberRole.Member];
    const [row] = fields.accepted
      ? await rowsOf<MemberRow & { recipients: (string | number)[] }>(m, sql.INSERT_ACCEPTED_MEMBER, [
          ...common,
          MemberStatus.Accepted,
          fields.team ?? null,
          fields.channels ?? null,
          new Date(),
        ])
      : await rowsOf<MemberRow & { recipients: (string | number)[] }>(m, sql.INSERT_JOIN_REQUEST, [
          ...common,
          MemberStatus.Waiting,
          fields.team ?? null,
          fields.channels ?? null,
          MemberStatus.Accepted,
          DECIDING_ROLES,
        ]);
    if (!row) return null;
    if (!fields.accepted) return { party, member: memberFromRow(row), recipients: ids(row.recipients) };
    // The statement's snapshot predates its own insert: the new member is added here.
    return {
      party: { ...party, memberCount: party.memberCount + 1 },
      member: memberFromRow(row),
      recipients: [...ids(row.recipients), playerId],
    };
  }

  /** Removes the player's membership or request (party row locked by the caller). null: there is none. */
  async remove(m: EntityManager, party: Party, playerId: number): Promise<Removed | null> {
    const last = party.memberCount <= 1;
    const [row] = await rowsOf<MemberRow & { remaining: (string | number)[] }>(m, sql.DELETE_MEMBER, [
      party.id,
      playerId,
      !last,
      MemberStatus.Accepted,
    ]);
    if (!row) return null;
    const member = memberFromRow(row);
    const counted = member.status === MemberStatus.Accepted && !last;
    return {
      party: counted ? { ...party, memberCount: party.memberCount - 1 } : party,
      member,
      remaining: ids(row.remaining),
      last,
    };
  }

  /** A Waiting request becomes Accepted and counts toward member_count (party row locked by the caller). */
  async acceptRequest(m: EntityManager, partyId: number, membershipId: number): Promise<PartyMember> {
    const [row] = await rowsOf<MemberRow>(m, sql.ACCEPT_REQUEST, [membershipId, partyId, MemberStatus.Accepted, new Date()]);
    return memberFromRow(row);
  }

  async deleteMembership(m: EntityManager, membershipId: number): Promise<void> {
    await m.query(sql.DELETE_MEMBERSHIP, [membershipId]);
  }

  /** Fields left out keep their value. */
  async updateMembership(
    m: EntityManager,
    membershipId: number,
    fields: { team?: string; channels?: string[]; data?: string; variables?: Record<string, string> },
  ): Promise<PartyMember> {
    const [row] = await rowsOf<MemberRow>(m, sql.UPDATE_MEMBERSHIP, [
      membershipId,
      fields.team ?? null,
      fields.channels ?? null,
      fields.data ?? null,
      jsonOrNull(fields.variables),
    ]);
    return memberFromRow(row);
  }

  async setRole(m: EntityManager, membershipId: number, role: MemberRole): Promise<PartyMember> {
    const [row] = await rowsOf<MemberRow>(m, sql.SET_ROLE, [membershipId, role]);
    return memberFromRow(row);
  }

  /** The membership becomes the Owner's, in every party channel. */
  async makeOwner(m: EntityManager, membershipId: number, channels: string[]): Promise<PartyMember> {
    const [row] = await rowsOf<MemberRow>(m, sql.SET_ROLE_AND_CHANNELS, [membershipId, MemberRole.Owner, channels]);
    return memberFromRow(row);
  }

  /** Who inherits ownership: the longest-standing Admin, else the longest-standing Member. */
  async successor(m: EntityManager, partyId: number): Promise<PartyMember | null> {
    const [row] = await rowsOf<MemberRow>(m, sql.SUCCESSOR, [partyId, MemberStatus.Accepted, MemberRole.Admin]);
    return row ? memberFromRow(row) : null;
  }

  /** Accepted members, longest-standing first. */
  acceptedMembers(m: EntityManager, partyId: number, page: Page): Promise<Paged<PartyMember>> {
    return this.memberPage(m, sql.MEMBERS_BY_ACCEPTANCE, partyId, MemberStatus.Accepted, page);
  }

  /** Pending requests, oldest first. */
  waitingRequests(m: EntityManager, partyId: number, page: Page): Promise<Paged<PartyMember>> {
    return this.memberPage(m, sql.MEMBERS_BY_ID, partyId, MemberStatus.Waiting, page);
  }

  private memberPage(m: EntityManager, text: string, partyId: number, status: MemberStatus, page: Page): Promise<Paged<PartyMember>> {
    return paged(
      m,
      page,
      (skip, limit) => rowsOf<MemberRow>(m, text, [partyId, status, skip, limit]).then((rows) => rows.map(memberFromRow)),
      sql.COUNT_MEMBERS,
      [partyId, status],
    );
  }
}
