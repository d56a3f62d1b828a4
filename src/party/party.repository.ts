import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { EXACT_COUNT_UP_TO, boundedCount } from '../infra/database/bounded-count.js';
import type { CreatePartyInput, PartyFields } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus } from './party-member.entity.js';
import { type Paged, type PartyRow, jsonOrNull, paged, partyFromRow, rowsOf } from './party-rows.js';
import { newJoinCode } from './party-rules.js';
import * as sql from './party-sql.js';

/** Draws of a join code before giving up: with 32^6 codes, a second draw is already rare. */
const CODE_ATTEMPTS = 10;

function partyNotFound(gameIndex: number, partyId: number): DomainError {
  return new DomainError(ErrorCode.PartyNotFound, `party ${partyId} does not exist in game ${gameIndex}`);
}

/**
 * The party module's queries on parties (SQL text in party-sql.ts). Every method of the module's
 * repositories takes the manager to run on: inside a transaction that transaction's manager (on
 * the embedded database any other manager waits forever for the one connection), outside one
 * `dataSource.manager`. Nothing here changes its arguments; what changed comes back as new values.
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

  /** Every party of the game, newest first; the total by boundedCount's rule. */
  async partiesOfGame(m: EntityManager, gameIndex: number, page: Page): Promise<Paged<Party>> {
    const [rows, totalCount] = await Promise.all([
      page.limit === 0 ? [] : rowsOf<PartyRow>(m, sql.PARTIES_OF_GAME, [gameIndex, page.skip, page.limit]),
      boundedCount(m, sql.ALL_OF_GAME, [gameIndex]),
    ]);
    return { rows: rows.map(partyFromRow), totalCount };
  }

  /**
   * Parties whose lower-case name matches `pattern`, newest first, counted and paged in one
   * statement through the name index: the trigram index, or with `short` (the whole query of one
   * or two characters, lower case) the grams index. null: more than EXACT_COUNT_UP_TO match (ask
   * walkMatches).
   */
  async sortMatches(m: EntityManager, gameIndex: number, pattern: string, short: string | null, page: Page): Promise<Paged<Party> | null> {
    const rows =
      short === null
        ? await rowsOf<PartyRow & { total: number }>(m, sql.SORTED_MATCHES, [gameIndex, pattern, page.skip, page.limit])
        : await rowsOf<PartyRow & { total: number }>(m, sql.SORTED_SHORT_MATCHES, [gameIndex, pattern, page.skip, page.limit, short]);
    const totalCount = rows[0].total;
    if (totalCount > EXACT_COUNT_UP_TO) return null;
    return { rows: rows.filter((r) => r.id !== null).map(partyFromRow), totalCount };
  }

  /** The same answer as sortMatches (any number of matches), by the newest-first index walk and a bounded count along it. */
  async walkMatches(m: EntityManager, gameIndex: number, pattern: string, page: Page): Promise<Paged<Party>> {
    const [rows, totalCount] = await Promise.all([
      page.limit === 0 ? [] : rowsOf<PartyRow>(m, sql.WALK_MATCHES, [gameIndex, pattern, page.skip, page.limit]),
      boundedCount(m, sql.MATCHES_NEWEST_FIRST, [gameIndex, pattern]),
    ]);
    return { rows: rows.map(partyFromRow), totalCount };
  }

  /** Parties the player is an Accepted member of, newest first; `pattern` (lower-case LIKE) null for all. */
  partiesOfMember(m: EntityManager, gameIndex: number, playerId: number, pattern: string | null, page: Page): Promise<Paged<Party>> {
    const params = [gameIndex, playerId, MemberStatus.Accepted, pattern];
    return paged(
      m,
      page,
      (skip, limit) => rowsOf<PartyRow>(m, sql.PARTIES_OF_MEMBER, [...params, skip, limit]).then((rows) => rows.map(partyFromRow)),
      sql.COUNT_PARTIES_OF_MEMBER,
      params,
    );
  }

  async partiesByIds(m: EntityManager, partyIds: number[]): Promise<Map<number, Party>> {
    const rows = partyIds.length ? await rowsOf<PartyRow>(m, sql.PARTIES_BY_IDS, [partyIds]) : [];
    return new Map(rows.map((r) => [Number(r.id), partyFromRow(r)]));
  }
}
