// Party name search on 100,000 parties (issue 5): `GET /api/table/services/parties?query=...&limit=50`
// against the built app on a real PostgreSQL, one request at a time, median and p99 per query.
//
//   npm run build && node bench/party-search.mjs
//
// Settings (env): BENCH_PG (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DB (database it recreates, default pc_party_bench), PARTIES (100000), REQUESTS (300 per query).
// It starts the app itself and stops it (and only it) on the way out.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = `${ROOT}dist/src/main.js`;
const ADMIN_URL = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_DB ?? 'pc_party_bench';
const PARTIES = Number(process.env.PARTIES ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 30;
const SERVER_KEY = 'bench-party-key';

// Names are "<adjective> <noun> <n>": each word is in about 1/25 of the names.
const ADJECTIVES = 'red blue green black white silver golden iron crimson shadow silent rapid brave wild ancient frozen burning hidden lucky royal dark bright savage noble mystic'.split(' ');
const NOUNS = 'wolves eagles dragons tigers ravens knights hunters raiders titans ghosts falcons lions sharks vipers giants rangers pirates wizards monks samurai ninjas bears foxes owls storm'.split(' ');
/** The seeded name of party number i (same formula as the INSERT below). */
function nameOf(i) {
  return `${ADJECTIVES[i % ADJECTIVES.length]} ${NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]} ${i}`;
}
const QUERIES = [
  { label: 'common word ("wolves", ~4% of parties)', query: 'wolves' },
  { label: 'word pair ("golden dragons", ~0.16%)', query: 'golden dragons' },
  { label: 'infix, mixed case ("LVES")', query: 'LVES' },
  { label: `exact name ("${nameOf(4242)}")`, query: nameOf(4242) },
  { label: 'no match ("xyzzy")', query: 'xyzzy' },
  { label: 'single letter ("e", most parties; no trigram)', query: 'e' },
  { label: 'no query (newest 50)', query: null },
];

const children = [];
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function waitForHttp(url, child, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`app not ready after ${timeoutMs} ms`);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first`);
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB}`);
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [ENTRY], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl(DB),
      JWT_SECRET: 'bench-party-secret-0123456789',
      SERVER_KEYS: `1:${SERVER_KEY}`,
      PURGE_INTERVAL: '0',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(app);
  await waitForHttp(`${base}/health`, app); // migrations have run once this answers

  const seedStart = performance.now();
  await withClient(dbUrl(DB), async (c) => {
    await c.query(
      `INSERT INTO parties (game_index, name, max_member_count, member_count, is_private, owner, created_at)
       SELECT 1, ($1::text[])[1 + i % $3] || ' ' || ($2::text[])[1 + (i / $3) % $4] || ' ' || i,
              10, 1, i % 5 = 0, i, now() - (($5 - i) || ' seconds')::interval
         FROM generate_series(1, $5) AS i`,
      [ADJECTIVES, NOUNS, ADJECTIVES.length, NOUNS.length, PARTIES],
    );
    await c.query(
      `INSERT INTO party_members (game_index, party_id, player_id, role, status, accepted_at)
       SELECT 1, id, owner, 1, 1, created_at FROM parties`,
    );
    await c.query('ANALYZE parties; ANALYZE party_members');
  });
  const seedMs = performance.now() - seedStart;

  const tokenRes = await fetch(`${base}/api/v1/games/1/users/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify({ playerId: 1 }),
  });
  const token = (await tokenRes.json()).data.token;

  const rows = [];
  const all = [];
  for (const { label, query } of QUERIES) {
    const url = `${base}/api/table/services/parties?${query === null ? '' : `query=${encodeURIComponent(query)}&`}skip=0&limit=50`;
    const times = [];
    let body;
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { authorization: `bearer ${token}` } });
      body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
      if (i >= WARMUP) times.push(ms);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    rows.push({ label, query, totalCount: body.totalCount, returned: body.list.length, medianMs: percentile(times, 50), p99Ms: percentile(times, 99) });
  }
  all.sort((a, b) => a - b);
  const overall = { medianMs: percentile(all, 50), p99Ms: percentile(all, 99), requests: all.length };

  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const result = { at: new Date().toISOString(), cpus: os.cpus().length, loadAverage: load, parties: PARTIES, requestsPerQuery: REQUESTS, seedSeconds: seedMs / 1000, queries: rows, overall };
  const fmt = (n) => n.toFixed(2);
  const md = [
    `Party name search, ${PARTIES.toLocaleString('en')} parties, limit=50, real PostgreSQL, ${REQUESTS} sequential HTTP requests per query (after ${WARMUP} warm-up); ${os.cpus().length} cores, load average ${load} (1/5/15 min) at the end:`,
    '',
    '| query | matches (totalCount) | median ms | p99 ms |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r.totalCount} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} |`),
    `| **all** | | **${fmt(overall.medianMs)}** | **${fmt(overall.p99Ms)}** |`,
  ].join('\n');
  console.log(md);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/party-search.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${ROOT}bench/results/party-search.md`, `${md}\n`);
}

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    cleanup();
    process.exit(1);
  });
