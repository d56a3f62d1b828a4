import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { QueryLogger } from './query-logger.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import type { AppSettings } from '../config/app-config.js';

export interface DatabaseHandle {
  options: DataSourceOptions;
  /** The embedded database, when DATABASE_URL is unset; closed by whoever opened it. */
  pglite: PGlite | null;
}

/**
 * The one DataSource options object of the project, shared by the app and the TypeORM CLI.
 * DATABASE_URL set → that PostgreSQL server; unset → PGlite in DATA_DIR through its own
 * node-postgres adapter: a pool of exactly one connection, so every query inside a transaction
 * must go through that transaction's manager.
 */
export function databaseOptions(settings: Pick<AppSettings, 'databaseUrl' | 'dataDir' | 'dbPoolSize'>): DatabaseHandle {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'] as 'error'[],
    logger: new QueryLogger(),
  };
  if (settings.databaseUrl) {
    return {
      // A request that gets no connection within 10 s (a server that does not answer, or a pool
      // that stays exhausted that long) fails instead of waiting forever, and is answered 503
      // (busy). pg-pool counts the wait for a free pooled connection in this time too, so it must
      // stay well above what a burst of queued requests waits on a loaded machine.
      options: { ...common, url: settings.databaseUrl, extra: { max: settings.dbPoolSize, connectionTimeoutMillis: 10_000 } },
      pglite: null,
    };
  }
  const memory = settings.dataDir === ':memory:';
  if (!memory) mkdirSync(settings.dataDir, { recursive: true });
  const pglite = new PGlite(memory ? 'memory://' : settings.dataDir, { extensions: { pg_trgm } });
  return {
    options: { ...common, extra: { ...createPgConfig(pglite), idleTimeoutMillis: 0 } },
    pglite,
  };
}
