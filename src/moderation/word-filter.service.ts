import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { errorText } from '../common/errors/error-text.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { Versions } from '../common/versions.js';
import type { WordFilterView } from './dto/word-filter.dto.js';
import type { FilterAction } from './word-filter.entity.js';
import { WordMatcher } from './word-matcher.js';

/** A game's list as the chat path uses it: compiled once per load. */
interface CompiledFilter {
  action: FilterAction;
  matcher: WordMatcher;
  /** The stored row's `updated_at` (0: no row), so that a refresh of an unchanged list compiles nothing. */
  updatedAt: number;
  loadedAt: number;
}

/**
 * A change announced by an event applies at once; this is the safety net for one that never
 * arrived (Redis down between instances): a cached list older than this is read again.
 */
const REFRESH_AFTER_MS = 30_000;
const MAX_GAMES = 10_000;
const DEFAULT_ACTION: FilterAction = 'mask';

/**
 * Each game's word filter (docs/chat-api.md#word-filter): stored in `word_filters`, compiled and
 * cached per instance. PUT publishes `filter.changed`; the realtime module forwards it to the
 * other instances, whose copies are then dropped (`drop`). A cached list past REFRESH_AFTER_MS is
 * still used while it is read again in the background, so a message never waits for that read.
 */
@Injectable()
export class WordFilterService {
  private readonly logger = new Logger('WordFilter');
  private readonly cache = new Map<number, CompiledFilter>();
  private readonly versions = new Versions<number>();
  private readonly loads = new Map<number, Promise<CompiledFilter>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
  ) {}

  /** The stored list (not the cache): what GET answers. */
  async read(gameIndex: number): Promise<WordFilterView> {
    const { words, action } = await this.readRow(gameIndex);
    return { words, action };
  }

  /** Replaces the game's list; every instance applies it within moments (filter.changed). */
  async replace(gameIndex: number, words: string[], action: FilterAction = DEFAULT_ACTION): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO word_filters (game_index, action, words, updated_at) VALUES ($1, $2, $3::text[], now())
         ON CONFLICT (game_index) DO UPDATE SET action = EXCLUDED.action, words = EXCLUDED.words, updated_at = EXCLUDED.updated_at`,
        [gameIndex, action, words],
      );
      await this.audit.record({ gameIndex, action: 'filter_update', actor: 'SYSTEM', details: { action, words: words.length } }, manager);
    });
    this.drop(gameIndex);
    this.events.publish('filter.changed', { gameIndex });
  }

  /**
   * Chat text as it may be stored and delivered: masked in mask mode; in refuse mode the same
   * text, or 400/312 when it holds an entry.
   */
  async chatText(gameIndex: number, text: string): Promise<string> {
    const filter = this.cached(gameIndex) ?? (await this.load(gameIndex));
    if (filter.matcher.size === 0) return text;
    if (filter.action === 'mask') return filter.matcher.mask(text);
    if (filter.matcher.matches(text)) throw refused('message');
    return text;
  }

  /** Names are never masked: any listed entry in one refuses the request (400/312 naming the field). */
  async assertCleanNames(gameIndex: number, fields: Record<string, string | undefined>): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value);
    if (!entries.length) return;
    const filter = this.cached(gameIndex) ?? (await this.load(gameIndex));
    for (const [field, value] of entries) if (filter.matcher.matches(value!)) throw refused(field);
  }

  /** Forgets the game's compiled list (it changed); the next use reads it again. */
  drop(gameIndex: number): void {
    this.versions.bump(gameIndex);
    this.cache.delete(gameIndex);
    // A read in progress may predate the change: the next use starts its own.
    this.loads.delete(gameIndex);
  }

  /** Forgets every list: after Redis comes back (changes may have been missed), and in tests. */
  clear(): void {
    this.versions.bumpAll();
    this.cache.clear();
    this.loads.clear();
  }

  /** The compiled list when cached (refreshed in the background once old), else undefined. */
  private cached(gameIndex: number): CompiledFilter | undefined {
    const entry = this.cache.get(gameIndex);
    if (entry && Date.now() - entry.loadedAt > REFRESH_AFTER_MS && !this.loads.has(gameIndex)) {
      this.load(gameIndex).catch((err: unknown) => this.logger.warn(`refreshing the word filter of game ${gameIndex}: ${errorText(err)}`));
    }
    return entry;
  }

  private load(gameIndex: number): Promise<CompiledFilter> {
    const running = this.loads.get(gameIndex);
    if (running) return running;
    const version = this.versions.current();
    // The load removes itself from `loads` when it settles (after its first await).
    const run = async (): Promise<CompiledFilter> => {
      try {
        const { words, action, updatedAt } = await this.readRow(gameIndex);
        // Compiling 5,000 entries takes milliseconds: the periodic refresh of an unchanged list reuses the matcher.
        const previous = this.cache.get(gameIndex);
        const matcher = previous?.updatedAt === updatedAt && previous.action === action ? previous.matcher : new WordMatcher(words);
        const compiled: CompiledFilter = { action, matcher, updatedAt, loadedAt: Date.now() };
        // A change that overtook the read is not overwritten with what was read before it.
        if (this.versions.isCurrent(gameIndex, version)) {
          if (this.cache.size >= MAX_GAMES) this.cache.clear();
          this.cache.set(gameIndex, compiled);
        }
        return compiled;
      } finally {
        if (this.loads.get(gameIndex) === load) this.loads.delete(gameIndex);
      }
    };
    const load = run();
    this.loads.set(gameIndex, load);
    return load;
  }

  private async readRow(gameIndex: number): Promise<WordFilterView & { updatedAt: number }> {
    const rows: { action: FilterAction; words: string[]; updated_at: Date }[] = await this.dataSource.query(
      `SELECT action, words, updated_at FROM word_filters WHERE game_index = $1`,
      [gameIndex],
    );
    const row = rows[0];
    return row
      ? { words: row.words, action: row.action, updatedAt: row.updated_at.getTime() }
      : { words: [], action: DEFAULT_ACTION, updatedAt: 0 };
  }
}

function refused(field: string): DomainError {
  return new DomainError(ErrorCode.FilterRefused, `${field} contains a word that is not allowed`);
}
