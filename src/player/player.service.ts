import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type PlayerColumn, PlayerReads, sqlJson } from '../common/player-reads.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { Versions } from '../common/versions.js';
import { containsPattern } from '../infra/database/like.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { type BanState, NO_BAN, banDetail, banState, isBanned } from './ban.js';
import { Player } from './player.entity.js';
import type { PlayerIdentity } from './player-identity.js';

export interface ProfileFields {
  name?: string;
  image?: string;
  username?: string;
  label?: string;
  tags?: string;
  isTester?: boolean;
}

const PROFILE_COLUMNS: Record<keyof ProfileFields, string> = {
  name: 'name',
  image: 'image',
  username: 'username',
  label: 'label',
  tags: 'tags',
  isTester: 'is_tester',
};

/** What `POST /users/find` matches: `id` exactly, the text fields as case-insensitive substrings. */
export interface UserSearch {
  id?: number;
  name?: string;
  username?: string;
  label?: string;
  tags?: string;
}

const SEARCH_TEXT_FIELDS = ['name', 'username', 'label', 'tags'] as const;

export interface BanChange {
  banned: boolean;
  /** Absent: until lifted. */
  durationSeconds?: number | null;
  reason?: string | null;
}

/**
 * How long a ban check may be served from memory (token guard hot path). A ban change drops the
 * entry at once on every instance (player.ban → realtime bus), so this only bounds how long a
 * lost bus message could be missed.
 */
const BAN_CACHE_MS = 2_000;
/** Reads overtaken by a ban change that are read again before giving up on the newest value. */
const BAN_REREADS = 3;

/**
 * A player's ban for PlayerReads (none without a profile row): read together with whatever else
 * is asked about the player in the same turn (a CONNECT's channels and party co-members).
 */
export const BAN_COLUMN: PlayerColumn<BanState> = {
  name: 'ban',
  sql: `(SELECT json_build_array(is_ban, floor(extract(epoch FROM ban_until) * 1000)::float8, ban_reason)
           FROM players WHERE game_index = $1 AND id = p.id)`,
  parse: (raw) => {
    const row = sqlJson<[boolean, number | null, string | null]>(raw);
    return row ? banState(row[0], row[1], row[2]) : NO_BAN;
  },
};

/** A ban check in memory: the ban, and until when (epoch millis) the entry may be served. */
type BanEntry = BanState & { expires: number };

@Injectable()
export class PlayerService {
  private readonly banCache = new Map<string, BanEntry>();
  private readonly banLoads = new Map<string, Promise<BanEntry>>();
  /** Dropped entries: a read that started before the drop must not store what it read. */
  private readonly banVersions = new Versions<string>();

  constructor(
    @InjectRepository(Player) private readonly players: Repository<Player>,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly reads: PlayerReads,
  ) {}

  async find(gameIndex: number, id: number): Promise<Player | null> {
    return this.players.findOneBy({ gameIndex, id });
  }

  async get(gameIndex: number, id: number): Promise<Player> {
    const player = await this.find(gameIndex, id);
    if (!player) throw new DomainError(ErrorCode.UserNotFound, `user ${id} does not exist in game ${gameIndex}`);
    return player;
  }

  async findMany(gameIndex: number, ids: number[]): Promise<Map<number, Player>> {
    if (ids.length === 0) return new Map();
    const rows = await this.players
      .createQueryBuilder('p')
      .where('p.game_index = :gameIndex AND p.id = ANY(:ids)', { gameIndex, ids })
      .getMany();
    return new Map(rows.map((p) => [p.id, p]));
  }

  /** Players of one game matching every given field, newest first, with the count of all matches. */
  async search(
    gameIndex: number,
    search: UserSearch,
    page: { skip: number; limit: number },
  ): Promise<{ list: Player[]; totalCount: number }> {
    if ((['id', ...SEARCH_TEXT_FIELDS] as const).every((field) => search[field] === undefined)) {
      throw new DomainError(ErrorCode.Validation, 'query must give at least one of id, name, username, label, tags');
    }
    const qb = this.players.createQueryBuilder('p').where('p.gameIndex = :gameIndex', { gameIndex });
    if (search.id !== undefined) qb.andWhere('p.id = :id', { id: search.id });
    for (const field of SEARCH_TEXT_FIELDS) {
      const text = search[field];
      if (text !== undefined) qb.andWhere(`p.${field} ILIKE :${field} ESCAPE '\\'`, { [field]: containsPattern(text) });
    }
    const newestFirst = qb.clone().orderBy('p.createdAt', 'DESC').addOrderBy('p.id', 'DESC');
    const [list, totalCount] = await Promise.all([
      page.limit === 0 ? Promise.resolve([]) : newestFirst.offset(page.skip).limit(page.limit).getMany(),
      qb.getCount(),
    ]);
    return { list, totalCount };
  }

  /** A game server vouches for this player: create or refresh the profile (token issue). */
  async upsertFromServer(gameIndex: number, id: number, fields: ProfileFields): Promise<Player> {
    const columns = (Object.keys(PROFILE_COLUMNS) as (keyof ProfileFields)[]).filter((k) => fields[k] !== undefined);
    const values = columns.map((k) => fields[k]);
    const insertCols = columns.map((k) => PROFILE_COLUMNS[k]);
    const updates = insertCols.map((c) => `${c} = EXCLUDED.${c}`);
    const rows: Player[] = await this.players.query(
      `INSERT INTO players (game_index, id, is_guest, first_login, last_login${insertCols.map((c) => `, ${c}`).join('')})
       VALUES ($1, $2, false, now(), now()${values.map((_, i) => `, $${i + 3}`).join('')})
       ON CONFLICT (game_index, id) DO UPDATE SET last_login = now(), is_guest = false${updates.map((u) => `, ${u}`).join('')}
       RETURNING id`,
      [gameIndex, id, ...values],
    );
    this.forgetBan(`${gameIndex}:${id}`, gameIndex, id);
    return this.get(gameIndex, Number((rows[0] as unknown as { id: string }).id));
  }

  /** Guest login: the same device gets the same player; no device → a new guest each time. */
  async loginGuest(gameIndex: number, deviceId: string | null, name: string | undefined): Promise<Player> {
    const rows: { id: string }[] = await this.players.query(
      deviceId === null
        ? `INSERT INTO players (game_index, id, name, is_guest, first_login, last_login)
           VALUES ($1, nextval('guest_player_id_seq'), COALESCE($2, ''), true, now(), now()) RETURNING id`
        : `INSERT INTO players (game_index, id, name, is_guest, device_id, first_login, last_login)
           VALUES ($1, nextval('guest_player_id_seq'), COALESCE($2, ''), true, $3, now(), now())
           ON CONFLICT (game_index, device_id) WHERE device_id IS NOT NULL
           DO UPDATE SET last_login = now(), name = COALESCE($2, players.name) RETURNING id`,
      deviceId === null ? [gameIndex, name ?? null] : [gameIndex, name ?? null, deviceId],
    );
    return this.get(gameIndex, Number(rows[0].id));
  }

  async touchLogin(gameIndex: number, id: number): Promise<Player> {
    await this.players.update({ gameIndex, id }, { lastLogin: () => 'now()' });
    return this.get(gameIndex, id);
  }

  async updateProfile(identity: PlayerIdentity, fields: Pick<ProfileFields, 'name' | 'image' | 'username'>): Promise<Player> {
    const patch: Partial<Player> = {};
    if (fields.name !== undefined) patch.name = fields.name;
    if (fields.image !== undefined) patch.image = fields.image;
    if (fields.username !== undefined) patch.username = fields.username;
    if (Object.keys(patch).length) await this.players.update({ gameIndex: identity.gameIndex, id: identity.playerId }, patch);
    return this.get(identity.gameIndex, identity.playerId);
  }

  /**
   * Bans (for durationSeconds, or until lifted) or unbans a player. Announced as player.ban: the
   * realtime gateway closes the player's socket on every instance and every instance drops its
   * cached ban check. Lifting clears the end and the reason.
   */
  async setBan(gameIndex: number, id: number, change: BanChange): Promise<Player> {
    await this.get(gameIndex, id);
    const duration = change.banned ? (change.durationSeconds ?? null) : null;
    const until = duration === null ? null : new Date(Date.now() + duration * 1000);
    const reason = change.banned && change.reason ? change.reason : null;
    await this.players.manager.transaction(async (manager) => {
      await manager.update(Player, { gameIndex, id }, { isBan: change.banned, banUntil: until, banReason: reason });
      await this.audit.record(
        {
          gameIndex,
          action: change.banned ? 'player_ban' : 'player_unban',
          actor: 'SYSTEM',
          targetPlayerId: id,
          details: change.banned ? { durationSeconds: duration, untilMillis: until?.getTime() ?? null, reason } : {},
        },
        manager,
      );
    });
    this.banChanged(gameIndex, id);
    this.events.publish('player.ban', { gameIndex, playerId: id, banned: change.banned });
    return this.get(gameIndex, id);
  }

  /** The player's ban changed, here or on another instance: the next check reads the database. */
  banChanged(gameIndex: number, id: number): void {
    this.forgetBan(`${gameIndex}:${id}`, gameIndex, id);
  }

  private forgetBan(key: string, gameIndex: number, id: number): void {
    this.banVersions.bump(key);
    this.banCache.delete(key);
    this.banLoads.delete(key);
    this.reads.forget(BAN_COLUMN, gameIndex, id);
  }

  /**
   * Refuses a player whose ban is in force (a timed ban past its end no longer counts). A token
   * may name a player with no profile row (a game server's player who never called a profile
   * endpoint); that is allowed. Served from a short cache.
   */
  async assertNotBanned(identity: PlayerIdentity): Promise<void> {
    const key = `${identity.gameIndex}:${identity.playerId}`;
    const now = Date.now();
    let entry = this.banCache.get(key);
    if (!entry || entry.expires < now) {
      entry = await this.freshBan(key, identity);
    } else if (entry.expires - now < BAN_CACHE_MS / 2 && !this.banLoads.has(key)) {
      // Past half its life: refreshed in the background, so an active player never waits for it.
      this.loadBan(key, identity).catch(() => undefined);
    }
    if (isBanned(entry)) throw new DomainError(ErrorCode.InvalidToken, banDetail(identity.playerId, entry));
  }

  /**
   * A read that a ban change overtook (its entry was dropped while it ran) is read again: a
   * CONNECT whose check started just before a ban must not get through with the old answer.
   */
  private async freshBan(key: string, identity: PlayerIdentity): Promise<BanEntry> {
    let entry = await this.loadBan(key, identity);
    for (let i = 0; i < BAN_REREADS && this.banCache.get(key) !== entry; i++) entry = await this.loadBan(key, identity);
    return entry;
  }

  /** One ban read per player at a time; a read overtaken by setBan/upsert does not overwrite. */
  private loadBan(key: string, identity: PlayerIdentity): Promise<BanEntry> {
    const pending = this.banLoads.get(key);
    if (pending) return pending;
    const load: Promise<BanEntry> = this.readBanEntry(key, identity).finally(() => {
      if (this.banLoads.get(key) === load) this.banLoads.delete(key);
    });
    this.banLoads.set(key, load);
    return load;
  }

  private async readBanEntry(key: string, identity: PlayerIdentity): Promise<BanEntry> {
    const version = this.banVersions.current();
    const startedAt = Date.now();
    const ban = await this.reads.get(BAN_COLUMN, identity.gameIndex, identity.playerId);
    const entry = { ...ban, expires: startedAt + BAN_CACHE_MS };
    if (this.banVersions.isCurrent(key, version)) {
      if (this.banCache.size > 100_000) this.banCache.clear();
      this.banCache.set(key, entry);
    }
    return entry;
  }
}
