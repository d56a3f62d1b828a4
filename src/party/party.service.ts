import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { type PartyDto, mapParty } from './dto/party.dto.js';
import type { CreatePartyInput, PartyFields } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import { Party } from './party.entity.js';
import { MemberRole, MemberStatus, PartyMember } from './party-member.entity.js';
import {
  type PartyRow,
  acceptedIds,
  findParty,
  lockParty,
  memberIds,
  minus,
  partyFromRow,
  requireRole,
  sameNames,
} from './party-store.js';

export interface PartyList {
  list: PartyDto[];
  totalCount: number;
}

/** Up to this many matches, a name search sorts them rather than walking the id index. */
const SORT_MATCHES_UP_TO = 20_000;

/** How long (and for how many substrings) a search remembers that a substring is dense. */
const DENSE_MEMORY_MS = 60_000;
const DENSE_MEMORY_SIZE = 1_000;

/** `%`, `_` and `\` in a search are literal characters, not LIKE wildcards. */
function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Party-level operations: create, search, read, edit, disband (SPEC 2.3 #1-5, #15). */
@Injectable()
export class PartyService {
  /** (game, LIKE pattern) → until when it is taken as dense (more than SORT_MATCHES_UP_TO matches). */
  private readonly denseQueries = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chat: PartyChatService,
    private readonly partyEvents: PartyEvents,
  ) {}

  async create(me: PlayerIdentity, input: CreatePartyInput): Promise<PartyDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const parties = tx.manager.getRepository(Party);
      const inserted = await parties.save(
        parties.create({
          gameIndex: me.gameIndex,
          name: input.name,
          desc: input.desc ?? '',
          image: input.image ?? '',
          maxMemberCount: input.maxMemberCount,
          memberCount: 1,
          isPrivate: input.isPrivate ?? false,
          teams: input.teams ?? [],
          channels: input.channels ?? [],
          data: input.data ?? '{}',
          variables: input.variables ?? {},
          owner: me.playerId,
        }),
      );
      const party = await findParty(tx.manager, me.gameIndex, inserted.id);
      const members = tx.manager.getRepository(PartyMember);
      await members.save(
        members.create({
          gameIndex: me.gameIndex,
          partyId: party.id,
          playerId: me.playerId,
          role: MemberRole.Owner,
          status: MemberStatus.Accepted,
          channels: party.channels,
          acceptedAt: new Date(),
        }),
      );
      await this.chat.createChannels(party, party.channels, tx);
      await this.chat.enter(party, me.playerId, party.channels, tx);
      return mapParty(party);
    });
  }

  /**
   * All parties of the game (private ones too) whose name contains `query`, newest first.
   * The planner misjudges how many names a trigram search matches, so the plan is not left to
   * it: one statement collects up to SORT_MATCHES_UP_TO matching ids through the trigram index,
   * counts and pages them; only when there are more (a very common substring) is the newest-first
   * index walked instead, which meets the page's matches quickly at that density. One or two
   * characters make no trigram (every name is read to count them): they go that way directly.
   */
  async search(gameIndex: number, query: string | undefined, page: Page): Promise<PartyList> {
    const repo = this.dataSource.getRepository(Party);
    if (!query) {
      const [rows, totalCount] = await Promise.all([
        page.limit === 0 ? Promise.resolve([] as Party[]) : repo.find({ where: { gameIndex }, order: { id: 'DESC' }, skip: page.skip, take: page.limit }),
        repo.countBy({ gameIndex }),
      ]);
      return { list: rows.map(mapParty), totalCount };
    }
    const match = `game_index = $1 AND lower(name) LIKE $2 ESCAPE '\\'`;
    const params = [gameIndex, likePattern(query)];
    if (query.length < 3) return this.denseSearch(match, params, page);
    // A substring seen to be dense lately goes straight to the index walk: the probe below would
    // collect 20,001 ids for nothing. Only the plan depends on this memory, never the answer.
    const denseKey = `${gameIndex}\u0000${params[1]}`;
    const denseUntil = this.denseQueries.get(denseKey);
    if (denseUntil !== undefined && denseUntil > Date.now()) return this.denseSearch(match, params, page);
    const rows: (PartyRow & { total: number })[] = await this.dataSource.query(
      `WITH m AS MATERIALIZED (SELECT id FROM parties WHERE ${match} LIMIT ${SORT_MATCHES_UP_TO + 1})
       SELECT c.total, p.* FROM (SELECT count(*)::int AS total FROM m) c
         LEFT JOIN LATERAL (SELECT id FROM m ORDER BY id DESC OFFSET $3 LIMIT $4) pg ON true
         LEFT JOIN parties p ON p.id = pg.id
        ORDER BY p.id DESC`,
      [...params, page.skip, page.limit],
    );
    if (rows[0].total <= SORT_MATCHES_UP_TO) {
      this.denseQueries.delete(denseKey);
      return { list: rows.filter((r) => r.id !== null).map((r) => mapParty(partyFromRow(r))), totalCount: rows[0].total };
    }
    if (this.denseQueries.size >= DENSE_MEMORY_SIZE) this.denseQueries.clear();
    this.denseQueries.set(denseKey, Date.now() + DENSE_MEMORY_MS);
    return this.denseSearch(match, params, page);
  }

  /** Exact count and the newest-first index walk, side by side. */
  private async denseSearch(match: string, params: unknown[], page: Page): Promise<PartyList> {
    const [[{ n: totalCount }], dense]: [{ n: number }[], PartyRow[]] = await Promise.all([
      this.dataSource.query(`SELECT count(*)::int AS n FROM parties WHERE ${match}`, params),
      page.limit === 0
        ? Promise.resolve([])
        : this.dataSource.query(`SELECT * FROM parties WHERE ${match} ORDER BY id DESC OFFSET $3 LIMIT $4`, [...params, page.skip, page.limit]),
    ]);
    return { list: dense.map((r) => mapParty(partyFromRow(r))), totalCount };
  }

  /** Parties the player is an Accepted member of, newest first. */
  async mine(me: PlayerIdentity, query: string | undefined, page: Page): Promise<PartyList> {
    const qb = this.dataSource
      .getRepository(Party)
      .createQueryBuilder('p')
      .innerJoin(PartyMember, 'pm', 'pm.party_id = p.id')
      .where('pm.game_index = :gameIndex AND pm.player_id = :playerId AND pm.status = :accepted', {
        gameIndex: me.gameIndex,
        playerId: me.playerId,
        accepted: MemberStatus.Accepted,
      });
    if (query) qb.andWhere(`lower(p.name) LIKE :pattern ESCAPE '\\'`, { pattern: likePattern(query) });
    return this.page(qb.orderBy('p.id', 'DESC'), page);
  }

  private async page(qb: SelectQueryBuilder<Party>, page: Page): Promise<PartyList> {
    const [rows, totalCount] = await Promise.all([
      page.limit === 0 ? Promise.resolve([] as Party[]) : qb.clone().offset(page.skip).limit(page.limit).getMany(),
      qb.clone().orderBy().getCount(),
    ]);
    return { list: rows.map(mapParty), totalCount };
  }

  async get(gameIndex: number, partyId: number): Promise<PartyDto> {
    return mapParty(await findParty(this.dataSource.manager, gameIndex, partyId));
  }

  /** Owner or Admin; fields left out keep their value. */
  async edit(me: PlayerIdentity, partyId: number, fields: PartyFields): Promise<PartyDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await lockParty(m, me.gameIndex, partyId);
      await requireRole(m, party, me.playerId, [MemberRole.Owner, MemberRole.Admin], 'edit it');
      if (fields.maxMemberCount !== undefined && fields.maxMemberCount < party.memberCount) {
        throw new DomainError(
          ErrorCode.Validation,
          `max_member_count ${fields.maxMemberCount} is below the current member count ${party.memberCount}`,
        );
      }
      const before = { teams: party.teams, channels: party.channels, capacity: party.maxMemberCount };
      const patch: Partial<Party> = {};
      if (fields.name !== undefined) patch.name = fields.name;
      if (fields.desc !== undefined) patch.desc = fields.desc;
      if (fields.image !== undefined) patch.image = fields.image;
      if (fields.maxMemberCount !== undefined) patch.maxMemberCount = fields.maxMemberCount;
      if (fields.isPrivate !== undefined) patch.isPrivate = fields.isPrivate;
      if (fields.teams !== undefined) patch.teams = fields.teams;
      if (fields.channels !== undefined) patch.channels = fields.channels;
      if (fields.data !== undefined) patch.data = fields.data;
      if (fields.variables !== undefined) patch.variables = fields.variables;
      if (Object.keys(patch).length) await m.getRepository(Party).update({ id: party.id }, patch);
      Object.assign(party, patch);

      if (!sameNames(before.teams, party.teams)) {
        // A member whose team no longer exists is left with no team.
        await m.query(`UPDATE party_members SET team = '' WHERE party_id = $1 AND team <> '' AND NOT (team = ANY($2::text[]))`, [
          party.id,
          party.teams,
        ]);
      }
      await this.syncChannels(party, before.channels, before.capacity, tx);
      const updated = await findParty(m, me.gameIndex, party.id);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_UPDATED', await acceptedIds(m, party.id), {
        partyId: party.id,
        party: { ...mapParty(updated) },
      });
      return mapParty(updated);
    });
  }

  /** Removed names lose their chat channel, new ones get one (the Owner is in all of them). */
  private async syncChannels(party: Party, before: string[], capacityBefore: number, tx: Tx): Promise<void> {
    const removed = minus(before, party.channels);
    const added = minus(party.channels, before);
    if (removed.length) {
      await this.chat.deleteChannels(party, removed, tx);
      await tx.manager.query(
        `UPDATE party_members SET channels = ARRAY(SELECT c FROM unnest(channels) AS c WHERE NOT (c = ANY($2::text[])))
         WHERE party_id = $1`,
        [party.id, removed],
      );
    }
    if (capacityBefore !== party.maxMemberCount) {
      await this.chat.resize({ ...party, channels: minus(party.channels, added) } as Party, tx);
    }
    if (added.length) {
      await this.chat.createChannels(party, added, tx);
      await this.chat.enter(party, party.owner, added, tx);
      await tx.manager.query(`UPDATE party_members SET channels = $2::text[] WHERE party_id = $1 AND role = $3`, [
        party.id,
        party.channels,
        MemberRole.Owner,
      ]);
    }
  }

  /** Owner only: deletes the party, its memberships and its chat channels. */
  async disband(me: PlayerIdentity, partyId: number): Promise<PartyDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const party = await lockParty(tx.manager, me.gameIndex, partyId);
      await requireRole(tx.manager, party, me.playerId, [MemberRole.Owner], 'disband it');
      await this.deleteParty(party, tx);
      return mapParty(party);
    });
  }

  /** Used by disband and by the last member leaving. Everyone with a membership or request is told. */
  async deleteParty(party: Party, tx: Tx): Promise<void> {
    const recipients = await memberIds(tx.manager, party.id);
    await this.chat.deleteChannels(party, party.channels, tx);
    await tx.manager.getRepository(Party).delete({ id: party.id });
    this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_DELETED', recipients, { partyId: party.id });
  }
}
