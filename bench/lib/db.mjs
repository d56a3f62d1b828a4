// PostgreSQL for the bench: a fresh database per run, and bulk seeding of the large data sets
// (100,000 channels/parties) with one INSERT ... SELECT each. Seeding writes rows exactly as the
// service's own migrations define them; every MEASURED operation goes through the public API.
import pg from 'pg';

export function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function recreateDatabase(adminUrl, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" must be a plain identifier`);
  await withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl, name) {
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
}

// Words mixed into names so that "contains" filters match a realistic share of rows (1 in 40).
export const WORDS = [
  'dragon', 'raid', 'guild', 'arena', 'quest', 'forge', 'storm', 'shadow', 'crystal', 'ember',
  'frost', 'iron', 'lunar', 'solar', 'tide', 'wolf', 'hawk', 'viper', 'titan', 'nova',
  'pixel', 'rogue', 'mage', 'knight', 'ranger', 'bard', 'druid', 'monk', 'paladin', 'warlock',
  'abyss', 'summit', 'valley', 'harbor', 'citadel', 'ruins', 'grove', 'canyon', 'glacier', 'oasis',
];
const WORD_ARRAY = `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`;

/** `count` channels (PUBLIC and GROUP, owner SYSTEM, a few members each), ids `${prefix}${i}`. */
export async function seedChannels(url, gameIndex, count, prefix) {
  await withClient(url, (c) =>
    c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed, member_count, created_at)
       SELECT $1, $2 || i, CASE WHEN i % 2 = 0 THEN 'GROUP' ELSE 'PUBLIC' END, NULL,
              'room ' || (${WORD_ARRAY})[1 + i % ${WORDS.length}] || ' ' || i, 100, i % 3 = 0, 0,
              now() - make_interval(secs => i)
         FROM generate_series(1, $3::int) AS i`,
      [gameIndex, prefix, count],
    ),
  );
  await withClient(url, (c) => c.query('ANALYZE channels'));
}

/** `count` public parties of capacity 10, named with the words above. */
export async function seedParties(url, gameIndex, count, ownerBase) {
  await withClient(url, (c) =>
    c.query(
      `INSERT INTO parties (game_index, name, "desc", max_member_count, member_count, is_private, owner, created_at)
       SELECT $1, 'party ' || (${WORD_ARRAY})[1 + i % ${WORDS.length}] || ' ' || i, 'seeded by the bench', 10, 0, i % 5 = 0,
              $3::bigint + i, now() - make_interval(secs => i)
         FROM generate_series(1, $2::int) AS i`,
      [gameIndex, count, ownerBase],
    ),
  );
  await withClient(url, (c) => c.query('ANALYZE parties'));
}

/** `count` player-owned GROUP channels with no members: what the purge job deletes. */
export async function seedPurgeable(url, gameIndex, count, prefix, ownerBase) {
  await withClient(url, (c) =>
    c.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed, member_count, created_at)
       SELECT $1, $2 || i, 'GROUP', $4::bigint + i, 'abandoned ' || i, 10, false, 0, now() - interval '1 hour'
         FROM generate_series(1, $3::int) AS i`,
      [gameIndex, prefix, count, ownerBase],
    ),
  );
}

export async function countPrefix(url, gameIndex, prefix) {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM channels WHERE game_index = $1 AND channel_id LIKE $2`, [gameIndex, `${prefix}%`]);
    return rows[0].n;
  });
}
