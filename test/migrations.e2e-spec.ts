import pg from 'pg';
import { type TestApp, startTestApp } from './support/test-app.js';
import { MIGRATIONS } from '../migrations/index.js';

/**
 * Several instances starting together against one empty PostgreSQL must all come up, with every
 * migration applied exactly once (the advisory lock of src/infra/database/migrate.ts). Needs a real
 * server: on the embedded database one process owns the data, so this runs on CI's PostgreSQL pass.
 */
const realServer = process.env.DATABASE_URL;
const suite = realServer ? describe : describe.skip;

suite('migrations at start under an advisory lock (real PostgreSQL)', () => {
  const dbName = `partychat_migr_${process.pid}`;
  let admin: pg.Client;
  let apps: TestApp[] = [];
  const original = realServer!;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: original });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    process.env.DATABASE_URL = original;
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('brings three instances up at once on an empty database and migrates once', async () => {
    const url = new URL(original);
    url.pathname = `/${dbName}`;
    apps = await Promise.all([1, 2, 3].map(() => startTestApp({ DATABASE_URL: url.toString() })));
    const rows: { name: string; n: string }[] = await apps[0].dataSource.query(
      `SELECT name, count(*) AS n FROM migrations GROUP BY name ORDER BY name`,
    );
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    for (const app of apps) expect(await app.dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });
});
