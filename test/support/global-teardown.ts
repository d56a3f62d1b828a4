import pg from 'pg';

/** Jest globalTeardown: drops the workers' databases that global-setup.ts created (it lists them in TEST_WORKER_DATABASES). */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const names = process.env.TEST_WORKER_DATABASES?.split(',') ?? [];
  if (!url || names.length === 0) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
