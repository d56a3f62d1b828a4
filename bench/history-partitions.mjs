// History reads on a chat_messages table with many days of rows: the day-partitioned table (the
// service's schema) against a plain copy of the same rows with the schema it replaced (the
// baseline, measured in the same run on the same database). Each query one at a time, after a
// warm-up: median and p99 in ms, and the shared buffers each plan touches (EXPLAIN ANALYZE
// BUFFERS: immune to machine load), and how many partitions the plan opens. Then the real HTTP
// route (GET /api/v2/.../messages) for scale.
//
//   npm run build && node bench/history-partitions.mjs
//
// Settings (env): BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_DB (database it recreates, default pc_history_bench), DAYS (30), PER_DAY (50000 messages
// a day), CHANNELS (500), REQUESTS (200 per query). It starts the app itself and stops it (and
// only it) on the way out.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { withClient } from './lib/db.mjs';
import { RESULTS_DIR } from './lib/servers.mjs';
import { runSequential, startSequentialApp, timeQueries } from './lib/sequential.mjs';
import { quantile } from './lib/stats.mjs';

const DB = process.env.BENCH_DB ?? 'pc_history_bench';
const DAYS = Number(process.env.DAYS ?? 30);
const PER_DAY = Number(process.env.PER_DAY ?? 50_000);
const CHANNELS = Number(process.env.CHANNELS ?? 500);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const WARMUP = 20;
const EPOCH = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;
const RETENTION_DAYS = 30;
/** The bench app's game (cfg.gameIndex), set once the app is up. */
let GAME = 1;

const idAt = (millis) => (BigInt(Math.floor(millis) - EPOCH) << 22n).toString();
const partitionName = (day) => `chat_messages_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;

const COLUMNS = `id, channel_id, sender, message, extra_data, reply_message_id, mentioned_player_ids, created_at, edited_at, seq`;

/**
 * The service's reads (src/channel/chat-history.service.ts): bounded by id from the cutoff to the
 * end of tomorrow, the days next to the page's start first, then the rest of the range if needed.
 */
function partitioned(channelId, cursor, now) {
  const since = now - RETENTION_DAYS * DAY;
  const low = BigInt(idAt(since));
  const high = BigInt(idAt(Math.floor(now / DAY) * DAY + 2 * DAY));
  const to = cursor && BigInt(cursor) < high ? BigInt(cursor) : high;
  const anchor = Math.min(Number((to - 1n) >> 22n) + EPOCH, now);
  const nearLow = BigInt(idAt(Math.floor(anchor / DAY) * DAY - DAY));
  const limit = cursor ? 26 : 51;
  const windows = [
    [nearLow > low ? nearLow : low, to],
    [low, nearLow > low ? nearLow : low],
  ].filter(([lo, hi]) => lo < hi);
  return windows.map(([lo, hi]) => ({
    sql: `SELECT ${COLUMNS} FROM chat_messages WHERE game_index = ${GAME} AND channel_id = $1 AND created_at >= $2 AND id >= $3::bigint AND id < $4::bigint ORDER BY id DESC LIMIT $5`,
    args: [channelId, new Date(since), String(lo), String(hi), limit],
    limit,
  }));
}

/** The reads before partitioning, on the plain table. */
function flat(channelId, cursor, now) {
  const since = new Date(now - RETENTION_DAYS * DAY);
  const base = `FROM chat_messages_flat WHERE game_index = ${GAME} AND channel_id = $1 AND created_at >= $2`;
  return [
    cursor
      ? { sql: `SELECT ${COLUMNS} ${base} AND id < $3 ORDER BY id DESC LIMIT $4`, args: [channelId, since, cursor, 26], limit: 26 }
      : { sql: `SELECT ${COLUMNS} ${base} ORDER BY id DESC LIMIT $3`, args: [channelId, since, 51], limit: 51 },
  ];
}

/** Runs a read's statements in order until the page is full (as the service does); each one's last parameter is its LIMIT. */
async function run(c, statements, each = (s) => c.query(s.sql, s.args)) {
  let found = 0;
  for (const s of statements) {
    if (found >= s.limit) break;
    const r = await each({ ...s, args: [...s.args.slice(0, -1), s.limit - found] });
    found += r.rowCount ?? r.rows?.length ?? 0;
  }
}

async function seed(c, now) {
  const today = Math.floor(now / DAY) * DAY;
  // The purge creates these days ahead in production (docs/operations.md#chat-history-partitions).
  for (let d = DAYS; d >= 1; d--) {
    const day = today - d * DAY;
    await c.query(
      `CREATE TABLE IF NOT EXISTS "${partitionName(day)}" PARTITION OF chat_messages FOR VALUES FROM (${idAt(day)}) TO (${idAt(day + DAY)})`,
    );
  }
  await c.query(
    `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed)
     SELECT ${GAME}, 'guild:' || i, 'GROUP', NULL, 'guild ' || i, 500, true FROM generate_series(1, $1) AS i`,
    [CHANNELS],
  );
  // PER_DAY messages a day for DAYS days up to now, evenly spread in time, round-robin over the channels.
  const total = DAYS * PER_DAY;
  const start = now - DAYS * DAY;
  const step = (DAYS * DAY) / total;
  await c.query(
    `INSERT INTO chat_messages (game_index, id, channel_id, sender, message, created_at, seq)
     SELECT ${GAME}, ((floor($1::float8 + i * $2::float8)::bigint - ${EPOCH}) << 22) + (i % 4096), 'guild:' || (1 + i % $3),
            1 + i % 1000, 'message number ' || i, to_timestamp((floor($1::float8 + i * $2::float8)) / 1000.0), i / $3
       FROM generate_series(0, $4 - 1) AS i`,
    [start, step, CHANNELS, total],
  );
  await c.query(
    `CREATE TABLE chat_messages_flat (game_index integer NOT NULL, id bigint NOT NULL, channel_id varchar(100) COLLATE "C" NOT NULL,
       sender bigint NOT NULL, message varchar(200) NOT NULL, extra_data text, reply_message_id bigint,
       mentioned_player_ids bigint[] NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL, edited_at timestamptz, seq bigint)`,
  );
  await c.query(`INSERT INTO chat_messages_flat SELECT ${COLUMNS.replace('id,', 'game_index, id,')} FROM chat_messages`);
  await c.query(`ALTER TABLE chat_messages_flat ADD CONSTRAINT "PK_chat_messages_flat" PRIMARY KEY (game_index, id)`);
  await c.query(`CREATE INDEX "IDX_chat_messages_flat_channel" ON chat_messages_flat (game_index, channel_id, id)`);
  await c.query(`CREATE INDEX "IDX_chat_messages_flat_created" ON chat_messages_flat (created_at)`);
  await c.query('VACUUM ANALYZE chat_messages');
  await c.query('VACUUM ANALYZE chat_messages_flat');
  return total;
}

/** Shared buffers (hit + read) of a read's plans, and the relations they opened. */
async function explain(c, statements) {
  let buffers = 0;
  const opened = new Set();
  await run(c, statements, async ({ sql, args }) => {
    const [{ 'QUERY PLAN': plan }] = (await c.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, args)).rows;
    const walk = (node, top) => {
      if (top) buffers += (node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0);
      if (node['Relation Name'] && node['Actual Loops'] > 0) opened.add(node['Relation Name']);
      for (const child of node.Plans ?? []) walk(child, false);
    };
    walk(plan[0].Plan, true);
    return { rowCount: plan[0].Plan['Actual Rows'] };
  });
  return { buffers, opened: opened.size };
}

async function main() {
  const { cfg, app } = await startSequentialApp('history-partitions', DB);
  GAME = cfg.gameIndex;
  const now = Date.now();
  const seedStart = performance.now();
  const total = await withClient(cfg.databaseUrl, (c) => seed(c, now));
  const seedMs = performance.now() - seedStart;

  const channels = Array.from({ length: REQUESTS }, (_, i) => `guild:${1 + ((i * 7919) % CHANNELS)}`);
  const cursorOf = (i) => idAt(now - (1 + (i % (DAYS - 2))) * DAY);
  const cases = [
    { label: 'newest 50 (no cursor)', cursor: () => null },
    { label: '25 before a cursor 1 to 28 days back', cursor: cursorOf },
  ];
  const rows = [];
  await withClient(cfg.databaseUrl, async (c) => {
    for (const { label, cursor } of cases) {
      const times = { partitioned: [], flat: [] };
      const plans = { partitioned: [], flat: [] };
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const channel = channels[i % REQUESTS];
        // Alternate which one goes first, so neither always runs on a cache the other warmed.
        const order = i % 2 ? ['partitioned', 'flat'] : ['flat', 'partitioned'];
        for (const kind of order) {
          const q = (kind === 'partitioned' ? partitioned : flat)(channel, cursor(i), now);
          const t0 = performance.now();
          await run(c, q);
          if (i >= WARMUP) times[kind].push(performance.now() - t0);
        }
        if (i >= WARMUP && i < WARMUP + 20) {
          for (const kind of ['partitioned', 'flat'])
            plans[kind].push(await explain(c, (kind === 'partitioned' ? partitioned : flat)(channel, cursor(i), now)));
        }
      }
      for (const kind of ['partitioned', 'flat']) {
        const sorted = times[kind].sort((a, b) => a - b);
        const buffers = plans[kind].map((p) => p.buffers).sort((a, b) => a - b);
        const opened = plans[kind].map((p) => p.opened).sort((a, b) => a - b);
        rows.push({
          label,
          kind,
          medianMs: quantile(sorted, 0.5),
          p99Ms: quantile(sorted, 0.99),
          buffers: quantile(buffers, 0.5),
          opened: quantile(opened, 0.5),
        });
      }
    }
    const [plan] = partitioned(channels[0], null, now);
    const text = (await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${plan.sql}`, plan.args)).rows.map(
      (r) => r['QUERY PLAN'],
    );
    rows.plan = text;
    // Retention of the oldest day: one DROP TABLE against a DELETE of the same rows (in the
    // purge's batches of 5,000) from the plain table.
    const oldest = Math.floor(now / DAY) * DAY - DAYS * DAY;
    let t0 = performance.now();
    await c.query(`DROP TABLE "${partitionName(oldest)}"`);
    rows.retention = { dropMs: performance.now() - t0 };
    t0 = performance.now();
    let deleted = 0;
    for (;;) {
      const r = await c.query(
        `DELETE FROM chat_messages_flat WHERE (game_index, id) IN (
           SELECT game_index, id FROM chat_messages_flat WHERE created_at < $1 ORDER BY created_at LIMIT 5000)`,
        [new Date(oldest + DAY)],
      );
      deleted += r.rowCount;
      if (r.rowCount < 5000) break;
    }
    rows.retention.deleteMs = performance.now() - t0;
    rows.retention.rows = deleted;
  });

  const http = await timeQueries(
    cases.map(({ label, cursor }) => ({
      label,
      url: `${app.url}/api/v2/games/${cfg.gameIndex}/channels/${channels[3]}/messages?prevSize=${cursor(3) ? 25 : 50}${cursor(3) ? `&messageId=${cursor(3)}` : ''}`,
      describe: (body) => ({ returned: body.data.content.length }),
    })),
    { headers: { Authorization: `Bearer ${cfg.serverKey}` }, warmup: WARMUP, requests: REQUESTS },
  );

  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const fmt = (n) => n.toFixed(2);
  const md = [
    `History reads on ${total.toLocaleString('en')} messages over ${DAYS} days in ${CHANNELS} channels (seeded in ${(seedMs / 1000).toFixed(0)} s); ${os.cpus().length} cores, load average ${load} (1/5/15 min) at the end.`,
    `"partitioned": the service's table and reads; "flat": the same rows in one table with the schema and reads it replaced.`,
    '',
    '| read | table | median ms | p99 ms | shared buffers (median) | relations opened (median) |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${r.kind} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} | ${r.buffers} | ${r.opened} |`),
    '',
    `Retention of the oldest day (${rows.retention.rows.toLocaleString('en')} rows): DROP TABLE of its partition ${fmt(rows.retention.dropMs)} ms; DELETE in batches of 5,000 from the plain table ${fmt(rows.retention.deleteMs)} ms (ratio ${(rows.retention.deleteMs / rows.retention.dropMs).toFixed(0)}).`,
    '',
    'Through the HTTP route (partitioned):',
    '',
    '| read | median ms | p99 ms |',
    '|---|---:|---:|',
    ...http.rows.map((r) => `| ${r.label} | ${fmt(r.medianMs)} | ${fmt(r.p99Ms)} |`),
    '',
    'Plan of the newest-50 read (EXPLAIN ANALYZE; its first statement, the days next to now):',
    '',
    '```',
    ...rows.plan,
    '```',
  ].join('\n');
  console.log(md);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    `${RESULTS_DIR}/history-partitions.json`,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        cpus: os.cpus().length,
        loadAverage: load,
        total,
        days: DAYS,
        channels: CHANNELS,
        reads: rows,
        retention: rows.retention,
        plan: rows.plan,
        http: http.rows,
      },
      null,
      2,
    ),
  );
  writeFileSync(`${RESULTS_DIR}/history-partitions.md`, `${md}\n`);
}

runSequential(main);
