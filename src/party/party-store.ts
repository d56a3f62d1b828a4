import type { DataSource, EntityManager } from 'typeorm';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
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
  const party = await m
    .getRepository(Party)
    .createQueryBuilder('p')
    .setLock('pessimistic_write')
    .where('p.id = :partyId AND p.game_index = :gameIndex', { partyId, gameIndex })
    .getOne();
  if (!party) throw notFound(gameIndex, partyId);
  return party;
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

/** Deadlock victim, serialization failure: the whole transaction may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

/**
 * inTransaction, run again when PostgreSQL picked it as a deadlock victim. A party change takes
 * the party row first, but its chat work takes chat locks that a concurrent Hive call may take
 * in the other order; a failed attempt published nothing (afterCommit runs only on commit).
 */
export async function partyTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(dataSource, work);
    } catch (err) {
      const e = err as { code?: string; driverError?: { code?: string } } | null;
      const retryable = RETRYABLE.has(e?.code ?? '') || RETRYABLE.has(e?.driverError?.code ?? '');
      if (!retryable || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

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
