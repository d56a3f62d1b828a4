import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainEvents } from '../common/events/domain-events.js';
import { AppConfig } from '../infra/config/app-config.js';
import { inTransaction, type Tx } from '../infra/database/transaction.js';
import { returnedRows } from '../infra/database/returned-rows.js';
import { MetricsService } from '../observability/metrics/metrics.service.js';
import {
  DAY_MS,
  DAYS_AHEAD,
  createDayPartition,
  dayOf,
  deleteOldDefaultRows,
  dropDayPartition,
  idAtMillis,
  partitionDays,
  partitionName,
} from './chat-partitions.js';

/** Arbitrary constant shared by every instance: the key of the purge advisory lock. */
export const PURGE_LOCK_KEY = 72_616_003;

export interface PurgeResult {
  /** True when another instance (or a tick still running here) held the purge lock; the counts are what was done before. */
  skipped: boolean;
  channels: number;
  messages: number;
}

/** Labels of partychat_purge_deleted_total (docs/operations.md#metrics). */
const CHANNELS = { what: 'channels' } as const;
const MESSAGES = { what: 'messages' } as const;

/**
 * A deletion another module adds to each purge pass (its own tables, its own statement): `run`
 * deletes up to `size` rows through `m` and returns how many; it is called until it deletes fewer.
 */
export interface PurgeStep {
  name: string;
  run(m: EntityManager, size: number): Promise<number>;
}

/** lock_timeout expired (the partition DDL's lock was not granted in time). */
const LOCK_NOT_AVAILABLE = '55P03';

/** Thrown out of a pass when another instance holds the purge lock. */
class Lost extends Error {}

/**
 * Deletes player-owned channels nobody is in and history past HISTORY_RETENTION_DAYS (docs/chat-api.md),
 * and keeps the day partitions of chat_messages (docs/operations.md#chat-history-partitions): creates
 * those of the next days, drops those wholly past retention. Works in short transactions (deletions
 * of at most PURGE_BATCH_SIZE rows, one partition each), so that no statement sweeps a whole table
 * and requests run in between. Each transaction first takes `pg_try_advisory_xact_lock`: a
 * transaction-level lock holds through a transaction-pooling PgBouncer, where a session lock would
 * stay on whichever server connection ran it (docs/operations.md#behind-pgbouncer). An instance that
 * finds the lock taken skips the tick, or stops mid-pass: one instance purges at a time.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger('Purge');
  private running = false;
  private readonly steps: PurgeStep[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Adds a step to every pass, run after the channel and history deletions under the same lock. */
  addStep(step: PurgeStep): void {
    this.steps.push(step);
  }

  async runOnce(): Promise<PurgeResult> {
    if (this.running) return { skipped: true, channels: 0, messages: 0 };
    this.running = true;
    const result: PurgeResult = { skipped: false, channels: 0, messages: 0 };
    try {
      await this.pass(result);
      return result;
    } catch (err) {
      if (err instanceof Lost) return { ...result, skipped: true };
      throw err;
    } finally {
      this.running = false;
    }
  }

  private async pass(result: PurgeResult): Promise<void> {
    const size = this.config.settings.purgeBatchSize;
    await this.repeat(size, async (tx) => {
      const deleted = await this.deleteEmptyChannels(tx.manager, size);
      tx.afterCommit(() => {
        result.channels += deleted.length;
        this.metrics.purgeDeleted.inc(CHANNELS, deleted.length);
        for (const row of deleted) {
          this.events.publish('channel.deleted', { gameIndex: Number(row.game_index), channelId: row.channel_id, memberIds: [] });
        }
      });
      return deleted.length;
    });
    await this.history(size, result);
    if (result.channels || result.messages) {
      this.logger.log(`purged ${result.channels} empty channels and ${result.messages} messages past retention`);
    }
    for (const step of this.steps) {
      const total = await this.repeat(size, (tx) => step.run(tx.manager, size));
      if (total) this.logger.log(`purged ${total} ${step.name}`);
    }
  }

  /**
   * Creates the partitions from the retention cutoff's day to DAYS_AHEAD days from now (any gap
   * too: a read's range must be covered for the default partition to be pruned), drops those whose
   * every id is past retention, then deletes the default partition's stray rows past retention.
   * A partition statement that cannot get its lock in time is left for the next pass.
   */
  private async history(size: number, result: PurgeResult): Promise<void> {
    const now = Date.now();
    const cutoff = now - this.config.settings.historyRetentionDays * DAY_MS;
    const existing = new Set(await this.locked((tx) => partitionDays(tx.manager)));
    for (let day = dayOf(cutoff); day <= dayOf(now) + DAYS_AHEAD * DAY_MS; day += DAY_MS) {
      if (existing.has(day)) continue;
      await this.partitionStatement(`creating ${partitionName(day)}`, (tx) => createDayPartition(tx.manager, day));
    }
    for (const day of existing) {
      if (day + DAY_MS > cutoff) continue;
      await this.partitionStatement(`dropping ${partitionName(day)}`, async (tx) => {
        const n = await dropDayPartition(tx.manager, day);
        tx.afterCommit(() => this.countMessages(result, n));
      });
    }
    const before = idAtMillis(cutoff);
    await this.repeat(size, async (tx) => {
      const n = await deleteOldDefaultRows(tx.manager, before, size);
      tx.afterCommit(() => this.countMessages(result, n));
      return n;
    });
  }

  private countMessages(result: PurgeResult, n: number): void {
    result.messages += n;
    this.metrics.purgeDeleted.inc(MESSAGES, n);
  }

  /** One partition statement under the lock; a lock timeout (55P03) is logged, not thrown. */
  private async partitionStatement(what: string, work: (tx: Tx) => Promise<unknown>): Promise<void> {
    try {
      await this.locked(work);
    } catch (err) {
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      this.logger.warn(`${what}: ${(err as Error).message}; tried again next pass`);
    }
  }

  /** `work` in one transaction holding the purge lock; throws Lost when another instance holds it. */
  private locked<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, async (tx) => {
      const [{ locked }] = await tx.manager.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        PURGE_LOCK_KEY,
      ]);
      if (!locked) throw new Lost();
      return work(tx);
    });
  }

  /** `work` in locked transactions until one does fewer than `size` rows; the total. */
  private async repeat(size: number, work: (tx: Tx) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.locked(work);
      total += n;
      if (n < size) return total;
    }
  }

  /** Owner not SYSTEM and no members; rows being entered right now are skipped, re-checked under lock. */
  private async deleteEmptyChannels(m: EntityManager, size: number): Promise<{ game_index: number; channel_id: string }[]> {
    const rows = returnedRows<{ game_index: number; channel_id: string }>(
      await m.query(
        `WITH doomed AS (
         SELECT game_index, channel_id FROM channels
          WHERE owner_id IS NOT NULL AND member_count = 0
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       DELETE FROM channels c USING doomed d
        WHERE c.game_index = d.game_index AND c.channel_id = d.channel_id AND c.member_count = 0
       RETURNING c.game_index, c.channel_id`,
        [size],
      ),
    );
    if (rows.length > 0) {
      await m.query(
        `DELETE FROM chat_messages cm USING unnest($1::int[], $2::varchar[]) AS d(game_index, channel_id)
          WHERE cm.game_index = d.game_index AND cm.channel_id = d.channel_id`,
        [rows.map((r) => r.game_index), rows.map((r) => r.channel_id)],
      );
    }
    return rows;
  }
}
