import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { containsPattern } from '../infra/database/like.js';
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

/** How long a ban check may be served from memory (token guard hot path). */
const BAN_CACHE_MS = 2_000;

@Injectable()
export class PlayerService {
  private readonly banCache = new Map<string, { banned: boolean | null; until: number }>();
  private readonly banLoads = new Map<string, Promise<{ banned: boolean | null; until: number }>>();
  /** Ban reads waiting for the next batched statement: game → player → callers. */
  private banBatch = new Map<number, Map<number, { resolve: (banned: boolean | null) => void; reject: (err: unknown) => void }[]>>();

  constructor(@InjectRepository(Player) private readonly players: Repository<Player>) {}

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

  /** A game server vouches for this player: create or refresh the profile (SPEC 1, token issue). */
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
    this.forgetBan(`${gameIndex}:${id}`);
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
    await this.players.update({ gameIndex, id }, { lastLogin: () => 'now()' } as never);
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

  async setBanned(gameIndex: number, id: number, banned: boolean): Promise<Player> {
    await this.get(gameIndex, id);
    await this.players.update({ gameIndex, id }, { isBan: banned });
    this.forgetBan(`${gameIndex}:${id}`);
    return this.get(gameIndex, id);
  }

  private forgetBan(key: string): void {
    this.banCache.delete(key);
    this.banLoads.delete(key);
  }

  /**
   * Refuses banned players. A token may name a player with no profile row (a game server's
   * player who never called a profile endpoint); that is allowed. Served from a short cache.
   */
  async assertNotBanned(identity: PlayerIdentity): Promise<void> {
    const key = `${identity.gameIndex}:${identity.playerId}`;
    const now = Date.now();
    let entry = this.banCache.get(key);
    if (!entry || entry.until < now) {
      entry = await this.loadBan(key, identity);
    } else if (entry.until - now < BAN_CACHE_MS / 2 && !this.banLoads.has(key)) {
      // Past half its life: refreshed in the background, so an active player never waits for it.
      this.loadBan(key, identity).catch(() => undefined);
    }
    if (entry.banned) throw new DomainError(ErrorCode.InvalidToken, `player ${identity.playerId} is banned`);
  }

  /** One ban read per player at a time; a read overtaken by setBanned/upsert does not overwrite. */
  private loadBan(key: string, identity: PlayerIdentity): Promise<{ banned: boolean | null; until: number }> {
    const pending = this.banLoads.get(key);
    if (pending) return pending;
    const startedAt = Date.now();
    const run = async (): Promise<{ banned: boolean | null; until: number }> => {
      await null; // `load` is assigned before anything below runs
      try {
        const banned = await this.readBan(identity.gameIndex, identity.playerId);
        const entry = { banned, until: startedAt + BAN_CACHE_MS };
        if (this.banLoads.get(key) === load) {
          if (this.banCache.size > 100_000) this.banCache.clear();
          this.banCache.set(key, entry);
        }
        return entry;
      } finally {
        if (this.banLoads.get(key) === load) this.banLoads.delete(key);
      }
    };
    const load = run();
    this.banLoads.set(key, load);
    return load;
  }

  /**
   * is_ban of one player (null: no profile row). The reads asked for in one turn of the event
   * loop (a burst of WebSocket CONNECTs) go out as one `id = ANY($2)` statement per game.
   */
  private readBan(gameIndex: number, id: number): Promise<boolean | null> {
    return new Promise((resolve, reject) => {
      let game = this.banBatch.get(gameIndex);
      if (!game) this.banBatch.set(gameIndex, (game = new Map()));
      let waiters = game.get(id);
      if (!waiters) game.set(id, (waiters = []));
      waiters.push({ resolve, reject });
      if (this.banBatch.size === 1 && game.size === 1 && waiters.length === 1) setImmediate(() => this.flushBanReads());
    });
  }

  private flushBanReads(): void {
    const batch = this.banBatch;
    this.banBatch = new Map();
    for (const [gameIndex, waiting] of batch) {
      const ids = [...waiting.keys()];
      this.players
        .query(`SELECT id, is_ban FROM players WHERE game_index = $1 AND id = ANY($2::bigint[])`, [gameIndex, ids])
        .then(
          (rows: { id: string; is_ban: boolean }[]) => {
            const found = new Map(rows.map((r) => [Number(r.id), r.is_ban]));
            for (const [id, list] of waiting) for (const w of list) w.resolve(found.has(id) ? found.get(id)! : null);
          },
          (err: unknown) => {
            for (const list of waiting.values()) for (const w of list) w.reject(err);
          },
        );
    }
  }
}
