/** Row shapes, their mappers and the paging helper shared by the party module's repositories. */

import { returnedRows } from '../infra/database/returned-rows.js';
import type { EntityManager } from 'typeorm';
import type { Page } from './dto/party-query.dto.js';
import { Party } from './party.entity.js';
import { PartyMember } from './party-member.entity.js';

/** A `parties` row as the driver returns it (arrays and jsonb parsed, bigint as text). */
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
  code: string;
  members_can_invite: boolean;
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

/** The same entity TypeORM would build from the row. */
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
    code: r.code,
    membersCanInvite: r.members_can_invite,
  });
}

export function memberFromRow(r: MemberRow): PartyMember {
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

export const jsonOrNull = (value: object | undefined): string | null => (value === undefined ? null : JSON.stringify(value));
export const ids = (list: (string | number)[]): number[] => list.map(Number);

/**
 * Rows of a statement. TypeORM's postgres driver answers a top-level UPDATE/DELETE ... RETURNING
 * with `[rows, rowCount]` and every other statement with the rows alone.
 */
export async function rowsOf<T>(m: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  return returnedRows<T>(await m.query(text, params));
}

export interface Paged<T> {
  rows: T[];
  totalCount: number;
}

/** A page and the total count side by side; a page of 0 rows costs no query. */
export async function paged<T>(
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
