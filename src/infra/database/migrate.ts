import { Logger } from '@nestjs/common';
import { type DataSource, MigrationExecutor } from 'typeorm';

/** Arbitrary constant shared by every instance: the key of the migration advisory lock. */
const MIGRATION_LOCK_KEY = 72_616_001;

/**
 * Runs pending migrations, all in one transaction that first takes a transaction-level advisory
 * lock: instances starting together wait for the first one, then find nothing left to do. A
 * transaction-level lock (not a session one) so that it also holds through a transaction-pooling
 * PgBouncer (docs/operations.md#behind-pgbouncer), where a session lock would stay on whichever
 * server connection took it. One transaction also means a failed migration leaves nothing behind.
 */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const logger = new Logger('Migrations');
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      const applied = await executor.executePendingMigrations();
      await runner.commitTransaction();
      if (applied.length) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  } finally {
    await runner.release();
  }
}
