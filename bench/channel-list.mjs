// Channel list on 100,000 channels (issue 3): `GET /api/v1/games/1/channels` with a name filter
// and a sort, against the built app on a real PostgreSQL, one request at a time; median and p99
// per query. The figure quoted in the README comes from here.
//
//   npm run build && node bench/channel-list.mjs
//
// Settings (env): BENCH_PG (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DB (database it recreates, default pc_channel_bench), CHANNELS (100000), REQUESTS (300
// per query). It starts the app itself and stops it (and only it) on the way out.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = `${ROOT}dist/src/main.js`;
const ADMIN_URL = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_DB ?? 'pc_channel_bench';
const CHANNELS = Number(process.env.CHANNELS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 30;
const SERVER_KEY = 'bench-channel-key';

// Names are "<Adjective> <noun> <n>": each word is in about 1/25 of the names.
const ADJECTIVES = 'Red Blue Green Black White Silver Golden Iron Crimson Shadow Silent Rapid Brave Wild Ancient Frozen Burning Hidden Lucky Royal Dark Bright Savage Noble Mystic'.split(' ');
const NOUNS = 'wolves eagles dragons tigers ravens knights hunters raiders titans ghosts falcons lions sharks vipers giants rangers pirates wizards monks samurai ninjas bears foxes owls storm'.split(' ');
const QUERIES = [
  { label: 'name contains "wolves" (~4%), newest first (default sort)', query: 'channelName=wolves' },
  { label: 'name contains "golden drag" (~0.16%), newest first', query: 'channelName=golden%20drag' },
  { label: 'name contains "LVES" (infix, other case), sort channelName ASC', query: 'channelName=LVES&sort=channelName&order=ASC' },
  { label: 'type=PUBLIC, name contains "knights", sort channelId DESC, page 3', query: 'type=PUBLIC&channelName=knights&sort=channelId&order=DESC&page=3' },
  { label: 'channelId prefix "guild:12", sort regTime ASC', query: 'channelId=guild:12&sort=regTime&order=ASC' },
  { label: 'name matches nothing ("xyzzy")', query: 'channelName=xyzzy' },
  { label: 'no filter, newest first', query: '' },
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
      if ((await fetch(url)).ok) return;
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
      JWT_SECRET: 'bench-channel-secret-0123456789',
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
    // 100,000 listable channels (PUBLIC/GROUP/PRIVATE, ids "guild:<n>"), plus 10% ONE_ON_ONE
    // channels that the list must skip, one second apart in creation time.
    await c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, created_at)
       SELECT 1, 'guild:' || i, (ARRAY['PUBLIC', 'GROUP', 'PRIVATE'])[1 + i % 3], CASE WHEN i % 4 = 0 THEN NULL ELSE i END,
              ($1::text[])[1 + i % $3] || ' ' || ($2::text[])[1 + (i / $3) % $4] || ' ' || i,
              500, i % 40, now() - (($5 - i) || ' seconds')::interval
         FROM generate_series(1, $5) AS i`,
      [ADJECTIVES, NOUNS, ADJECTIVES.length, NOUNS.length, CHANNELS],
    );
    await c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, pair_low, pair_high, created_at)
       SELECT 1, 'dm' || i, 'ONE_ON_ONE', i, i || '&' || (i + 1), 2, 2, i, i + 1, now() - (i || ' seconds')::interval
         FROM generate_series(1, $1) AS i`,
      [Math.floor(CHANNELS / 10)],
    );
    // What autovacuum would have done after a bulk load: visibility map, GIN pending list, statistics.
    await c.query('VACUUM ANALYZE channels');
  });
  const seedMs = performance.now() - seedStart;

  const rows = [];
  const all = [];
  for (const { label, query } of QUERIES) {
    const url = `${base}/api/v1/games/1/channels${query ? `?${query}` : ''}`;
    const times = [];
    let body;
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${SERVER_KEY}` } });
      body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${url} → ${res.status} ${JSON.stringify(body)}`);
      if (i >= WARMUP) times.push(ms);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    rows.push({
      label,
      query,
      totalElements: body.data.page.totalElements,
      returned: body.data.content.length,
      medianMs: percentile(times, 50),
      p99Ms: percentile(times, 99),
    });
  }
  all.sort((a, b) => a - b);
  const overall = { medianMs: percentile(all, 50), p99Ms: percentile(all, 99), requests: all.length };

  const result = { at: new Date().toISOString(), channels: CHANNELS, requestsPerQuery: REQUESTS, seedSeconds: seedMs / 1000, queries: rows, overall };
  const fmt = (n) => n.toFixed(2);
  const md = [
    `Channel list, ${CHANNELS.toLocaleString('en')} channels (+${Math.floor(CHANNELS / 10).toLocaleString('en')} ONE_ON_ONE never listed), size=10, real PostgreSQL, ${REQUESTS} sequential HTTP requests per query (after ${WARMUP} warm-up):`,
    '',
    '| query | matches (totalElements) | median ms | p99 ms |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r.totalElements} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} |`),
    `| **all** | | **${fmt(overall.medianMs)}** | **${fmt(overall.p99Ms)}** |`,
  ].join('\n');
  console.log(md);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/channel-list.json`, JSON.stringify(result, null, 2));
  writeFileSync(`${ROOT}bench/results/channel-list.md`, `${md}\n`);
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
