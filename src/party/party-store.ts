import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { Party } from './party.entity.js';
import { MemberRole, MemberStatus, PartyMember } from './party-member.entity.js';

/**
 * Queries shared by the party services. Each takes the manager of the caller's transaction
 * (on the embedded database any other manager would wait forever for the one connection).
 */

function notFound(gameIndex: number, partyId: number): DomainError {
  return new DomainError(ErrorCode.PartyNotFound, `party ${partyId} does not exist in game ${gameIndex}`);
}

/**
 * Locks the party row (SELECT ... FOR UPDATE) for the rest of the transaction. Every change to a
 * party's members goes through this lock, which makes the capacity check and the member_count
 * update one indivisible step however many requests race.
 */
export async function lockParty(m: EntityManager, gameIndex: number, partyId: number): Promise<Party> {
  // Hand-written (no query builder): the hot path of every membership change.
  const rows: PartyRow[] = await m.query(`SELECT * FROM parties WHERE id = $1 AND game_index = $2 FOR UPDATE`, [partyId, gameIndex]);
  if (!rows[0]) throw notFound(gameIndex, partyId);
  return partyFromRow(rows[0]);
}

export async function findParty(m: EntityManager, gameIndex: number, partyId: number): Promise<Party> {
  const party = await m.getRepository(Party).findOneBy({ id: partyId, gameIndex });
  if (!party) throw notFound(gameIndex, partyId);
  return party;
}

export function membershipOf(m: EntityManager, partyId: number, playerId: number): Promise<PartyMember | null> {
  return m.getRepository(PartyMember).findOneBy({ partyId, playerId });
}

/** The caller's Accepted membership with one of the roles, else 403. */
export async function requireRole(
  m: EntityManager,
  party: Party,
  playerId: number,
  roles: MemberRole[],
  action: string,
): Promise<PartyMember> {
  const mine = await membershipOf(m, party.id, playerId);
  if (!mine || mine.status !== MemberStatus.Accepted || !roles.includes(mine.role)) {
    const who = roles.length === 1 ? 'the Owner' : 'the Owner or an Admin';
    throw new DomainError(ErrorCode.Forbidden, `only ${who} of party ${party.id} may ${action}`);
  }
  return mine;
}

/** Player ids of the party's memberships, optionally only some statuses/roles. */
export async function memberIds(
  m: EntityManager,
  partyId: number,
  filter: { status?: MemberStatus; roles?: MemberRole[] } = {},
): Promise<number[]> {
  const qb = m
    .getRepository(PartyMember)
    .createQueryBuilder('pm')
    .select('pm.player_id', 'player_id')
    .where('pm.party_id = :partyId', { partyId });
  if (filter.status !== undefined) qb.andWhere('pm.status = :status', { status: filter.status });
  if (filter.roles) qb.andWhere('pm.role IN (:...roles)', { roles: filter.roles });
  const rows: { player_id: string }[] = await qb.getRawMany();
  return rows.map((r) => Number(r.player_id));
}

export const acceptedIds = (m: EntityManager, partyId: number) => memberIds(m, partyId, { status: MemberStatus.Accepted });
export const managerIds = (m: EntityManager, partyId: number) =>
  memberIds(m, partyId, { status: MemberStatus.Accepted, roles: [MemberRole.Owner, MemberRole.Admin] });

export async function setMemberCount(m: EntityManager, party: Party, count: number): Promise<void> {
  await m.getRepository(Party).update({ id: party.id }, { memberCount: count });
  party.memberCount = count;
}

/** A `party_members` row as the driver returns it. */
export interface MemberRow {
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

export function memberFromRow(r: MemberRow): PartyMember {
  return Object.assign(new PartyMember(), {
    id: Number(r.id),
    gameIndex: Number(r.game_index),
    partyId: Number(r.party_id),
    playerId: Number(r.player_id),
    role: Number(r.role) as MemberRole,
    status: Number(r.status) as MemberStatus,
    team: r.team,
    channels: r.channels,
    data: r.data,
    variables: r.variables,
    createdAt: new Date(r.created_at),
    acceptedAt: r.accepted_at === null ? null : new Date(r.accepted_at),
  });
}

/**
 * Join in ONE statement (party row already locked by the caller, so the statement's snapshot is
 * fresh): inserts the membership unless one exists (the unique constraint decides), bumps
 * member_count when it is Accepted, and reads who is to be told (Accepted members, or the
 * Owner/Admins for a request), the new member included. null: a membership already exists.
 */
export async function insertMembership(
  m: EntityManager,
  party: Party,
  playerId: number,
  fields: { accepted: boolean; team?: string; channels?: string[] },
): Promise<{ member: PartyMember; recipients: number[] } | null> {
  const recipientFilter = fields.accepted ? 'status = 1' : 'status = 1 AND role IN (1, 2)';
  const rows: (MemberRow & { recipients: (string | number)[] })[] = await m.query(
    `WITH ins AS (
       INSERT INTO party_members (game_index, party_id, player_id, role, status, team, channels, accepted_at)
       VALUES ($1, $2, $3, 3, $4, COALESCE($5::varchar, ''), COALESCE($6::text[], '{}'), $7)
       ON CONFLICT (party_id, player_id) DO NOTHING RETURNING *),
     upd AS (UPDATE parties SET member_count = member_count + 1 WHERE id = $2 AND $4 = 1 AND EXISTS (SELECT 1 FROM ins))
     SELECT ins.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $2 AND ${recipientFilter}) AS recipients FROM ins`,
    [
      party.gameIndex,
      party.id,
      playerId,
      fields.accepted ? MemberStatus.Accepted : MemberStatus.Waiting,
      fields.team ?? null,
      fields.channels ?? null,
      fields.accepted ? new Date() : null,
    ],
  );
  if (!rows[0]) return null;
  if (fields.accepted) party.memberCount += 1;
  const recipients = rows[0].recipients.map(Number);
  if (fields.accepted) recipients.push(playerId); // the statement's snapshot predates its own insert
  return { member: memberFromRow(rows[0]), recipients };
}

/**
 * Removal in ONE statement (party row already locked): deletes the player's membership, lowers
 * member_count when it was Accepted (unless it was the last one: the party is then deleted by
 * the caller), and reads the Accepted members that remain. null: no such membership.
 */
export async function deleteMembership(
  m: EntityManager,
  party: Party,
  playerId: number,
): Promise<{ member: PartyMember; remaining: number[]; last: boolean } | null> {
  const last = party.memberCount <= 1;
  const rows: (MemberRow & { remaining: (string | number)[] })[] = await m.query(
    `WITH del AS (DELETE FROM party_members WHERE party_id = $1 AND player_id = $2 RETURNING *),
     upd AS (UPDATE parties SET member_count = member_count - 1 WHERE id = $1 AND $3 AND EXISTS (SELECT 1 FROM del WHERE status = 1))
     SELECT del.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $1 AND status = 1 AND player_id <> $2) AS remaining FROM del`,
    [party.id, playerId, !last],
  );
  if (!rows[0]) return null;
  const member = memberFromRow(rows[0]);
  if (member.status === MemberStatus.Accepted && !last) party.memberCount -= 1;
  return { member, remaining: rows[0].remaining.map(Number), last };
}

/** The member who inherits ownership: the longest-standing Admin, else the longest-standing Member. */
export function successorOf(m: EntityManager, partyId: number): Promise<PartyMember | null> {
  return m
    .getRepository(PartyMember)
    .createQueryBuilder('pm')
    .where('pm.party_id = :partyId AND pm.status = :accepted', { partyId, accepted: MemberStatus.Accepted })
    .orderBy('CASE WHEN pm.role = 2 THEN 0 ELSE 1 END', 'ASC')
    .addOrderBy('pm.accepted_at', 'ASC')
    .addOrderBy('pm.id', 'ASC')
    .limit(1)
    .getOne();
}

export function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const minus = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));

/** A `SELECT * FROM parties` row as the driver returns it (arrays and jsonb parsed, bigint as text). */
export interface PartyRow {
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
}

/** For hand-written reads (the name search), the same entity TypeORM would build. */
export function partyFromRow(r: PartyRow): Party {
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
  });
}
