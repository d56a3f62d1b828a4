// The group commit's INSERT of chat history, in the two shapes it has had: one VALUES row of ten
// parameters per message (the statement's text changes with the batch size), and ten arrays
// through unnest (one text, ten parameters whatever the size). Batches of BATCH_SIZES rows go into
// the service's own day-partitioned chat_messages (its migrations applied by starting it once), one
// statement at a time on one connection, the two shapes alternating per round. Reported per shape
// and size, medians over ROUNDS: ms per statement, this process's CPU per row (building and
// sending the parameters) and the PostgreSQL backend's CPU per row (from /proc: the machine's
// load barely moves it).
//
//   npm run build && node bench/insert-micro.mjs
//
// Settings (env): BENCH_PG_ADMIN_URL, BATCH_SIZES (10,40,200), STATEMENTS (300 per shape, size
// and round), ROUNDS (3).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { killAll } from './lib/proc.mjs';
import { startSequentialApp } from './lib/sequential.mjs';
import { median } from './lib/stats.mjs';

const sizes = (process.env.BATCH_SIZES ?? '10,40,200').split(',').map(Number);
const statements = Number(process.env.STATEMENTS ?? 300);
const rounds = Number(process.env.ROUNDS ?? 3);
const COLUMNS = 'game_index, id, channel_id, sender, message, extra_data, reply_message_id, mentioned_player_ids, created_at, seq';
const TWITTER_EPOCH = 1288834974657n;

let nextId = (BigInt(Date.now()) - TWITTER_EPOCH) << 22n;
const messages = (n) =>
  Array.from({ length: n }, (_, i) => ({
    id: String((nextId += 1n)),
    from: 1000 + i,
    message: `b:${(performance.now() / 1000).toFixed(3)} party chat`,
    mentioned: i % 4 === 0 ? [1001, 1002] : [],
    at: new Date(),
    seq: i + 1,
  }));

const SHAPES = {
  values(rows) {
    const params = [];
    const tuples = rows.map((m) => {
      params.push(900, m.id, 'micro', m.from, m.message, null, null, m.mentioned.map(String), m.at, m.seq);
      const n = params.length - 10;
      return `($${n + 1}::int, $${n + 2}::bigint, $${n + 3}::varchar, $${n + 4}::bigint, $${n + 5}::varchar, $${n + 6}::text, $${n + 7}::bigint, $${n + 8}::bigint[], $${n + 9}::timestamptz, $${n + 10}::bigint)`;
    });
    return [
      `INSERT INTO chat_messages (${COLUMNS})
       SELECT v.* FROM (VALUES ${tuples.join(', ')}) AS v (${COLUMNS})
         JOIN channels c ON c.game_index = v.game_index AND c.channel_id = v.channel_id AND c.chat_history_allowed
       ON CONFLICT DO NOTHING`,
      params,
    ];
  },
  unnest(rows) {
    return [
      `INSERT INTO chat_messages (${COLUMNS})
       SELECT v.game_index, v.id, v.channel_id, v.sender, v.message, v.extra_data, v.reply_message_id, v.mentioned::bigint[], v.created_at, v.seq
         FROM unnest($1::int[], $2::bigint[], $3::varchar[], $4::bigint[], $5::varchar[], $6::text[], $7::bigint[], $8::text[], $9::timestamptz[], $10::bigint[])
              AS v (game_index, id, channel_id, sender, message, extra_data, reply_message_id, mentioned, created_at, seq)
         JOIN channels c ON c.game_index = v.game_index AND c.channel_id = v.channel_id AND c.chat_history_allowed
       ON CONFLICT DO NOTHING`,
      [
        rows.map(() => 900),
        rows.map((m) => m.id),
        rows.map(() => 'micro'),
        rows.map((m) => m.from),
        rows.map((m) => m.message),
        rows.map(() => null),
        rows.map(() => null),
        rows.map((m) => `{${m.mentioned.join(',')}}`),
        rows.map((m) => m.at),
        rows.map((m) => m.seq),
      ],
    ];
  },
};

/** User + system CPU of a process, in microseconds. */
function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const { cfg, app } = await startSequentialApp('insert-micro', 'partychat_bench_insert');
const client = new pg.Client({ connectionString: cfg.databaseUrl });
try {
  await client.connect();
  await client.query(
    `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed, member_count, created_at)
     VALUES (900, 'micro', 'GROUP', NULL, 'micro', 10, true, 0, now())`,
  );
  const backend = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const size of sizes) {
      for (const shape of r % 2 === 0 ? ['values', 'unnest'] : ['unnest', 'values']) {
        const started = performance.now();
        const node = process.cpuUsage();
        const pgBefore = cpuMicros(backend);
        for (let i = 0; i < statements; i++) await client.query(...SHAPES[shape](messages(size)));
        const nodeUsed = process.cpuUsage(node);
        const rows = statements * size;
        (runs[`${shape} ${size}`] ??= []).push({
          msPerStatement: (performance.now() - started) / statements,
          nodeMicrosPerRow: (nodeUsed.user + nodeUsed.system) / rows,
          pgMicrosPerRow: (cpuMicros(backend) - pgBefore) / rows,
        });
      }
    }
  }
  console.log(`| rows per INSERT | shape | ms per statement | client CPU µs/row | PostgreSQL CPU µs/row |`);
  console.log(`|---:|---|---:|---:|---:|`);
  for (const size of sizes) {
    for (const shape of ['values', 'unnest']) {
      const list = runs[`${shape} ${size}`];
      const m = (f) => median(list.map(f)).toFixed(2);
      console.log(`| ${size} | ${shape} | ${m((x) => x.msPerStatement)} | ${m((x) => x.nodeMicrosPerRow)} | ${m((x) => x.pgMicrosPerRow)} |`);
    }
  }
} finally {
  await client.end().catch(() => undefined);
  await app.stop();
  killAll();
}
