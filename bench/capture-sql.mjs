// Prints the SQL statements our service sends to PostgreSQL for each operation the REST baseline
// reproduces (party join/leave/search, channel enter/exit/list), read back from PostgreSQL's own
// statement log (log_statement = all on a scratch database). Run it after a change to those
// operations and bring bench/baselines/http-pg.mjs in line:
//   npm run build && node bench/capture-sql.mjs
// Needs read access to the PostgreSQL server log (BENCH_PG_LOG, default the Debian location).
import { readFileSync, statSync } from 'node:fs';
import { call, hive } from './lib/api.mjs';
import { loadConfig } from './lib/config.mjs';
import { recreateDatabase, seedChannels, seedParties, withClient, dropDatabase } from './lib/db.mjs';
import { installExitHandlers, killAll } from './lib/proc.mjs';
import { startApp } from './lib/servers.mjs';

const LOG = process.env.BENCH_PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';
installExitHandlers();
const cfg = loadConfig();
const dbName = `${cfg.database}_sql`;
cfg.databaseUrl = await recreateDatabase(cfg.pgAdminUrl, dbName);
let app = await startApp(cfg, 'capture');
try {
  const api = hive(cfg, app.url);
  await seedParties(cfg.databaseUrl, cfg.gameIndex, 1000, 9_000_000);
  await seedChannels(cfg.databaseUrl, cfg.gameIndex, 1000, 'capture-');
  const owner = await api.token(9_100_001);
  const user = await api.token(9_100_002);
  const party = (await call(app.url, 'POST', '/api/table/services/parties', { bearer: owner, body: { data: { name: 'capture', max_member_count: 10 } } })).json.row.id;
  await api.createChannel({ channelId: 'capture-room', channelName: 'capture', maxMemberCount: 500, type: 'GROUP' });
  await withClient(cfg.databaseUrl, (c) => c.query(`ALTER DATABASE ${dbName} SET log_statement = 'all'`));
  await app.stop(); // new connections pick the setting up
  app = await startApp(cfg, 'capture');
  const api2 = hive(cfg, app.url);
  const g = cfg.gameIndex;
  const ops = [
    ['party join', () => call(app.url, 'POST', `/api/table/services/parties/${party}`, { bearer: user, body: {} })],
    ['party leave', () => call(app.url, 'DELETE', `/api/table/services/parties/${party}`, { bearer: user })],
    ['party search ?query=dragon', () => call(app.url, 'GET', '/api/table/services/parties?query=dragon&limit=50', { bearer: user })],
    ['party search (no query)', () => call(app.url, 'GET', '/api/table/services/parties?limit=50', { bearer: user })],
    ['party search ?query=party&skip=500', () => call(app.url, 'GET', '/api/table/services/parties?query=party&skip=500&limit=50', { bearer: user })],
    ['channel enter', () => api2.enter('capture-room', 9_100_003)],
    ['channel exit', () => api2.exit('capture-room', 9_100_003)],
    ['channel list ?channelName=dragon', () => call(app.url, 'GET', `/api/v1/games/${g}/channels?channelName=dragon&size=10`, { bearer: cfg.serverKey })],
    ['channel list ?sort=channelName&page=20', () => call(app.url, 'GET', `/api/v1/games/${g}/channels?sort=channelName&order=ASC&size=10&page=20`, { bearer: cfg.serverKey })],
  ];
  for (const [label, op] of ops) {
    await new Promise((r) => setTimeout(r, 300));
    const offset = statSync(LOG).size;
    await op();
    await new Promise((r) => setTimeout(r, 300));
    const text = readFileSync(LOG).subarray(offset).toString();
    // One log entry per statement; a multi-line statement continues on lines starting with a tab.
    const statements = [];
    let current = null;
    for (const line of text.split('\n')) {
      if (line.startsWith('\t')) {
        if (current !== null) current += ` ${line.trim()}`;
        continue;
      }
      if (current !== null) statements.push(current);
      current = line.includes(`@${dbName} `) && /LOG: {2}(statement|execute)/.test(line) ? line.replace(/^.*?LOG: {2}(statement|execute [^:]*): /, '') : null;
    }
    if (current !== null) statements.push(current);
    console.log(`\n### ${label}\n${statements.map((s) => `  ${s}`).join('\n')}`);
  }
} finally {
  await app.stop();
  await withClient(cfg.databaseUrl, (c) => c.query(`ALTER DATABASE ${dbName} RESET log_statement`)).catch(() => {});
  await dropDatabase(cfg.pgAdminUrl, dbName);
  killAll();
}
