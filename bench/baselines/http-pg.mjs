// Baseline for the REST scenarios: bare `node:http` + `pg`, running the SAME SQL statements, in
// the same order and transactions, as our party join/leave (src/party/party-membership.service.ts,
// party-store.ts; statements as captured by bench/capture-sql.mjs from PostgreSQL's statement
// log, re-synced after commits 9d70e2c, 8e3a689, 996c302, 3800602), our channel enter/exit (src/channel/channel.service.ts, channel-sql.ts) and the list/search
// queries (src/channel/channel-queries.ts, src/party/party.service.ts). It checks the same
// credentials (HS256 player token, server key) and answers the same JSON shapes, and does nothing
// else: no framework, no validation library, no ORM. It is the limit to approach.
//   PORT=... DATABASE_URL=... JWT_SECRET=... SERVER_KEYS=900:key DB_POOL_SIZE=20 node bench/baselines/http-pg.mjs
import http from 'node:http';
import pg from 'pg';
import { verifyPlayerToken } from '../lib/jwt.mjs';

const port = Number(process.env.PORT ?? 3200);
const secret = process.env.JWT_SECRET ?? '';
const serverKeys = new Map(
  (process.env.SERVER_KEYS ?? '').split(',').filter(Boolean).map((p) => {
    const i = p.indexOf(':');
    return [Number(p.slice(0, i)), p.slice(i + 1)];
  }),
);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 20) });
pool.on('error', () => {});

class HttpError extends Error {
  constructor(status, body) {
    super(JSON.stringify(body));
    this.status = status;
    this.body = body;
  }
}

async function inTx(work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

// ---------------------------------------------------------------- party ---------------------
const PARTY_COLS = `"p"."id" AS "p_id", "p"."game_index" AS "p_game_index", "p"."name" AS "p_name", "p"."desc" AS "p_desc",
  "p"."image" AS "p_image", "p"."max_member_count" AS "p_max_member_count", "p"."member_count" AS "p_member_count",
  "p"."is_private" AS "p_is_private", "p"."teams" AS "p_teams", "p"."channels" AS "p_channels", "p"."data" AS "p_data",
  "p"."variables" AS "p_variables", "p"."owner" AS "p_owner", "p"."created_at" AS "p_created_at"`;
const MEMBER_COLS = `"PartyMember"."id" AS "PartyMember_id", "PartyMember"."game_index" AS "PartyMember_game_index",
  "PartyMember"."party_id" AS "PartyMember_party_id", "PartyMember"."player_id" AS "PartyMember_player_id",
  "PartyMember"."role" AS "PartyMember_role", "PartyMember"."status" AS "PartyMember_status", "PartyMember"."team" AS "PartyMember_team",
  "PartyMember"."channels" AS "PartyMember_channels", "PartyMember"."data" AS "PartyMember_data",
  "PartyMember"."variables" AS "PartyMember_variables", "PartyMember"."created_at" AS "PartyMember_created_at",
  "PartyMember"."accepted_at" AS "PartyMember_accepted_at"`;

// Hand-written like src/party/party-store.ts: lock, then ONE statement that inserts/deletes the
// membership, moves member_count and reads who is to be told.
const lockParty = async (c, gameIndex, partyId) => {
  const { rows } = await c.query(`SELECT * FROM parties WHERE id = $1 AND game_index = $2 FOR UPDATE`, [partyId, gameIndex]);
  if (!rows[0]) throw new HttpError(404, { msg: 'party notfound', status: false, detail: `party ${partyId} does not exist` });
  return rows[0];
};
const membershipOf = async (c, partyId, playerId) =>
  (
    await c.query(
      `SELECT ${MEMBER_COLS} FROM "party_members" "PartyMember" WHERE (("PartyMember"."party_id" = $1) AND ("PartyMember"."player_id" = $2)) LIMIT 1`,
      [partyId, playerId],
    )
  ).rows[0] ?? null;

const mapMember = (r) => ({
  id: r.id,
  party: r.party_id,
  player: Number(r.player_id),
  role: r.role,
  status: r.status,
  data: r.data,
  variables: r.variables,
  channels: JSON.stringify(r.channels),
  team: r.team,
  created_at: new Date(r.created_at).toISOString(),
});
const mapParty = (r) => ({
  id: r.p_id,
  name: r.p_name,
  desc: r.p_desc,
  image: r.p_image,
  max_member_count: r.p_max_member_count,
  is_private: r.p_is_private,
  teams: JSON.stringify(r.p_teams),
  channels: JSON.stringify(r.p_channels),
  data: r.p_data,
  variables: r.p_variables,
  owner: Number(r.p_owner),
  created_at: r.p_created_at.toISOString(),
  member_count: r.p_member_count,
});

async function partyJoin(me, partyId) {
  return inTx(async (c) => {
    const party = await lockParty(c, me.gameIndex, partyId);
    const accepted = !party.is_private;
    if (accepted && party.member_count >= party.max_member_count) {
      if (await membershipOf(c, party.id, me.playerId)) throw new HttpError(409, { msg: 'membership is already exist', status: false });
      throw new HttpError(409, { msg: 'party is full', status: false });
    }
    const recipientFilter = accepted ? 'status = 1' : 'status = 1 AND role IN (1, 2)';
    const { rows } = await c.query(
      `WITH ins AS (
         INSERT INTO party_members (game_index, party_id, player_id, role, status, team, channels, accepted_at)
         VALUES ($1, $2, $3, 3, $4, COALESCE($5::varchar, ''), COALESCE($6::text[], '{}'), $7)
         ON CONFLICT (party_id, player_id) DO NOTHING RETURNING *),
       upd AS (UPDATE parties SET member_count = member_count + 1 WHERE id = $2 AND $4 = 1 AND EXISTS (SELECT 1 FROM ins))
       SELECT ins.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $2 AND ${recipientFilter}) AS recipients FROM ins`,
      [me.gameIndex, party.id, me.playerId, accepted ? 1 : 0, null, null, accepted ? new Date() : null],
    );
    if (!rows[0]) {
      await membershipOf(c, party.id, me.playerId);
      throw new HttpError(409, { msg: 'membership is already exist', status: false });
    }
    return { row: mapMember(rows[0]) };
  });
}

async function partyLeave(me, partyId) {
  return inTx(async (c) => {
    const party = await lockParty(c, me.gameIndex, partyId);
    // (the bench's parties have no chat channels and are never left by their last member)
    const last = party.member_count <= 1;
    const { rows } = await c.query(
      `WITH del AS (DELETE FROM party_members WHERE party_id = $1 AND player_id = $2 RETURNING *),
       upd AS (UPDATE parties SET member_count = member_count - 1 WHERE id = $1 AND $3 AND EXISTS (SELECT 1 FROM del WHERE status = 1))
       SELECT del.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $1 AND status = 1 AND player_id <> $2) AS remaining FROM del`,
      [party.id, me.playerId, !last],
    );
    if (!rows[0]) throw new HttpError(404, { msg: 'membership notfound', status: false });
    return { row: mapMember(rows[0]), affected: 1 };
  });
}

// Mirrors PartyService.search: no query → page + count; 1-2 characters → exact count and the
// newest-first id-index walk side by side; otherwise up to 20,000 matching ids through the
// trigram index, counted and paged in one statement, falling back to count + walk when there are
// more; a substring seen dense in the last minute goes straight to count + walk.
const SORT_MATCHES_UP_TO = 20_000;
const DENSE_MEMORY_MS = 60_000;
const DENSE_MEMORY_SIZE = 1_000;
const denseQueries = new Map();
const rawParty = (r) => ({
  p_id: r.id, p_name: r.name, p_desc: r.desc, p_image: r.image, p_max_member_count: r.max_member_count, p_is_private: r.is_private,
  p_teams: r.teams, p_channels: r.channels, p_data: r.data, p_variables: r.variables, p_owner: r.owner, p_created_at: r.created_at,
  p_member_count: r.member_count,
});
async function denseSearch(match, params, skip, limit) {
  const [count, dense] = await Promise.all([
    pool.query(`SELECT count(*)::int AS n FROM parties WHERE ${match}`, params),
    limit === 0 ? Promise.resolve({ rows: [] }) : pool.query(`SELECT * FROM parties WHERE ${match} ORDER BY id DESC OFFSET $3 LIMIT $4`, [...params, skip, limit]),
  ]);
  return { list: dense.rows.map((r) => mapParty(rawParty(r))), totalCount: count.rows[0].n };
}
async function partySearch(gameIndex, query, skip, limit) {
  if (!query) {
    const [rows, count] = await Promise.all([
      limit === 0
        ? Promise.resolve({ rows: [] })
        : pool.query(
            `SELECT ${PARTY_COLS.replaceAll('"p"', '"Party"').replaceAll('"p_', '"Party_')} FROM "parties" "Party" WHERE (("Party"."game_index" = $1)) ORDER BY "Party"."id" DESC LIMIT ${limit} OFFSET ${skip}`,
            [gameIndex],
          ),
      pool.query(`SELECT COUNT(1) AS "cnt" FROM "parties" "Party" WHERE (("Party"."game_index" = $1))`, [gameIndex]),
    ]);
    const list = rows.rows.map((r) => mapParty(Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^Party_/, 'p_'), v]))));
    return { list, totalCount: Number(count.rows[0].cnt) };
  }
  const match = `game_index = $1 AND lower(name) LIKE $2 ESCAPE '\\'`;
  const params = [gameIndex, `%${query.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`];
  if (query.length < 3) return denseSearch(match, params, skip, limit);
  const denseKey = `${gameIndex}\u0000${params[1]}`;
  const denseUntil = denseQueries.get(denseKey);
  if (denseUntil !== undefined && denseUntil > Date.now()) return denseSearch(match, params, skip, limit);
  const { rows } = await pool.query(
    `WITH m AS MATERIALIZED (SELECT id FROM parties WHERE ${match} LIMIT ${SORT_MATCHES_UP_TO + 1})
     SELECT c.total, p.* FROM (SELECT count(*)::int AS total FROM m) c
       LEFT JOIN LATERAL (SELECT id FROM m ORDER BY id DESC OFFSET $3 LIMIT $4) pg ON true
       LEFT JOIN parties p ON p.id = pg.id
      ORDER BY p.id DESC`,
    [...params, skip, limit],
  );
  if (rows[0].total <= SORT_MATCHES_UP_TO) {
    denseQueries.delete(denseKey);
    return { list: rows.filter((r) => r.id !== null).map((r) => mapParty(rawParty(r))), totalCount: rows[0].total };
  }
  if (denseQueries.size >= DENSE_MEMORY_SIZE) denseQueries.clear();
  denseQueries.set(denseKey, Date.now() + DENSE_MEMORY_MS);
  return denseSearch(match, params, skip, limit);
}

// ---------------------------------------------------------------- channels ------------------
const CHANNEL_COLUMNS = `game_index, channel_id, type, owner_id, channel_name, max_member_count, password_hash,
  chat_history_allowed, member_count, pair_low, pair_high, created_at`;
const hive = (data) => ({ code: 0, message: 'Success.', data });
const channelNotFound = () => new HttpError(400, { code: 201, message: 'channel not found', data: null });

// Like src/channel/channel-sql.ts: enter = player lock created and taken in one statement,
// channel lock + membership + limit counts in one, INSERT + member_count + member ids in one;
// exit = channel lock, then DELETE + member_count + remaining member ids in one.
async function channelEnter(g, channelId, playerId) {
  await inTx(async (c) => {
    await c.query(
      `WITH ins AS (INSERT INTO channel_players (game_index, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING player_id)
       SELECT (SELECT count(*) FROM ins)::int AS inserted,
              (SELECT count(*) FROM (SELECT 1 FROM channel_players WHERE game_index = $1 AND player_id = $2 FOR UPDATE) l)::int AS locked`,
      [g, playerId],
    );
    const { rows } = await c.query(
      `SELECT ${CHANNEL_COLUMNS},
              EXISTS (SELECT 1 FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3) AS is_member,
              (SELECT count(*) FROM channel_members WHERE game_index = $1 AND player_id = $3 AND NOT one_on_one AND counted) AS groups,
              (SELECT count(*) FROM channel_members WHERE game_index = $1 AND player_id = $3 AND one_on_one) AS pairs
         FROM channels WHERE game_index = $1 AND channel_id = $2 FOR UPDATE`,
      [g, channelId, playerId],
    );
    const channel = rows[0];
    if (!channel) throw channelNotFound();
    if (channel.is_member) throw new HttpError(400, { code: 302, message: 'already in channel', data: null });
    if (channel.member_count >= channel.max_member_count) throw new HttpError(400, { code: 202, message: 'channel full', data: null });
    if (Number(channel.groups) >= 10) throw new HttpError(400, { code: 307, message: 'too many channels', data: null });
    // recipients of NOTIFY_ENTER_CHANNEL come back from the same statement
    await c.query(
      `WITH ins AS (
         INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one, counted, entered_at) VALUES ($1, $2, $3, $4, $5, $6)),
       upd AS (UPDATE channels SET member_count = member_count + 1 WHERE game_index = $1 AND channel_id = $2)
       SELECT player_id FROM (
         SELECT player_id, entered_at FROM channel_members WHERE game_index = $1 AND channel_id = $2
         UNION ALL SELECT $3::bigint, $6::timestamptz) x ORDER BY entered_at, player_id`,
      [g, channelId, playerId, false, true, new Date()],
    );
  });
  return hive(null);
}

async function channelExit(g, channelId, playerId) {
  await inTx(async (c) => {
    const found = await c.query(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE game_index = $1 AND channel_id = $2 FOR UPDATE`, [g, channelId]);
    if (!found.rows[0]) throw channelNotFound();
    const { rows } = await c.query(
      `WITH del AS (DELETE FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3 RETURNING player_id),
       upd AS (UPDATE channels SET member_count = member_count - 1 WHERE game_index = $1 AND channel_id = $2 AND EXISTS (SELECT 1 FROM del))
       SELECT (SELECT count(*) FROM del)::int AS removed,
              ARRAY(SELECT player_id FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id <> $3 ORDER BY entered_at, player_id) AS member_ids`,
      [g, channelId, playerId],
    );
    if (rows[0].removed === 0) throw new HttpError(400, { code: 301, message: 'not in channel', data: null });
  });
  return hive(null);
}

const SORT_COLUMNS = { channelId: 'channel_id', channelName: 'channel_name', regTime: 'created_at' };
const escapeLike = (text) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

async function channelList(g, q) {
  const size = Math.min(10, Math.max(1, Number(q.get('size') ?? 10)));
  const page = Math.max(1, Number(q.get('page') ?? 1));
  const params = [g];
  const where = [`game_index = $1`, `type <> 'ONE_ON_ONE'`];
  if (q.get('type')) {
    params.push(q.get('type'));
    where.push(`type = $${params.length}`);
  }
  if (q.get('channelId')) {
    params.push(`${escapeLike(q.get('channelId'))}%`);
    where.push(`channel_id LIKE $${params.length}`);
  }
  if (q.get('channelName')) {
    params.push(`%${escapeLike(q.get('channelName'))}%`);
    where.push(`channel_name ILIKE $${params.length}`);
  }
  const direction = q.get('order') === 'ASC' ? 'ASC' : 'DESC';
  const column = SORT_COLUMNS[q.get('sort') ?? 'regTime'] ?? 'created_at';
  const orderBy = column === 'channel_id' ? `channel_id ${direction}` : `${column} ${direction}, channel_id ${direction}`;
  const filter = where.join(' AND ');
  const [rows, total] = await Promise.all([
    pool.query(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE ${filter} ORDER BY ${orderBy} LIMIT ${size} OFFSET ${(page - 1) * size}`, params),
    pool.query(`SELECT count(*) AS n FROM channels WHERE ${filter}`, params),
  ]);
  const totalElements = Number(total.rows[0].n);
  return hive({
    content: rows.rows.map((r) => ({
      channelId: r.channel_id,
      type: r.type,
      gameIndex: r.game_index,
      owner: r.owner_id === null ? 'SYSTEM' : String(r.owner_id),
      channelName: r.channel_name,
      memberCount: r.member_count,
      maxMemberCount: r.max_member_count,
      chatHistoryAllowed: r.chat_history_allowed,
      regTime: r.created_at.toISOString(),
      regTimeMillis: r.created_at.getTime(),
    })),
    page: { size, currentPage: page, totalElements, totalPages: Math.ceil(totalElements / size) },
  });
}

// ---------------------------------------------------------------- routing ----------------------
// The same ban check as PlayerService.assertNotBanned: cached 2 s, refreshed in the background
// past half its life, one read per player at a time, the reads of one event-loop turn sent as one
// `id = ANY($2)` statement per game.
const BAN_CACHE_MS = 2000;
const banCache = new Map();
const banLoads = new Map();
let banBatch = new Map();
function flushBanReads() {
  const batch = banBatch;
  banBatch = new Map();
  for (const [gameIndex, waiting] of batch) {
    pool.query(`SELECT id, is_ban FROM players WHERE game_index = $1 AND id = ANY($2::bigint[])`, [gameIndex, [...waiting.keys()]]).then(
      ({ rows }) => {
        const found = new Map(rows.map((r) => [Number(r.id), r.is_ban]));
        for (const [id, list] of waiting) for (const w of list) w.resolve(found.get(id) ?? null);
      },
      (err) => {
        for (const list of waiting.values()) for (const w of list) w.reject(err);
      },
    );
  }
}
function readBan(gameIndex, id) {
  return new Promise((resolve, reject) => {
    let game = banBatch.get(gameIndex);
    if (!game) banBatch.set(gameIndex, (game = new Map()));
    let waiters = game.get(id);
    if (!waiters) game.set(id, (waiters = []));
    waiters.push({ resolve, reject });
    if (banBatch.size === 1 && game.size === 1 && waiters.length === 1) setImmediate(flushBanReads);
  });
}
function loadBan(key, claims) {
  const pending = banLoads.get(key);
  if (pending) return pending;
  const startedAt = Date.now();
  const load = readBan(claims.gameIndex, claims.playerId)
    .then((banned) => {
      const entry = { banned, until: startedAt + BAN_CACHE_MS };
      banCache.set(key, entry);
      return entry;
    })
    .finally(() => banLoads.delete(key));
  banLoads.set(key, load);
  return load;
}
async function playerOf(req) {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const claims = match ? verifyPlayerToken(secret, match[1].trim()) : null;
  if (!claims) throw new HttpError(401, { msg: 'invalid token', status: false });
  const key = `${claims.gameIndex}:${claims.playerId}`;
  const now = Date.now();
  let entry = banCache.get(key);
  if (!entry || entry.until < now) entry = await loadBan(key, claims);
  else if (entry.until - now < BAN_CACHE_MS / 2 && !banLoads.has(key)) loadBan(key, claims).catch(() => undefined);
  if (entry.banned) throw new HttpError(401, { msg: 'invalid token', status: false });
  return claims;
}

function serverGame(req, gameIndex) {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match || serverKeys.get(gameIndex) !== match[1].trim()) throw new HttpError(401, { code: 101, message: 'invalid token', data: null });
  return gameIndex;
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString());
  } catch {
    throw new HttpError(400, { msg: 'payload is not valid', status: false });
  }
}

async function route(req, url) {
  const path = url.pathname;
  let m;
  if ((m = /^\/api\/table\/services\/parties\/(\d+)$/.exec(path))) {
    const me = await playerOf(req);
    await readJson(req);
    if (req.method === 'POST') return partyJoin(me, Number(m[1]));
    if (req.method === 'DELETE') return partyLeave(me, Number(m[1]));
  }
  if (path === '/api/table/services/parties' && req.method === 'GET') {
    const me = await playerOf(req);
    const skip = Math.max(0, Number(url.searchParams.get('skip') ?? 0));
    const limit = Math.min(100, Math.max(0, Number(url.searchParams.get('limit') ?? 50)));
    return partySearch(me.gameIndex, url.searchParams.get('query'), skip, limit);
  }
  if ((m = /^\/api\/v1\/games\/(\d+)\/channels\/([^/]+)\/(enter|exit)$/.exec(path)) && req.method === 'POST') {
    const g = serverGame(req, Number(m[1]));
    const body = await readJson(req);
    const channelId = decodeURIComponent(m[2]);
    return m[3] === 'enter' ? channelEnter(g, channelId, Number(body.playerId)) : channelExit(g, channelId, Number(body.playerId));
  }
  if ((m = /^\/api\/v1\/games\/(\d+)\/channels$/.exec(path)) && req.method === 'GET') {
    return channelList(serverGame(req, Number(m[1])), url.searchParams);
  }
  if (path === '/health/ready') return { status: 'ok' };
  throw new HttpError(404, { msg: 'not found', status: false });
}

const server = http.createServer(async (req, res) => {
  let status = 200;
  let body;
  try {
    body = await route(req, new URL(req.url, 'http://x'));
  } catch (err) {
    status = err instanceof HttpError ? err.status : 500;
    body = err instanceof HttpError ? err.body : { msg: 'internal error', status: false };
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`http+pg baseline on ${port}`));
