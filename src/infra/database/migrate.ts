import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Arbitrary constant shared by every instance: the key of the migration advisory lock. */
const MIGRATION_LOCK_KEY = 72_616_001;

/**
 * Runs pending migrations. On a real server several instances may start together, so the
 * work happens under a session advisory lock held on a dedicated connection; the embedded
 * database belongs to one process and has a single connection, so it needs (and allows) none.
 */
export async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<void> {
  const logger = new Logger('Migrations');
  if (embedded) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
    return;
  }
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}
