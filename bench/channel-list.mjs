// Channel list on 100,000 channels: `GET /api/v1/games/1/channels` with a name filter
// and a sort, against the built app on a real PostgreSQL, one request at a time; median and p99
// per query, then each query's maximum throughput and its p99 at half that rate. The figure quoted
// in the README comes from here.
//
//   npm run build && node bench/channel-list.mjs
//
// Settings (env): BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DB (database it recreates, default pc_channel_bench), CHANNELS (100000), REQUESTS (300
// per query), the half-load phase of bench/lib/sequential.mjs (LOAD=off skips it) and BENCH_BASE_ENTRY
// (another build measured beside ours on the same data). It starts the
// app itself and stops it (and only it) on the way out.
import { withClient } from './lib/db.mjs';
import { loadSettings, loadTitle, runSequential, startSequentialApp, timeQueries, writeSequentialReport } from './lib/sequential.mjs';

const DB = process.env.BENCH_DB ?? 'pc_channel_bench';
const CHANNELS = Number(process.env.CHANNELS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 30;

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
  { label: 'name contains "e" (one letter, most channels), newest first', query: 'channelName=e' },
  { label: 'name contains "ol" (two letters, ~8%), sort channelName ASC', query: 'channelName=ol&sort=channelName&order=ASC' },
  { label: 'name contains "q" (one letter, nothing), newest first', query: 'channelName=q' },
  { label: 'no filter, newest first', query: '' },
];

async function main() {
  const { cfg, app, base } = await startSequentialApp('channel-list', DB);
  const seedStart = performance.now();
  await withClient(cfg.databaseUrl, async (c) => {
    // 100,000 listable channels (PUBLIC/GROUP/PRIVATE, ids "guild:<n>"), plus 10% ONE_ON_ONE
    // channels that the list must skip, one second apart in creation time.
    await c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, created_at)
       SELECT $6::int, 'guild:' || i, (ARRAY['PUBLIC', 'GROUP', 'PRIVATE'])[1 + i % 3], CASE WHEN i % 4 = 0 THEN NULL ELSE i END,
              ($1::text[])[1 + i % $3] || ' ' || ($2::text[])[1 + (i / $3) % $4] || ' ' || i,
              500, i % 40, now() - (($5 - i) || ' seconds')::interval
         FROM generate_series(1, $5) AS i`,
      [ADJECTIVES, NOUNS, ADJECTIVES.length, NOUNS.length, CHANNELS, cfg.gameIndex],
    );
    await c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, pair_low, pair_high, created_at)
       SELECT $2::int, 'dm' || i, 'ONE_ON_ONE', i, i || '&' || (i + 1), 2, 2, i, i + 1, now() - (i || ' seconds')::interval
         FROM generate_series(1, $1) AS i`,
      [Math.floor(CHANNELS / 10), cfg.gameIndex],
    );
    // What autovacuum would have done after a bulk load: visibility map, GIN pending list, statistics.
    await c.query('VACUUM ANALYZE channels');
  });
  const seedMs = performance.now() - seedStart;

  const { rows, overall } = await timeQueries(
    QUERIES.map(({ label, query }) => ({
      label,
      url: `${app.url}/api/v1/games/${cfg.gameIndex}/channels${query ? `?${query}` : ''}`,
      describe: (body) => ({ totalElements: body.data.page.totalElements, returned: body.data.content.length }),
    })),
    { headers: { authorization: `Bearer ${cfg.serverKey}` }, warmup: WARMUP, requests: REQUESTS, load: loadSettings(), base: base && { from: app.url, to: base.url } },
  );
  writeSequentialReport('channel-list', {
    title: `Channel list, ${CHANNELS.toLocaleString('en')} channels (+${Math.floor(CHANNELS / 10).toLocaleString('en')} ONE_ON_ONE never listed), size=10, real PostgreSQL, ${REQUESTS} sequential HTTP requests per query (after ${WARMUP} warm-up), then ${loadTitle()}`,
    countField: 'totalElements',
    countLabel: 'totalElements',
    rows,
    overall,
    extra: { channels: CHANNELS, requestsPerQuery: REQUESTS, seedSeconds: seedMs / 1000 },
  });
}

runSequential(main);
