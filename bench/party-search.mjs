// Party name search on 100,000 parties: `GET /api/table/services/parties?query=...&limit=50`
// against the built app on a real PostgreSQL, one request at a time, median and p99 per query;
// then each query's maximum throughput and its p99 at half that rate.
//
//   npm run build && node bench/party-search.mjs
//
// Settings (env): BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DB (database it recreates, default pc_party_bench), PARTIES (100000), REQUESTS (300 per query),
// the half-load phase of bench/lib/sequential.mjs (LOAD=off skips it), and BENCH_BASE_ENTRY (another
// build measured beside ours on the same data).
// It starts the app itself and stops it (and only it) on the way out.
import { hive } from './lib/api.mjs';
import { withClient } from './lib/db.mjs';
import { loadSettings, loadTitle, runSequential, startSequentialApp, timeQueries, writeSequentialReport } from './lib/sequential.mjs';

const DB = process.env.BENCH_DB ?? 'pc_party_bench';
const PARTIES = Number(process.env.PARTIES ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 30;

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
  { label: 'two letters ("ol", ~8%; no trigram)', query: 'ol' },
  { label: 'single letter matching nothing ("q")', query: 'q' },
  { label: 'no query (newest 50)', query: null },
];

async function main() {
  const { cfg, app, base } = await startSequentialApp('party-search', DB);
  const seedStart = performance.now();
  await withClient(cfg.databaseUrl, async (c) => {
    await c.query(
      `INSERT INTO parties (game_index, name, max_member_count, member_count, is_private, owner, created_at)
       SELECT $6::int, ($1::text[])[1 + i % $3] || ' ' || ($2::text[])[1 + (i / $3) % $4] || ' ' || i,
              10, 1, i % 5 = 0, i, now() - (($5 - i) || ' seconds')::interval
         FROM generate_series(1, $5) AS i`,
      [ADJECTIVES, NOUNS, ADJECTIVES.length, NOUNS.length, PARTIES, cfg.gameIndex],
    );
    await c.query(
      `INSERT INTO party_members (game_index, party_id, player_id, role, status, accepted_at)
       SELECT game_index, id, owner, 1, 1, created_at FROM parties`,
    );
    await c.query('ANALYZE parties; ANALYZE party_members');
  });
  const seedMs = performance.now() - seedStart;

  const token = await hive(cfg, app.url).token(1);
  const { rows, overall } = await timeQueries(
    QUERIES.map(({ label, query }) => ({
      label,
      url: `${app.url}/api/table/services/parties?${query === null ? '' : `query=${encodeURIComponent(query)}&`}skip=0&limit=50`,
      describe: (body) => ({ totalCount: body.totalCount, returned: body.list.length }),
    })),
    { headers: { authorization: `bearer ${token}` }, warmup: WARMUP, requests: REQUESTS, load: loadSettings(), base: base && { from: app.url, to: base.url } },
  );
  writeSequentialReport('party-search', {
    title: `Party name search, ${PARTIES.toLocaleString('en')} parties, limit=50, real PostgreSQL, ${REQUESTS} sequential HTTP requests per query (after ${WARMUP} warm-up), then ${loadTitle()}`,
    countField: 'totalCount',
    countLabel: 'totalCount',
    rows,
    overall,
    extra: { parties: PARTIES, requestsPerQuery: REQUESTS, seedSeconds: seedMs / 1000 },
  });
}

runSequential(main);
