import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * One PostgreSQL database per jest worker on the real-PostgreSQL pass, so that test files running
 * side by side never see each other's rows (every file empties the tables before each test): this
 * jest globalSetup creates `<database>_w1..wN` from the DATABASE_URL given, worker-database.ts
 * points each test file at its worker's one, global-teardown.ts drops them. The embedded pass
 * needs none of this: every test file has its own in-memory database there.
 *
 * It also names the run (TEST_RUN_ID, inherited by the workers), so that work done once per run
 * (buildApp) is done once however many workers ask. (Jest loads this file outside its module
 * mapping: it imports packages only.)
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  process.env.TEST_RUN_ID = randomBytes(6).toString('hex');
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const names = Array.from({ length: Math.max(1, globalConfig.maxWorkers) }, (_, i) => databaseName(workerDatabaseUrl(url, i + 1)));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.end();
  }
  process.env.TEST_WORKER_DATABASES = names.join(',');
}

/** The URL of worker `worker`'s database (JEST_WORKER_ID, from 1). */
export function workerDatabaseUrl(url: string, worker: number | string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname}_w${worker}`;
  return u.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
