import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { CreatePartyInput, PartyFields } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { Party } from './party.entity.js';
import { MemberRole, MemberStatus, PartyMember } from './party-member.entity.js';
import { InviteStatus, type PartyInvite } from './party-invite.js';
import { type ReadyCheck, ReadyCheckStatus } from './party-ready-check.js';
import { newJoinCode } from './party-rules.js';
import * as sql from './party-sql.js';

/** Draws of a join code before giving up: with 32^6 codes, a second draw is already rare. */
const CODE_ATTEMPTS = 10;

/** Roles that decide on join requests and hear about them. */
const DECIDING_ROLES = [MemberRole.Owner, MemberRole.Admin];

/** A `parties` row as the driver returns it (arrays and jsonb parsed, bigint as text). */
interface PartyRow {
  id: number;
  game_index: number;
  name: string;
  desc: string;
  image: string;
  max_member_count: number;
  member_count: number;
  is_private: boolean;
  teams: string[];
  channels: string[];
  data: string;
  variables: Record<string, string>;
  owner: string | number;
  created_at: Date | string;
  code: string;
  members_can_invite: boolean;
}

/** A `party_members` row as the driver returns it. */
interface MemberRow {
  id: number;
  game_index: number;
  party_id: number;
  player_id: string | number;
  role: number;
  status: number;
  team: string;
  channels: string[];
  data: string;
  variables: Record<string, string>;
  created_at: Date | string;
  accepted_at: Date | string | null;
}

/** A `party_invites` row. */
interface InviteRow {
  id: number;
  game_index: number;
  party_id: number;
  player_id: string | number;
  inviter: string | number;
  status: number;
  created_at: Date | string;
  expires_at: Date | string;
}

function inviteFromRow(r: InviteRow): PartyInvite {
  return {
    id: Number(r.id),
    gameIndex: Number(r.game_index),
    partyId: Number(r.party_id),
    playerId: Number(r.player_id),
    inviter: Number(r.inviter),
    status: Number(r.status),
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
  };
}

/** A `party_ready_checks` row. */
interface ReadyCheckRow {
  id: number;
  game_index: number;
  party_id: number;
  started_by: string | number;
  status: string;
  created_at: Date | string;
  expires_at: Date | string;
}

/** The same entity TypeORM would build from the row. */
function partyFromRow(r: PartyRow): Party {
  return Object.assign(new Party(), {
    id: Number(r.id),
    gameIndex: Number(r.game_index),
    name: r.name,
    desc: r.desc,
    image: r.image,
    maxMemberCount: Number(r.max_member_count),
    memberCount: Number(r.member_count),
    isPrivate: r.is_private,
    teams: r.teams,
    channels: r.channels,
    data: r.data,
    variables: r.variables,
    owner: Number(r.owner),
    createdAt: new Date(r.created_at),
    code: r.code,
    membersCanInvite: r.members_can_invite,
  });
}

function memberFromRow(r: MemberRow): PartyMember {
  return Object.assign(new PartyMember(), {
    id: Number(r.id),
    gameIndex: Number(r.game_index),
    partyId: Number(r.party_id),
    playerId: Number(r.player_id),
    role: Number(r.role),
    status: Number(r.status),
    team: r.team,
    channels: r.channels,
    data: r.data,
    variables: r.variables,
    createdAt: new Date(r.created_at),
    acceptedAt: r.accepted_at === null ? null : new Date(r.accepted_at),
  });
}

const ids = (list: (string | number)[]): number[] => list.map(Number);
const jsonOrNull = (value: object | undefined): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * Rows of a statement. TypeORM's postgres driver answers a top-level UPDATE/DELETE ... RETURNING
 * with `[rows, rowCount]` and every other statement with the rows alone.
 */
async function rowsOf<T>(m: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await m.query(text, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

function partyNotFound(gameIndex: number, partyId: number): DomainError {
  return new DomainError(ErrorCode.PartyNotFound, `party ${partyId} does not exist in game ${gameIndex}`);
}

export interface Paged<T> {
  rows: T[];
  totalCount: number;
}

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
 * The party module's queries (SQL text in party-sql.ts). Every method takes the manager to run
 * on: inside a transaction that transaction's manager (on the embedded database any other
 * manager waits forever for the one connection), outside one `dataSource.manager`. Nothing here
 * changes its arguments; what changed comes back as new values.
 */
@Injectable()
export class PartyRepository {
  /** Locks the party row for the rest of the transaction; PartyNotFound if there is none. */
  async lockParty(m: EntityManager, gameIndex: number, partyId: number): Promise<Party> {
    const [row] = await rowsOf<PartyRow>(m, sql.LOCK_PARTY, [partyId, gameIndex]);
    if (!row) throw partyNotFound(gameIndex, partyId);
    return partyFromRow(row);
  }

  async findParty(m: EntityManager, gameIndex: number, partyId: number): Promise<Party> {
    const [row] = await rowsOf<PartyRow>(m, sql.FIND_PARTY, [partyId, gameIndex]);
    if (!row) throw partyNotFound(gameIndex, partyId);
    return partyFromRow(row);
  }

  async findPartyByCode(m: EntityManager, gameIndex: number, code: string): Promise<Party | null> {
    const [row] = await rowsOf<PartyRow>(m, sql.FIND_PARTY_BY_CODE, [gameIndex, code]);
    return row ? partyFromRow(row) : null;
  }

  /**
   * Absent fields take the column defaults; the owner is its Accepted Owner, in every channel.
   * The join code is drawn again while another party of the game has it.
   */
  async createParty(m: EntityManager, gameIndex: number, owner: number, input: CreatePartyInput): Promise<Party> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.insertParty(m, gameIndex, owner, input, newJoinCode());
      if (row) return partyFromRow(row);
      if (attempt >= CODE_ATTEMPTS) throw new Error(`no free join code in game ${gameIndex} after ${CODE_ATTEMPTS} draws`);
    }
  }

  /** A new join code for the party (the old one stops working); drawn again while taken. */
  async regenerateCode(m: EntityManager, party: Party): Promise<Party> {
    for (let attempt = 1; ; attempt++) {
      const [row] = await rowsOf<PartyRow>(m, sql.SET_PARTY_CODE, [party.id, party.gameIndex, newJoinCode()]);
      if (row) return partyFromRow(row);
      if (attempt >= CODE_ATTEMPTS) throw new Error(`no free join code in game ${party.gameIndex} after ${CODE_ATTEMPTS} draws`);
    }
  }

  private async insertParty(
    m: EntityManager,
    gameIndex: number,
    owner: number,
    input: CreatePartyInput,
    code: string,
  ): Promise<PartyRow | null> {
    const [row] = await rowsOf<PartyRow>(m, sql.INSERT_PARTY_WITH_OWNER, [
      gameIndex,
      input.name,
      input.desc ?? '',
      input.image ?? '',
      input.maxMemberCount,
      input.isPrivate ?? false,
      input.teams ?? [],
      input.channels ?? [],
      input.data ?? '{}',
      JSON.stringify(input.variables ?? {}),
      owner,
      MemberRole.Owner,
      MemberStatus.Accepted,
      new Date(),
      code,
      input.membersCanInvite ?? false,
    ]);
    return row ?? null;
  }

  /** Fields left out keep their value. */
  async updateParty(m: EntityManager, partyId: number, fields: PartyFields): Promise<Party> {
    const [row] = await rowsOf<PartyRow>(m, sql.UPDATE_PARTY, [
      partyId,
      fields.name ?? null,
      fields.desc ?? null,
      fields.image ?? null,
      fields.maxMemberCount ?? null,
      fields.isPrivate ?? null,
      fields.teams ?? null,
      fields.channels ?? null,
      fields.data ?? null,
      jsonOrNull(fields.variables),
      fields.membersCanInvite ?? null,
    ]);
    return partyFromRow(row);
  }

  async setOwner(m: EntityManager, partyId: number, playerId: number): Promise<Party> {
    const [row] = await rowsOf<PartyRow>(m, sql.SET_PARTY_OWNER, [partyId, playerId]);
    return partyFromRow(row);
  }

  async deleteParty(m: EntityManager, partyId: number): Promise<void> {
    await m.query(sql.DELETE_PARTY, [partyId]);
  }

  /** Every party of the game, newest first. */
  partiesOfGame(m: EntityManager, gameIndex: number, page: Page): Promise<Paged<Party>> {
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<PartyRow>(m, sql.PARTIES_OF_GAME, [gameIndex, skip, limit]).then((rows) => rows.map(partyFromRow)),
      sql.COUNT_PARTIES_OF_GAME,
      [gameIndex],
    );
  }

  /**
   * Parties whose lower-case name matches `pattern`, newest first, counted and paged in one
   * statement through the trigram index. null: more than SORT_MATCHES_UP_TO match (ask walkMatches).
   */
  async sortMatches(m: EntityManager, gameIndex: number, pattern: string, page: Page): Promise<Paged<Party> | null> {
    const rows = await rowsOf<PartyRow & { total: number }>(m, sql.SORTED_MATCHES, [gameIndex, pattern, page.skip, page.limit]);
    const totalCount = rows[0].total;
    if (totalCount > sql.SORT_MATCHES_UP_TO) return null;
    return { rows: rows.filter((r) => r.id !== null).map(partyFromRow), totalCount };
  }

  /** The same answer as sortMatches, by an exact count and the newest-first index walk side by side. */
  walkMatches(m: EntityManager, gameIndex: number, pattern: string, page: Page): Promise<Paged<Party>> {
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<PartyRow>(m, sql.WALK_MATCHES, [gameIndex, pattern, skip, limit]).then((rows) => rows.map(partyFromRow)),
      sql.COUNT_MATCHES,
      [gameIndex, pattern],
    );
  }

  /** Parties the player is an Accepted member of, newest first; `pattern` (lower-case LIKE) null for all. */
  partiesOfMember(m: EntityManager, gameIndex: number, playerId: number, pattern: string | null, page: Page): Promise<Paged<Party>> {
    const params = [gameIndex, playerId, MemberStatus.Accepted, pattern];
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<PartyRow>(m, sql.PARTIES_OF_MEMBER, [...params, skip, limit]).then((rows) => rows.map(partyFromRow)),
      sql.COUNT_PARTIES_OF_MEMBER,
      params,
    );
  }

  async clearRemovedTeams(m: EntityManager, partyId: number, teams: string[]): Promise<void> {
    await m.query(sql.CLEAR_REMOVED_TEAMS, [partyId, teams]);
  }

  async dropMemberChannels(m: EntityManager, partyId: number, removed: string[]): Promise<void> {
    await m.query(sql.DROP_MEMBER_CHANNELS, [partyId, removed]);
  }

  async setOwnerChannels(m: EntityManager, partyId: number, channels: string[]): Promise<void> {
    await m.query(sql.SET_CHANNELS_OF_ROLE, [partyId, channels, MemberRole.Owner]);
  }

  // ---------------------------------------------------------------------------- memberships

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

  /** Accepted members of every party the player is an Accepted member of (the player included). */
  async coMembers(m: EntityManager, gameIndex: number, playerId: number): Promise<number[]> {
    const rows = await rowsOf<{ player_id: string }>(m, sql.CO_MEMBERS, [gameIndex, playerId, MemberStatus.Accepted]);
    return ids(rows.map((r) => r.player_id));
  }

  // -------------------------------------------------------------------------------- invites

  async inviteById(m: EntityManager, gameIndex: number, inviteId: number): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.INVITE_BY_ID, [inviteId, gameIndex]);
    return row ? inviteFromRow(row) : null;
  }

  /** Locks the invite row for the rest of the transaction (null: it is gone with its party). */
  async lockInvite(m: EntityManager, inviteId: number): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.LOCK_INVITE, [inviteId]);
    return row ? inviteFromRow(row) : null;
  }

  async openInviteOf(m: EntityManager, partyId: number, playerId: number, now: Date): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.OPEN_INVITE_OF_PLAYER, [partyId, playerId, InviteStatus.Pending, now]);
    return row ? inviteFromRow(row) : null;
  }

  async insertInvite(
    m: EntityManager,
    party: Party,
    playerId: number,
    inviter: number,
    createdAt: Date,
    expiresAt: Date,
  ): Promise<PartyInvite> {
    const [row] = await rowsOf<InviteRow>(m, sql.INSERT_INVITE, [
      party.gameIndex,
      party.id,
      playerId,
      inviter,
      InviteStatus.Pending,
      createdAt,
      expiresAt,
    ]);
    return inviteFromRow(row);
  }

  /** A pending invite takes its answer; null: it was answered already. */
  async answerInvite(m: EntityManager, inviteId: number, status: InviteStatus): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.SET_INVITE_STATUS, [inviteId, InviteStatus.Pending, status]);
    return row ? inviteFromRow(row) : null;
  }

  /** The player's pending, unexpired invites, newest first. */
  openInvitesOfPlayer(m: EntityManager, gameIndex: number, playerId: number, now: Date, page: Page): Promise<Paged<PartyInvite>> {
    const params = [gameIndex, playerId, InviteStatus.Pending, now];
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<InviteRow>(m, sql.OPEN_INVITES_OF_PLAYER, [...params, skip, limit]).then((rows) => rows.map(inviteFromRow)),
      sql.COUNT_OPEN_INVITES_OF_PLAYER,
      params,
    );
  }

  /** The party's pending, unexpired invites, newest first. */
  openInvitesOfParty(m: EntityManager, partyId: number, now: Date, page: Page): Promise<Paged<PartyInvite>> {
    const params = [partyId, InviteStatus.Pending, now];
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<InviteRow>(m, sql.OPEN_INVITES_OF_PARTY, [...params, skip, limit]).then((rows) => rows.map(inviteFromRow)),
      sql.COUNT_OPEN_INVITES_OF_PARTY,
      params,
    );
  }

  async partiesByIds(m: EntityManager, partyIds: number[]): Promise<Map<number, Party>> {
    const rows = partyIds.length ? await rowsOf<PartyRow>(m, sql.PARTIES_BY_IDS, [partyIds]) : [];
    return new Map(rows.map((r) => [Number(r.id), partyFromRow(r)]));
  }

  /** The purge: deletes up to `size` invites made before `cutoff`; returns how many. */
  async deleteOldInvites(m: EntityManager, cutoff: Date, size: number): Promise<number> {
    return (await rowsOf<{ id: number }>(m, sql.DELETE_OLD_INVITES, [cutoff, size])).length;
  }

  // --------------------------------------------------------------------------- ready checks

  /** Starts a check of the party's Accepted members, the starter ready (the caller made sure none runs). */
  async insertReadyCheck(m: EntityManager, party: Party, startedBy: number, createdAt: Date, expiresAt: Date): Promise<ReadyCheck> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.INSERT_READY_CHECK, [
      party.gameIndex,
      party.id,
      startedBy,
      ReadyCheckStatus.Running,
      createdAt,
      expiresAt,
      MemberStatus.Accepted,
    ]);
    return this.withPlayers(m, row);
  }

  /** The party's running check, locked for the rest of the transaction. */
  async lockRunningReadyCheck(m: EntityManager, partyId: number): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.LOCK_RUNNING_READY_CHECK, [partyId, ReadyCheckStatus.Running]);
    return row ? this.withPlayers(m, row) : null;
  }

  async lastReadyCheck(m: EntityManager, partyId: number): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.LAST_READY_CHECK, [partyId]);
    return row ? this.withPlayers(m, row) : null;
  }

  /** The player's answer; false: the player is not in the check. */
  async setReady(m: EntityManager, checkId: number, playerId: number, ready: boolean): Promise<boolean> {
    return (await rowsOf(m, sql.SET_READY, [checkId, playerId, ready])).length > 0;
  }

  /** The player leaves the check's players; false: the player was not among them. */
  async dropReadyCheckPlayer(m: EntityManager, checkId: number, playerId: number): Promise<boolean> {
    return (await rowsOf(m, sql.DROP_READY_CHECK_PLAYER, [checkId, playerId])).length > 0;
  }

  /** Ends the check with `status` if it still runs; null: it had ended already. */
  async finishReadyCheck(m: EntityManager, checkId: number, status: ReadyCheckStatus, at: Date): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.FINISH_READY_CHECK, [checkId, ReadyCheckStatus.Running, status, at]);
    return row ? this.withPlayers(m, row) : null;
  }

  /** Ends up to `size` expired running checks as timeout (skipping rows other transactions hold); returns them ended. */
  async claimExpiredReadyChecks(m: EntityManager, now: Date, size: number): Promise<ReadyCheck[]> {
    const rows = await rowsOf<ReadyCheckRow>(m, sql.CLAIM_EXPIRED_READY_CHECKS, [
      ReadyCheckStatus.Running,
      ReadyCheckStatus.Timeout,
      now,
      size,
    ]);
    const checks: ReadyCheck[] = [];
    for (const row of rows) checks.push(await this.withPlayers(m, row));
    return checks;
  }

  /** The purge: deletes up to `size` checks that ended before `cutoff`; returns how many. */
  async deleteOldReadyChecks(m: EntityManager, cutoff: Date, size: number): Promise<number> {
    return (await rowsOf<{ id: number }>(m, sql.DELETE_OLD_READY_CHECKS, [ReadyCheckStatus.Running, cutoff, size])).length;
  }

  private async withPlayers(m: EntityManager, r: ReadyCheckRow): Promise<ReadyCheck> {
    const players = await rowsOf<{ player_id: string | number; ready: boolean | null }>(m, sql.READY_CHECK_PLAYERS, [r.id]);
    return {
      id: Number(r.id),
      gameIndex: Number(r.game_index),
      partyId: Number(r.party_id),
      startedBy: Number(r.started_by),
      status: r.status as ReadyCheckStatus,
      createdAt: new Date(r.created_at),
      expiresAt: new Date(r.expires_at),
      players: players.map((p) => ({ playerId: Number(p.player_id), ready: p.ready })),
    };
  }

  private memberPage(m: EntityManager, text: string, partyId: number, status: MemberStatus, page: Page): Promise<Paged<PartyMember>> {
    return this.paged(
      m,
      page,
      (skip, limit) => rowsOf<MemberRow>(m, text, [partyId, status, skip, limit]).then((rows) => rows.map(memberFromRow)),
      sql.COUNT_MEMBERS,
      [partyId, status],
    );
  }

  /** A page and the total count side by side; a page of 0 rows costs no query. */
  private async paged<T>(
    m: EntityManager,
    page: Page,
    rows: (skip: number, limit: number) => Promise<T[]>,
    countText: string,
    countParams: unknown[],
  ): Promise<Paged<T>> {
    const [list, [{ n }]] = await Promise.all([
      page.limit === 0 ? Promise.resolve([] as T[]) : rows(page.skip, page.limit),
      rowsOf<{ n: number }>(m, countText, countParams),
    ]);
    return { rows: list, totalCount: n };
  }
}
