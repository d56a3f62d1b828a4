// The standalone one-request-at-a-time benches (channel-list.mjs, party-search.mjs): a fresh
// database, our app on it, each query timed sequentially (after a warm-up), a Markdown table and
// a JSON file under bench/results. Processes and databases come from the same helpers as run.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { loadConfig } from './config.mjs';
import { recreateDatabase } from './db.mjs';
import { installExitHandlers, killAll } from './proc.mjs';
import { RESULTS_DIR, startApp } from './servers.mjs';
import { quantile } from './stats.mjs';

/** Recreates `database`, starts the built app on it; `cfg` carries gameIndex, serverKey, databaseUrl. */
export async function startSequentialApp(name, database) {
  installExitHandlers();
  const cfg = loadConfig();
  cfg.databaseUrl = await recreateDatabase(cfg.pgAdminUrl, database);
  const app = await startApp(cfg, name);
  return { cfg, app };
}

/**
 * Times each query `requests` times in a row after `warmup` untimed ones. `query.url` is fetched
 * with `headers`; `query.describe(body)` adds fields (e.g. the match count) to the query's row.
 */
export async function timeQueries(queries, { headers, warmup = 30, requests = 300 }) {
  const rows = [];
  const all = [];
  for (const { label, url, describe } of queries) {
    const times = [];
    let body;
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
      if (i >= warmup) times.push(ms);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    rows.push({ label, url, ...describe(body), medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99) });
  }
  all.sort((a, b) => a - b);
  return { rows, overall: { medianMs: quantile(all, 0.5), p99Ms: quantile(all, 0.99), requests: all.length } };
}

/** Writes bench/results/<name>.json and .md: a table of median/p99 per query, `countField` as matches. */
export function writeSequentialReport(name, { title, countField, countLabel, rows, overall, extra = {} }) {
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const fmt = (n) => n.toFixed(2);
  const md = [
    `${title}; ${os.cpus().length} cores, load average ${load} (1/5/15 min) at the end:`,
    '',
    `| query | matches (${countLabel}) | median ms | p99 ms |`,
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r[countField]} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} |`),
    `| **all** | | **${fmt(overall.medianMs)}** | **${fmt(overall.p99Ms)}** |`,
  ].join('\n');
  console.log(md);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const result = { at: new Date().toISOString(), cpus: os.cpus().length, loadAverage: load, ...extra, queries: rows, overall };
  writeFileSync(`${RESULTS_DIR}/${name}.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${RESULTS_DIR}/${name}.md`, `${md}\n`);
}

/** Runs `main`, then stops every process it started, with exit code 0 or 1. */
export function runSequential(main) {
  main()
    .then(() => {
      killAll();
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      killAll();
      process.exit(1);
    });
}
