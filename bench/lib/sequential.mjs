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

/**
 * Recreates `database`, starts the built app on it; `cfg` carries gameIndex, serverKey, databaseUrl.
 * With BENCH_BASE_ENTRY (another checkout's built dist/src/main.js, e.g. the main branch) that
 * build runs too, on the same database, as `base`: timeQueries then measures both side by side,
 * query by query, so that a before/after comparison shares the machine's load of the moment.
 */
export async function startSequentialApp(name, database) {
  installExitHandlers();
  const cfg = loadConfig();
  cfg.databaseUrl = await recreateDatabase(cfg.pgAdminUrl, database);
  const app = await startApp(cfg, name);
  const entry = process.env.BENCH_BASE_ENTRY;
  const base = entry ? await startApp(cfg, `${name}-base`, {}, { entry }) : null;
  return { cfg, app, base };
}

/**
 * The half-load phase from the environment: LOAD=off skips it; LOAD_CONCURRENCY clients (8) in a
 * closed loop for LOAD_SECONDS (4) find the maximum throughput, then LOAD_REQUESTS (300) requests
 * go out at half that rate.
 */
export function loadSettings() {
  if (['off', '0', 'false', 'no'].includes(String(process.env.LOAD ?? '').toLowerCase())) return false;
  return {
    concurrency: Number(process.env.LOAD_CONCURRENCY ?? 8),
    durationMs: Number(process.env.LOAD_SECONDS ?? 4) * 1000,
    requests: Number(process.env.LOAD_REQUESTS ?? 300),
  };
}

/** Words for a report title. */
export function loadTitle(load = loadSettings()) {
  return load
    ? `the maximum throughput per query (${load.concurrency} concurrent clients, ${load.durationMs / 1000} s) and ${load.requests} requests at half that rate (evenly spaced, latency from the due time)`
    : 'no load phase';
}

/** One GET; its latency in ms (from `startedAt`, default now) and body; throws on a status other than 200. */
async function timedGet(url, headers, startedAt = performance.now()) {
  const res = await fetch(url, { headers });
  const body = await res.json();
  const ms = performance.now() - startedAt;
  if (res.status !== 200) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** Closed loop: `concurrency` clients each sending the next request as soon as the last answers, for `durationMs`; requests/s. */
async function maxThroughput(url, headers, { concurrency, durationMs }) {
  const end = performance.now() + durationMs;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await timedGet(url, headers);
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - t0);
}

/**
 * Open loop at `rate` requests/s (evenly spaced), `requests` of them: each latency counts from
 * the time its request was due, so a slow answer that delays the next ones shows in theirs too.
 */
async function atRate(url, headers, { rate, requests }) {
  const interval = 1000 / rate;
  const t0 = performance.now();
  const times = await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return (await timedGet(url, headers, due)).ms;
    }),
  );
  return times.sort((a, b) => a - b);
}

/**
 * Times each query `requests` times in a row after `warmup` untimed ones; then, unless `load` is
 * false, finds its maximum throughput (`load.concurrency` clients in a closed loop for
 * `load.durationMs`) and sends it `load.requests` requests at half that rate (open loop): the
 * p99 "at half load". `query.url` is fetched with `headers`; `query.describe(body)` adds fields
 * (e.g. the match count) to the query's row.
 */
export async function timeQueries(queries, { headers, warmup = 30, requests = 300, load = {}, base = null }) {
  const rows = [];
  const all = [];
  const allHalf = [];
  for (const { label, url, describe } of queries) {
    const row = { label, url };
    // With a base (another build on the same data): ours, then the base, then ours' figures kept.
    for (const target of base ? ['ours', 'base'] : ['ours']) {
      const at = target === 'ours' ? url : url.replace(base.from, base.to);
      const times = [];
      let body;
      for (let i = 0; i < warmup + requests; i++) {
        const r = await timedGet(at, headers);
        body = r.body;
        if (i >= warmup) times.push(r.ms);
      }
      times.sort((a, b) => a - b);
      const figures = { ...describe(body), medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
      if (load) {
        const { concurrency = 8, durationMs = 4000, requests: halfRequests = 300 } = load;
        const max = await maxThroughput(at, headers, { concurrency, durationMs });
        const half = await atRate(at, headers, { rate: max / 2, requests: halfRequests });
        if (target === 'ours') allHalf.push(...half);
        Object.assign(figures, { maxPerSecond: max, halfLoadPerSecond: max / 2, halfMedianMs: quantile(half, 0.5), halfP99Ms: quantile(half, 0.99) });
      }
      if (target === 'ours') {
        all.push(...times);
        Object.assign(row, figures);
      } else row.base = figures;
    }
    rows.push(row);
  }
  all.sort((a, b) => a - b);
  allHalf.sort((a, b) => a - b);
  const overall = { medianMs: quantile(all, 0.5), p99Ms: quantile(all, 0.99), requests: all.length };
  if (allHalf.length) Object.assign(overall, { halfMedianMs: quantile(allHalf, 0.5), halfP99Ms: quantile(allHalf, 0.99) });
  return { rows, overall };
}

/** Writes bench/results/<name>.json and .md: a table of median/p99 per query, `countField` as matches. */
export function writeSequentialReport(name, { title, countField, countLabel, rows, overall, extra = {} }) {
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const fmt = (n) => n.toFixed(2);
  const half = rows.some((r) => r.halfP99Ms !== undefined);
  const based = rows.some((r) => r.base);
  const cells = (r) =>
    half ? ` ${r.maxPerSecond === undefined ? '' : Math.round(r.maxPerSecond)} | ${fmt(r.halfMedianMs)} | ${fmt(r.halfP99Ms)} |` : '';
  const baseCells = (r) =>
    based && r.base
      ? ` ${r.base[countField]} | ${fmt(r.base.medianMs)} | ${half ? `${fmt(r.base.halfP99Ms)} | ${(r.halfP99Ms / r.base.halfP99Ms).toFixed(2)} |` : ''}`
      : '';
  const md = [
    `${title}; ${os.cpus().length} cores, load average ${load} (1/5/15 min) at the end:`,
    '',
    `| query | matches (${countLabel}) | median ms | p99 ms |${half ? ' max req/s | half-load median ms | half-load p99 ms |' : ''}${
      based ? ` base ${countLabel} | base median ms |${half ? ' base half-load p99 ms | half-load p99 ratio |' : ''}` : ''
    }`,
    `|---|---:|---:|---:|${half ? '---:|---:|---:|' : ''}${based ? `---:|---:|${half ? '---:|---:|' : ''}` : ''}`,
    ...rows.map((r) => `| ${r.label} | ${r[countField]} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} |${cells(r)}${baseCells(r)}`),
    `| **all** | | **${fmt(overall.medianMs)}** | **${fmt(overall.p99Ms)}** |${half ? ` | **${fmt(overall.halfMedianMs)}** | **${fmt(overall.halfP99Ms)}** |` : ''}`,
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
