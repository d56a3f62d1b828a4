// Baseline for the REST scenarios: bare `node:http` + `pg`, running the SAME SQL statements, in
// the same order and transactions, as our party join/leave (src/party/party-membership.service.ts,
// party-store.ts: the statements TypeORM issues for them were captured from PostgreSQL's statement
// log), our channel enter/exit (src/channel/channel.service.ts, channel-sql.ts) and the list/search
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

// ---------------------------------------------------------------- party (SPEC 2) --------------
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

const lockParty = async (c, gameIndex, partyId) => {
  const { rows } = await c.query(`SELECT ${PARTY_COLS} FROM "parties" "p" WHERE "p"."id" = $1 AND "p"."game_index" = $2 FOR UPDATE`, [
    partyId,
    gameIndex,
  ]);
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
const acceptedIds = async (c, partyId) =>
  (await c.query(`SELECT "pm"."player_id" AS "player_id" FROM "party_members" "pm" WHERE "pm"."party_id" = $1 AND "pm"."status" = $2`, [partyId, 1]))
    .rows.map((r) => Number(r.player_id));
const setMemberCount = (c, partyId, count) => c.query(`UPDATE "parties" SET "member_count" = $1 WHERE "id" = $2`, [count, partyId]);

const mapMember = (r) => ({
  id: r.PartyMember_id,
  party: r.PartyMember_party_id,
  player: Number(r.PartyMember_player_id),
  role: r.PartyMember_role,
  status: r.PartyMember_status,
  data: r.PartyMember_data,
  variables: r.PartyMember_variables,
  channels: JSON.stringify(r.PartyMember_channels),
  team: r.PartyMember_team,
  created_at: r.PartyMember_created_at.toISOString(),
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
    if (await membershipOf(c, party.p_id, me.playerId)) throw new HttpError(409, { msg: 'membership is already exist', status: false });
    const accepted = !party.p_is_private;
    if (accepted && party.p_member_count >= party.p_max_member_count) throw new HttpError(409, { msg: 'party is full', status: false });
    const inserted = await c.query(
      `INSERT INTO "party_members"("game_index", "party_id", "player_id", "role", "status", "team", "channels", "data", "variables", "created_at", "accepted_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, DEFAULT, DEFAULT, DEFAULT, $8) RETURNING "id", "team", "channels", "data", "variables", "created_at"`,
      [me.gameIndex, party.p_id, me.playerId, 3, accepted ? 1 : 0, '', [], accepted ? new Date() : null],
    );
    const id = inserted.rows[0].id;
    if (accepted) {
      await setMemberCount(c, party.p_id, party.p_member_count + 1);
      await acceptedIds(c, party.p_id); // recipients of NOTIFY_PARTY_MEMBER_JOINED
    }
    const { rows } = await c.query(`SELECT ${MEMBER_COLS} FROM "party_members" "PartyMember" WHERE (("PartyMember"."id" = $1)) LIMIT 1`, [id]);
    return { row: mapMember(rows[0]) };
  });
}

async function partyLeave(me, partyId) {
  return inTx(async (c) => {
    const party = await lockParty(c, me.gameIndex, partyId);
    const mine = await membershipOf(c, party.p_id, me.playerId);
    if (!mine) throw new HttpError(404, { msg: 'membership notfound', status: false });
    await c.query(`DELETE FROM "party_members" WHERE "id" = $1`, [mine.PartyMember_id]);
    if (mine.PartyMember_status === 1) {
      // (the bench's parties have no chat channels and are never left by their last member)
      await setMemberCount(c, party.p_id, party.p_member_count - 1);
      await acceptedIds(c, party.p_id); // recipients of NOTIFY_PARTY_MEMBER_LEFT
    }
    return { row: mapMember(mine), affected: 1 };
  });
}

// Mirrors PartyService.search: no query → page + count; 1-2 characters → one scan with a window
// count; otherwise up to 20,000 matching ids through the trigram index, counted and paged in one
// statement, falling back to walking the id index when there are more.
const SORT_MATCHES_UP_TO = 20_000;
const rawParty = (r) => ({
  p_id: r.id, p_name: r.name, p_desc: r.desc, p_image: r.image, p_max_member_count: r.max_member_count, p_is_private: r.is_private,
  p_teams: r.teams, p_channels: r.channels, p_data: r.data, p_variables: r.variables, p_owner: r.owner, p_created_at: r.created_at,
  p_member_count: r.member_count,
});
async function partySearch(gameIndex, query, skip, limit) {
  if (!query) {
    const [rows, count] = await Promise.all([
      pool.query(
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
  if (query.length < 3) {
    const { rows } = await pool.query(`SELECT p.*, count(*) OVER () AS total FROM parties p WHERE ${match} ORDER BY p.id DESC OFFSET $3 LIMIT $4`, [
      ...params,
      skip,
      Math.max(limit, 1),
    ]);
    return { list: rows.map((r) => mapParty(rawParty(r))), totalCount: Number(rows[0]?.total ?? 0) };
  }
  const { rows } = await pool.query(
    `WITH m AS MATERIALIZED (SELECT id FROM parties WHERE ${match} LIMIT ${SORT_MATCHES_UP_TO + 1})
     SELECT c.total, p.* FROM (SELECT count(*)::int AS total FROM m) c
       LEFT JOIN LATERAL (SELECT id FROM m ORDER BY id DESC OFFSET $3 LIMIT $4) pg ON true
       LEFT JOIN parties p ON p.id = pg.id
      ORDER BY p.id DESC`,
    [...params, skip, limit],
  );
  if (rows[0].total <= SORT_MATCHES_UP_TO) {
    return { list: rows.filter((r) => r.id !== null).map((r) => mapParty(rawParty(r))), totalCount: rows[0].total };
  }
  const [count, dense] = await Promise.all([
    pool.query(`SELECT count(*)::int AS n FROM parties WHERE ${match}`, params),
    pool.query(`SELECT * FROM parties WHERE ${match} ORDER BY id DESC OFFSET $3 LIMIT $4`, [...params, skip, limit]),
  ]);
  return { list: dense.rows.map((r) => mapParty(rawParty(r))), totalCount: count.rows[0].n };
}

// ---------------------------------------------------------------- channels (SPEC 3) -----------
const CHANNEL_COLUMNS = `game_index, channel_id, type, owner_id, channel_name, max_member_count, password_hash,
  chat_history_allowed, member_count, pair_low, pair_high, created_at`;
const hive = (data) => ({ code: 0, message: 'Success.', data });
const findChannel = async (c, g, id, lock = false) =>
  (await c.query(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE game_index = $1 AND channel_id = $2${lock ? ' FOR UPDATE' : ''}`, [g, id]))
    .rows[0] ?? null;
const isMember = async (c, g, id, p) =>
  (await c.query(`SELECT 1 FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3`, [g, id, p])).rows.length > 0;
const memberIdsOf = async (c, g, id) =>
  (await c.query(`SELECT player_id FROM channel_members WHERE game_index = $1 AND channel_id = $2 ORDER BY entered_at, player_id`, [g, id]))
    .rows.map((r) => Number(r.player_id));
const channelNotFound = () => new HttpError(400, { code: 201, message: 'channel not found', data: null });

async function channelEnter(g, channelId, playerId) {
  const peek = await findChannel(pool, g, channelId);
  if (!peek) throw channelNotFound();
  if (await isMember(pool, g, channelId, playerId)) throw new HttpError(400, { code: 302, message: 'already in channel', data: null });
  await inTx(async (c) => {
    await c.query(`INSERT INTO channel_players (game_index, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [g, playerId]);
    await c.query(`SELECT player_id FROM channel_players WHERE game_index = $1 AND player_id = ANY($2::bigint[]) ORDER BY player_id FOR UPDATE`, [
      g,
      [playerId],
    ]);
    const channel = await findChannel(c, g, channelId, true);
    if (!channel) throw channelNotFound();
    if (await isMember(c, g, channelId, playerId)) throw new HttpError(400, { code: 302, message: 'already in channel', data: null });
    if (channel.member_count >= channel.max_member_count) throw new HttpError(400, { code: 202, message: 'channel full', data: null });
    const counts = await c.query(
      `SELECT count(*) FILTER (WHERE NOT one_on_one AND counted) AS groups, count(*) FILTER (WHERE one_on_one) AS pairs
         FROM channel_members WHERE game_index = $1 AND player_id = $2`,
      [g, playerId],
    );
    if (Number(counts.rows[0].groups) >= 10) throw new HttpError(400, { code: 307, message: 'too many channels', data: null });
    await c.query(
      `INSERT INTO channel_members (game_index, channel_id, player_id, one_on_one, counted, entered_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [g, channelId, playerId, false, true, new Date()],
    );
    await c.query(`UPDATE channels SET member_count = member_count + 1 WHERE game_index = $1 AND channel_id = $2`, [g, channelId]);
    await memberIdsOf(c, g, channelId); // recipients of NOTIFY_ENTER_CHANNEL
  });
  return hive(null);
}

async function channelExit(g, channelId, playerId) {
  await inTx(async (c) => {
    if (!(await findChannel(c, g, channelId, true))) throw channelNotFound();
    const removed = await c.query(`DELETE FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3 RETURNING player_id`, [
      g,
      channelId,
      playerId,
    ]);
    if (removed.rows.length === 0) throw new HttpError(400, { code: 301, message: 'not in channel', data: null });
    await c.query(`UPDATE channels SET member_count = member_count - 1 WHERE game_index = $1 AND channel_id = $2`, [g, channelId]);
    await memberIdsOf(c, g, channelId); // recipients of NOTIFY_EXIT_CHANNEL
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
// The same ban check as PlayerService.assertNotBanned: one query per player every 2 s.
const banCache = new Map();
async function playerOf(req) {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const claims = match ? verifyPlayerToken(secret, match[1].trim()) : null;
  if (!claims) throw new HttpError(401, { msg: 'invalid token', status: false });
  const key = `${claims.gameIndex}:${claims.playerId}`;
  let entry = banCache.get(key);
  if (!entry || entry.until < Date.now()) {
    const { rows } = await pool.query(
      `SELECT "Player"."is_ban" AS "Player_is_ban", "Player"."game_index" AS "Player_game_index", "Player"."id" AS "Player_id" FROM "players" "Player" WHERE (("Player"."game_index" = $1) AND ("Player"."id" = $2)) LIMIT 1`,
      [claims.gameIndex, claims.playerId],
    );
    entry = { banned: rows[0]?.Player_is_ban ?? false, until: Date.now() + 2000 };
    banCache.set(key, entry);
  }
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
