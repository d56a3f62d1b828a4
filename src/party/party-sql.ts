/**
 * Every SQL statement of the party module, by name (run by the party, member, invite and ready
 * check repositories). Roles and statuses are always parameters, never numbers in the text, so the
 * enums in party-member.entity.ts are the one place that says what 0-3 mean.
 */

import { EXACT_COUNT_UP_TO } from '../infra/database/bounded-count.js';

// ---------------------------------------------------------------------------------- parties

/**
 * Every change to a party's members takes this lock first: the capacity check and the
 * member_count update are then one indivisible step however many requests race.
 */
export const LOCK_PARTY = `SELECT * FROM parties WHERE id = $1 AND game_index = $2 FOR UPDATE`;

export const FIND_PARTY = `SELECT * FROM parties WHERE id = $1 AND game_index = $2`;

/**
 * The party (member_count 1: its Owner) and the Owner's Accepted membership in every party
 * channel, in one statement. No row: the join code $15 is taken in the game (draw another).
 */
export const INSERT_PARTY_WITH_OWNER = `WITH party AS (
     INSERT INTO parties (game_index, name, "desc", image, max_member_count, member_count, is_private, teams, channels, data, variables, owner, code,
                          members_can_invite)
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7::text[], $8::text[], $9, $10::jsonb, $11, $15, $16)
     ON CONFLICT (game_index, code) DO NOTHING RETURNING *),
   owner AS (
     INSERT INTO party_members (game_index, party_id, player_id, role, status, channels, accepted_at)
     SELECT game_index, id, owner, $12, $13, channels, $14 FROM party)
   SELECT * FROM party`;

/** Fields given as NULL keep their value. */
export const UPDATE_PARTY = `UPDATE parties SET
     name = COALESCE($2::varchar, name), "desc" = COALESCE($3::varchar, "desc"), image = COALESCE($4::varchar, image),
     max_member_count = COALESCE($5::int, max_member_count), is_private = COALESCE($6::boolean, is_private),
     teams = COALESCE($7::text[], teams), channels = COALESCE($8::text[], channels), data = COALESCE($9::text, data),
     variables = COALESCE($10::jsonb, variables), members_can_invite = COALESCE($11::boolean, members_can_invite)
   WHERE id = $1 RETURNING *`;

export const SET_PARTY_OWNER = `UPDATE parties SET owner = $2 WHERE id = $1 RETURNING *`;

/** $1 game, $2 an upper-case code. */
export const FIND_PARTY_BY_CODE = `SELECT * FROM parties WHERE game_index = $1 AND code = $2`;

/**
 * A new join code $3 for party $1 of game $2, unless another party of the game has it (no row:
 * draw another). The unique index is the last word should two parties draw the same one at once.
 */
export const SET_PARTY_CODE = `UPDATE parties SET code = $3
   WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM parties WHERE game_index = $2 AND code = $3) RETURNING *`;

/** Memberships go with it (ON DELETE CASCADE). */
export const DELETE_PARTY = `DELETE FROM parties WHERE id = $1`;

export const PARTIES_OF_GAME = `SELECT * FROM parties WHERE game_index = $1 ORDER BY id DESC OFFSET $2 LIMIT $3`;
/** Counted by boundedCount (src/infra/database/bounded-count.ts). */
export const ALL_OF_GAME = `SELECT 1 FROM parties WHERE game_index = $1`;

/** $1 game, $2 a lower-case LIKE pattern. */
const NAME_MATCHES = `game_index = $1 AND lower(name) LIKE $2 ESCAPE '\\'`;
/**
 * The same for a query of one or two characters ($5, lower case), which makes no trigram: the
 * grams index (name_grams in the NameGrams migration) finds the names holding it.
 */
const SHORT_NAME_MATCHES = `game_index = $1 AND name_grams(lower(name)) @> query_grams($5::text) AND lower(name) LIKE $2 ESCAPE '\\'`;

/**
 * Collects up to EXACT_COUNT_UP_TO + 1 matching ids through the name index, counts them and
 * returns the page ($3 offset, $4 limit) newest first; every row carries the count (one row with
 * a NULL party when the page is empty).
 */
const sortedMatches = (where: string) => `WITH m AS MATERIALIZED (SELECT id FROM parties WHERE ${where} LIMIT ${EXACT_COUNT_UP_TO + 1})
   SELECT c.total, p.* FROM (SELECT count(*)::int AS total FROM m) c
     LEFT JOIN LATERAL (SELECT id FROM m ORDER BY id DESC OFFSET $3 LIMIT $4) pg ON true
     LEFT JOIN parties p ON p.id = pg.id
    ORDER BY p.id DESC`;
/** Through the trigram index: queries of three characters and more. */
export const SORTED_MATCHES = sortedMatches(NAME_MATCHES);
/** Through the grams index: queries of one or two characters; $5 the query in lower case. */
export const SORTED_SHORT_MATCHES = sortedMatches(SHORT_NAME_MATCHES);

/**
 * For substrings matching many names: the newest-first index walk meets the page's matches
 * quickly at that density, and so does the bounded count along the same index.
 */
export const WALK_MATCHES = `SELECT * FROM parties WHERE ${NAME_MATCHES} ORDER BY id DESC OFFSET $3 LIMIT $4`;
export const MATCHES_NEWEST_FIRST = `SELECT 1 FROM parties WHERE ${NAME_MATCHES} ORDER BY id DESC`;

/** $1 game, $2 player, $3 status Accepted, $4 a lower-case LIKE pattern or NULL for every name. */
const PARTIES_OF_MEMBER_WHERE = `parties p JOIN party_members pm ON pm.party_id = p.id
   WHERE pm.game_index = $1 AND pm.player_id = $2 AND pm.status = $3
     AND ($4::text IS NULL OR lower(p.name) LIKE $4 ESCAPE '\\')`;
export const PARTIES_OF_MEMBER = `SELECT p.* FROM ${PARTIES_OF_MEMBER_WHERE} ORDER BY p.id DESC OFFSET $5 LIMIT $6`;
export const COUNT_PARTIES_OF_MEMBER = `SELECT count(*)::int AS n FROM ${PARTIES_OF_MEMBER_WHERE}`;

// ------------------------------------------------------------------------------ memberships

export const MEMBERSHIP_OF_PLAYER = `SELECT * FROM party_members WHERE party_id = $1 AND player_id = $2`;
export const MEMBERSHIP_BY_ID = `SELECT * FROM party_members WHERE id = $1 AND party_id = $2`;

export const MEMBER_IDS = `SELECT player_id FROM party_members WHERE party_id = $1`;
export const MEMBER_IDS_WITH_STATUS = `SELECT player_id FROM party_members WHERE party_id = $1 AND status = $2`;

/**
 * Joining a public party in ONE statement (party row already locked, so the snapshot is fresh):
 * inserts the Accepted membership unless one exists (the unique constraint decides), bumps
 * member_count, and reads the Accepted members to tell. The snapshot predates the insert: the new
 * member is not among them. No row: a membership already exists.
 * $1 game, $2 party, $3 player, $4 role, $5 status Accepted, $6 team or NULL, $7 channels or NULL, $8 accepted_at.
 */
export const INSERT_ACCEPTED_MEMBER = `WITH ins AS (
     INSERT INTO party_members (game_index, party_id, player_id, role, status, team, channels, accepted_at)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6::varchar, ''), COALESCE($7::text[], '{}'), $8)
     ON CONFLICT (party_id, player_id) DO NOTHING RETURNING *),
   upd AS (UPDATE parties SET member_count = member_count + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM ins))
   SELECT ins.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $2 AND status = $5) AS recipients FROM ins`;

/**
 * A join request to a private party in ONE statement (party row already locked): inserts the
 * Waiting membership unless one exists, and reads the Accepted members with one of the roles
 * that decide on requests. No row: a membership already exists.
 * $1 game, $2 party, $3 player, $4 role, $5 status Waiting, $6 team or NULL, $7 channels or NULL,
 * $8 status Accepted, $9 the deciding roles.
 */
export const INSERT_JOIN_REQUEST = `WITH ins AS (
     INSERT INTO party_members (game_index, party_id, player_id, role, status, team, channels)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6::varchar, ''), COALESCE($7::text[], '{}'))
     ON CONFLICT (party_id, player_id) DO NOTHING RETURNING *)
   SELECT ins.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $2 AND status = $8 AND role = ANY($9::smallint[])) AS recipients
     FROM ins`;

/**
 * Removal in ONE statement (party row already locked): deletes the player's membership, lowers
 * member_count when it was Accepted unless $3 is false (the last member: the party itself is then
 * deleted), and reads the Accepted members that remain. No row: no such membership.
 * $1 party, $2 player, $3 whether an Accepted removal lowers member_count, $4 status Accepted.
 */
export const DELETE_MEMBER = `WITH del AS (DELETE FROM party_members WHERE party_id = $1 AND player_id = $2 RETURNING *),
   upd AS (UPDATE parties SET member_count = member_count - 1 WHERE id = $1 AND $3 AND EXISTS (SELECT 1 FROM del WHERE status = $4))
   SELECT del.*, ARRAY(SELECT player_id FROM party_members WHERE party_id = $1 AND status = $4 AND player_id <> $2) AS remaining FROM del`;

/** A request becomes Accepted and counts toward member_count (party row already locked). */
export const ACCEPT_REQUEST = `WITH acc AS (UPDATE party_members SET status = $3, accepted_at = $4 WHERE id = $1 AND party_id = $2 RETURNING *),
   upd AS (UPDATE parties SET member_count = member_count + 1 WHERE id = $2 AND EXISTS (SELECT 1 FROM acc))
   SELECT * FROM acc`;

export const DELETE_MEMBERSHIP = `DELETE FROM party_members WHERE id = $1`;

/** Fields given as NULL keep their value. */
export const UPDATE_MEMBERSHIP = `UPDATE party_members SET
     team = COALESCE($2::varchar, team), channels = COALESCE($3::text[], channels),
     data = COALESCE($4::text, data), variables = COALESCE($5::jsonb, variables)
   WHERE id = $1 RETURNING *`;

export const SET_ROLE = `UPDATE party_members SET role = $2 WHERE id = $1 RETURNING *`;
export const SET_ROLE_AND_CHANNELS = `UPDATE party_members SET role = $2, channels = $3::text[] WHERE id = $1 RETURNING *`;

/**
 * The member who inherits ownership: the longest-standing one with role $3 (Admin), else the
 * longest-standing one. `role <> $3` is false for those, and false sorts first.
 */
export const SUCCESSOR = `SELECT * FROM party_members WHERE party_id = $1 AND status = $2
   ORDER BY role <> $3, accepted_at, id LIMIT 1`;

/** Accepted members longest-standing first; requests oldest first. $2 status, $3 offset, $4 limit. */
export const MEMBERS_BY_ACCEPTANCE = `SELECT * FROM party_members WHERE party_id = $1 AND status = $2
   ORDER BY accepted_at, id OFFSET $3 LIMIT $4`;
export const MEMBERS_BY_ID = `SELECT * FROM party_members WHERE party_id = $1 AND status = $2 ORDER BY id OFFSET $3 LIMIT $4`;
export const COUNT_MEMBERS = `SELECT count(*)::int AS n FROM party_members WHERE party_id = $1 AND status = $2`;

/** A member whose team was removed is left with no team. */
export const CLEAR_REMOVED_TEAMS = `UPDATE party_members SET team = ''
   WHERE party_id = $1 AND team <> '' AND NOT (team = ANY($2::text[]))`;

/** Removed channel names leave every membership. */
export const DROP_MEMBER_CHANNELS = `UPDATE party_members SET channels = ARRAY(SELECT c FROM unnest(channels) AS c WHERE NOT (c = ANY($2::text[])))
   WHERE party_id = $1`;

export const SET_CHANNELS_OF_ROLE = `UPDATE party_members SET channels = $2::text[] WHERE party_id = $1 AND role = $3`;

// ---------------------------------------------------------------------------------- invites

/** $1 id, $2 game. */
export const INVITE_BY_ID = `SELECT * FROM party_invites WHERE id = $1 AND game_index = $2`;

/** The same row locked: answers to one invite happen one after the other (party row already locked). */
export const LOCK_INVITE = `SELECT * FROM party_invites WHERE id = $1 FOR UPDATE`;

/** A pending invite of player $2 into party $1 ($3 status Pending) not expired at $4. */
export const OPEN_INVITE_OF_PLAYER = `SELECT * FROM party_invites
   WHERE party_id = $1 AND player_id = $2 AND status = $3 AND expires_at > $4 LIMIT 1`;

export const INSERT_INVITE = `INSERT INTO party_invites (game_index, party_id, player_id, inviter, status, created_at, expires_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`;

/** From status $2 (Pending) to $3 only: an answered invite never changes again. */
export const SET_INVITE_STATUS = `UPDATE party_invites SET status = $3 WHERE id = $1 AND status = $2 RETURNING *`;

/** $1 game, $2 player, $3 status Pending, $4 now. */
const OPEN_INVITES_OF_PLAYER_WHERE = `party_invites WHERE game_index = $1 AND player_id = $2 AND status = $3 AND expires_at > $4`;
export const OPEN_INVITES_OF_PLAYER = `SELECT * FROM ${OPEN_INVITES_OF_PLAYER_WHERE} ORDER BY id DESC OFFSET $5 LIMIT $6`;
export const COUNT_OPEN_INVITES_OF_PLAYER = `SELECT count(*)::int AS n FROM ${OPEN_INVITES_OF_PLAYER_WHERE}`;

/** $1 party, $2 status Pending, $3 now. */
const OPEN_INVITES_OF_PARTY_WHERE = `party_invites WHERE party_id = $1 AND status = $2 AND expires_at > $3`;
export const OPEN_INVITES_OF_PARTY = `SELECT * FROM ${OPEN_INVITES_OF_PARTY_WHERE} ORDER BY id DESC OFFSET $4 LIMIT $5`;
export const COUNT_OPEN_INVITES_OF_PARTY = `SELECT count(*)::int AS n FROM ${OPEN_INVITES_OF_PARTY_WHERE}`;

export const PARTIES_BY_IDS = `SELECT * FROM parties WHERE id = ANY($1::int[])`;

/** The purge: invites made before $1, in batches of $2. */
export const DELETE_OLD_INVITES = `DELETE FROM party_invites WHERE id IN (
     SELECT id FROM party_invites WHERE created_at < $1 ORDER BY created_at LIMIT $2) RETURNING id`;

// ----------------------------------------------------------------------------- ready checks

/**
 * A ready check and its players (the Accepted members, $7 status Accepted; the starter $3 is
 * ready, the others unanswered) in one statement. $1 game, $2 party, $4 status Running,
 * $5 created_at, $6 expires_at.
 */
export const INSERT_READY_CHECK = `WITH c AS (
     INSERT INTO party_ready_checks (game_index, party_id, started_by, status, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *),
   p AS (
     INSERT INTO party_ready_check_players (check_id, player_id, ready)
     SELECT c.id, pm.player_id, CASE WHEN pm.player_id = $3 THEN true END
       FROM c, party_members pm WHERE pm.party_id = $2 AND pm.status = $7)
   SELECT * FROM c`;

export const READY_CHECK_PLAYERS = `SELECT player_id, ready FROM party_ready_check_players WHERE check_id = $1 ORDER BY player_id`;

/** The party's running check ($2 Running), locked: answers, departures and the sweep take turns on it. */
export const LOCK_RUNNING_READY_CHECK = `SELECT * FROM party_ready_checks WHERE party_id = $1 AND status = $2 FOR UPDATE`;

export const LAST_READY_CHECK = `SELECT * FROM party_ready_checks WHERE party_id = $1 ORDER BY id DESC LIMIT 1`;

export const SET_READY = `UPDATE party_ready_check_players SET ready = $3 WHERE check_id = $1 AND player_id = $2 RETURNING player_id`;

export const DROP_READY_CHECK_PLAYER = `DELETE FROM party_ready_check_players WHERE check_id = $1 AND player_id = $2 RETURNING player_id`;

/** Ends a check that is still running ($2): whoever gets the row first ends it, once. No row: it had ended. */
export const FINISH_READY_CHECK = `UPDATE party_ready_checks SET status = $3, finished_at = $4
   WHERE id = $1 AND status = $2 RETURNING *`;

/**
 * The sweep: ends up to $4 running ($1) checks whose expires_at has passed ($3 now) as $2
 * (timeout). Rows another transaction holds are skipped (it is answering them, or another
 * instance's sweep is ending them): each check is ended by one transaction only.
 */
export const CLAIM_EXPIRED_READY_CHECKS = `UPDATE party_ready_checks SET status = $2, finished_at = $3
   WHERE id IN (SELECT id FROM party_ready_checks WHERE status = $1 AND expires_at <= $3
                 ORDER BY expires_at LIMIT $4 FOR UPDATE SKIP LOCKED)
   RETURNING *`;

/** The purge: finished checks ($1 Running excluded) that ended before $2, in batches of $3. */
export const DELETE_OLD_READY_CHECKS = `DELETE FROM party_ready_checks WHERE id IN (
     SELECT id FROM party_ready_checks WHERE status <> $1 AND finished_at < $2 ORDER BY finished_at LIMIT $3) RETURNING id`;
