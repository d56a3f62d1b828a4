// Start-up: time from spawning the process to a ready answer (/health/ready: the
// database answers) and the resident memory a second later, idle. Embedded PGlite on a fresh data
// folder (first start: initdb + migrations) and on the same folder again (restart), and a real
// PostgreSQL on a fresh database (first start runs the migrations) and again (restart).
import { rmSync } from 'node:fs';
import { databaseUrl, dropDatabase, recreateDatabase } from '../lib/db.mjs';
import { rssBytes, sleep } from '../lib/proc.mjs';
import { TMP_DIR, startApp } from '../lib/servers.mjs';
import { median, round } from '../lib/stats.mjs';

async function once(cfg, name, env, extra = {}) {
  const app = await startApp({ ...cfg, profile: false, ...extra }, name, env, { timeoutMs: 120_000 });
  try {
    await sleep(1000);
    return { readyMs: round(app.readyMs), rssMB: round(rssBytes(app.pid) / 1024 / 1024) };
  } finally {
    await app.stop();
  }
}

export async function startup(ctx) {
  const { cfg, log } = ctx;
  const cases = { embeddedFirst: [], embeddedRestart: [], postgresFirst: [], postgresRestart: [] };
  const dbName = `${cfg.database}_startup`;
  for (let r = 0; r < cfg.startup.rounds; r++) {
    const dir = `${TMP_DIR}/pglite-${cfg.runId}-${r}`;
    rmSync(dir, { recursive: true, force: true });
    try {
      cases.embeddedFirst.push(await once(cfg, 'startup-pglite', { DATA_DIR: dir }, { databaseUrl: '' }));
      cases.embeddedRestart.push(await once(cfg, 'startup-pglite', { DATA_DIR: dir }, { databaseUrl: '' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const url = await recreateDatabase(cfg.pgAdminUrl, dbName);
    try {
      cases.postgresFirst.push(await once(cfg, 'startup-pg', {}, { databaseUrl: url }));
      cases.postgresRestart.push(await once(cfg, 'startup-pg', {}, { databaseUrl: databaseUrl(cfg.pgAdminUrl, dbName) }));
    } finally {
      await dropDatabase(cfg.pgAdminUrl, dbName);
    }
  }
  const out = {};
  for (const [name, list] of Object.entries(cases)) {
    out[name] = { readyMs: round(median(list.map((x) => x.readyMs))), rssMB: round(median(list.map((x) => x.rssMB))), rounds: list };
    log(`  start-up ${name.padEnd(16)}: ready in ${out[name].readyMs} ms, ${out[name].rssMB} MB resident`);
  }
  return out;
}
