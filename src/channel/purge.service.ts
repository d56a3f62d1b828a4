import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainEvents } from '../common/events/domain-events.js';
import { AppConfig } from '../infra/config/app-config.js';
import { inTransaction } from '../infra/database/transaction.js';
import { returnedRows } from '../infra/database/returned-rows.js';
import { MetricsService } from '../observability/metrics/metrics.service.js';

/** Arbitrary constant shared by every instance: the key of the purge advisory lock. */
export const PURGE_LOCK_KEY = 72_616_003;

export interface PurgeResult {
  /** True when another instance (or a tick still running here) held the purge lock. */
  skipped: boolean;
  channels: number;
  messages: number;
}

/** Labels of partychat_purge_deleted_total (docs/operations.md#metrics). */
const CHANNELS = { what: 'channels' } as const;
const MESSAGES = { what: 'messages' } as const;

type Batch = (work: (m: EntityManager) => Promise<number>) => Promise<number>;

/**
 * A deletion another module adds to each purge pass (its own tables, its own statement): `run`
 * deletes up to `size` rows through `m` and returns how many; it is called until it deletes fewer.
 */
export interface PurgeStep {
  name: string;
  run(m: EntityManager, size: number): Promise<number>;
}

/**
 * Deletes player-owned channels nobody is in, and history past HISTORY_RETENTION_DAYS (docs/chat-api.md),
 * in batches of PURGE_BATCH_SIZE so that no statement sweeps a whole table. On PostgreSQL only
 * the instance that wins `pg_try_advisory_lock` works a tick; the lock is held on one dedicated
 * connection, which also runs the batches. The embedded database belongs to one process and has
 * one connection: there an in-process flag is the lock, and each batch is its own short
 * transaction so that requests run between batches.
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
    try {
      return this.config.settings.databaseUrl ? await this.runLocked() : await this.runBatches((work) => this.embeddedBatch(work));
    } finally {
      this.running = false;
    }
  }

  private async runLocked(): Promise<PurgeResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PURGE_LOCK_KEY])) as { locked: boolean }[];
      if (!locked) return { skipped: true, channels: 0, messages: 0 };
      try {
        return await this.runBatches(async (work) => {
          await runner.startTransaction();
          try {
            const n = await work(runner.manager);
            await runner.commitTransaction();
            return n;
          } catch (err) {
            await runner.rollbackTransaction();
            throw err;
          }
        });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private embeddedBatch(work: (m: EntityManager) => Promise<number>): Promise<number> {
    return inTransaction(this.dataSource, (tx) => work(tx.manager));
  }

  private async runBatches(batch: Batch): Promise<PurgeResult> {
    const size = this.config.settings.purgeBatchSize;
    let channels = 0;
    let messages = 0;
    for (;;) {
      const deleted: { game_index: number; channel_id: string }[] = [];
      const n = await batch(async (m) => {
        deleted.length = 0;
        deleted.push(...(await this.deleteEmptyChannels(m, size)));
        return deleted.length;
      });
      channels += n;
      this.metrics.purgeDeleted.inc(CHANNELS, n);
      for (const row of deleted) {
        this.events.publish('channel.deleted', { gameIndex: Number(row.game_index), channelId: row.channel_id, memberIds: [] });
      }
      if (n < size) break;
    }
    const cutoff = new Date(Date.now() - this.config.settings.historyRetentionDays * 86_400_000);
    for (;;) {
      const n = await batch((m) => this.deleteOldMessages(m, cutoff, size));
      messages += n;
      this.metrics.purgeDeleted.inc(MESSAGES, n);
      if (n < size) break;
    }
    if (channels || messages)
      this.logger.log(`purged ${channels} empty channels and ${messages} messages older than ${cutoff.toISOString()}`);
    for (const step of this.steps) {
      let total = 0;
      for (;;) {
        const n = await batch((m) => step.run(m, size));
        total += n;
        if (n < size) break;
      }
      if (total) this.logger.log(`purged ${total} ${step.name}`);
    }
    return { skipped: false, channels, messages };
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

  private async deleteOldMessages(m: EntityManager, cutoff: Date, size: number): Promise<number> {
    const rows = returnedRows(
      await m.query(
        `DELETE FROM chat_messages WHERE (game_index, id) IN (
           SELECT game_index, id FROM chat_messages WHERE created_at < $1 ORDER BY created_at LIMIT $2)
         RETURNING id`,
        [cutoff, size],
      ),
    );
    return rows.length;
  }
}
