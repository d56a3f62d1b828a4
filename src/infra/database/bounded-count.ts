/**
 * The rule of every list total that can grow with the whole game (party search, channel list):
 * exact up to EXACT_COUNT_UP_TO matches; above that the planner's estimate of the match count,
 * never below EXACT_COUNT_UP_TO + 1 (docs/party-api.md#totals, docs/chat-api.md#get-channels-list).
 * A client may rely on "at most 10,000 is exact, more than 10,000 means more than 10,000, roughly
 * this many". Counting stops at EXACT_COUNT_UP_TO + 1 rows, so no total costs more than that.
 */
export const EXACT_COUNT_UP_TO = 10_000;

/** What runs a statement: an EntityManager or a DataSource. */
export interface Queryable {
  query<T = unknown>(text: string, params?: unknown[]): Promise<T>;
}

/**
 * The total of `matches` (a `SELECT 1 FROM ... WHERE ...`, optionally with an ORDER BY that picks
 * the plan, no LIMIT) by the rule above. `estimate`: the same rows described for the planner's
 * estimate (same parameters), when `matches` holds a condition that only serves an index and
 * would make the planner count it twice.
 */
export async function boundedCount(m: Queryable, matches: string, params: unknown[], estimate = matches): Promise<number> {
  const [{ n }] = await m.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${matches} LIMIT ${EXACT_COUNT_UP_TO + 1}) s`, params);
  return n <= EXACT_COUNT_UP_TO ? n : estimatedCount(m, estimate, params);
}

/** The planner's estimate of the rows of `matches`, at least EXACT_COUNT_UP_TO + 1 (it is asked only when that many match). */
export async function estimatedCount(m: Queryable, matches: string, params: unknown[]): Promise<number> {
  const [row] = await m.query<{ 'QUERY PLAN': unknown }[]>(`EXPLAIN (FORMAT JSON) ${matches}`, params);
  const raw = row['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  return Math.max(EXACT_COUNT_UP_TO + 1, Math.round(plan[0].Plan['Plan Rows']));
}
