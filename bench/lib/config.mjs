// Every size and duration of the bench, from the environment. BENCH_QUICK=1 picks small sizes
// (about two minutes end to end); each BENCH_* variable below overrides one value.
import { randomBytes } from 'node:crypto';

const env = process.env;
const quick = ['1', 'true', 'yes'].includes(String(env.BENCH_QUICK ?? '').toLowerCase());
const num = (name, full, small) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return quick ? small : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};
const list = (name, full, small) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return quick ? small : full;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
};

export const ALL_SCENARIOS = [
  'startup',
  'fanout',
  'connections',
  'partyRest',
  'channelRest',
  'purge',
  'scaleOut',
  'cluster',
  'fanoutSizes',
  'resume',
  'reconnectStorm',
];
/** Known but run only when BENCH_SCENARIOS names them (they take minutes and most of the machine). */
export const OPT_IN_SCENARIOS = ['fleet'];

export function loadConfig() {
  const runId = randomBytes(3).toString('hex');
  return {
    quick,
    runId,
    scenarios: list('BENCH_SCENARIOS', ALL_SCENARIOS, ALL_SCENARIOS),
    /** Rounds per measured pair (ours and baseline alternate inside every round); medians are quoted. */
    rounds: num('BENCH_ROUNDS', 3, 1),
    /** Scenarios not started by this many seconds are skipped; at 1.3x everything is stopped. */
    budgetSeconds: num('BENCH_BUDGET_SECONDS', 720, 300),
    gameIndex: num('BENCH_GAME_INDEX', 900, 900),
    serverKey: env.BENCH_SERVER_KEY ?? 'bench-server-key-900',
    jwtSecret: env.BENCH_JWT_SECRET ?? 'bench-jwt-secret-0123456789abcdef',
    pgAdminUrl: env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    database: env.BENCH_DATABASE ?? 'partychat_bench',
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12',
    /** A running Redis Cluster (any node) for the cluster scenario; unset: it starts one (.ci/redis-cluster). */
    redisClusterUrl: env.BENCH_REDIS_CLUSTER_URL || null,
    redisPrefix: `bench-${runId}:`,
    dbPoolSize: num('BENCH_DB_POOL_SIZE', 20, 20),
    profile: ['1', 'true', 'yes'].includes(String(env.BENCH_PROFILE ?? '').toLowerCase()),
    logServers: ['1', 'true', 'yes'].includes(String(env.BENCH_LOG_SERVERS ?? '').toLowerCase()),
    /** Rate limits on, high enough never to refuse: measures what checking them costs (they are off otherwise). */
    safety: ['1', 'true', 'yes', 'on'].includes(String(env.BENCH_SAFETY ?? '').toLowerCase()),
    warmupMs: num('BENCH_WARMUP_MS', 700, 500),
    phaseMs: num('BENCH_PHASE_MS', 3000, 1500),
    fanout: {
      size: num('BENCH_FANOUT_SIZE', 500, 100),
      chartSizes: list('BENCH_CHART_SIZES', ['10', '100', '500', '2000'], ['10', '100']).map(Number),
      senders: num('BENCH_FANOUT_SENDERS', 4, 4),
      window: num('BENCH_FANOUT_WINDOW', 4, 4),
      /**
       * With N > 0: one more variant of ours, history off with a word filter of N entries in mask
       * mode, and every variant (the relay included) sends 200-character messages holding two
       * listed entries instead of the bare timestamp.
       */
      filterWords: num('BENCH_FILTER_WORDS', 0, 0),
    },
    /** Drop and resume: this many clients drop at once and come back `missed` messages later. */
    resume: {
      clients: num('BENCH_RESUME_CLIENTS', 1_000, 1_000),
      missed: num('BENCH_RESUME_MISSED', 100, 100),
      type: env.BENCH_RESUME_TYPE === 'GROUP' ? 'GROUP' : 'PUBLIC',
    },
    connections: {
      target: num('BENCH_CONNECTIONS', 19_000, 2_000),
      generators: num('BENCH_CONN_GENERATORS', 4, 2),
      concurrency: num('BENCH_CONN_CONCURRENCY', 50, 25),
      rounds: num('BENCH_CONN_ROUNDS', 1, 1),
      holdMs: num('BENCH_CONN_HOLD_MS', 3000, 1000),
    },
    rest: {
      users: num('BENCH_REST_USERS', 50, 50),
      partyCapacity: num('BENCH_PARTY_CAPACITY', 10, 10),
      seedParties: num('BENCH_SEED_PARTIES', 100_000, 10_000),
      seedChannels: num('BENCH_SEED_CHANNELS', 100_000, 10_000),
    },
    purge: {
      channels: num('BENCH_PURGE_CHANNELS', 100_000, 10_000),
      restMs: num('BENCH_PURGE_REST_MS', 4000, 2000),
      rate: num('BENCH_PURGE_RATE', 100, 100),
    },
    /**
     * Mass reconnect: `players` sockets over two instances (Redis mode), in GROUP channels of `guild`
     * members, all cut at once and back after a uniform jitter; then one instance's CONNECT rate.
     */
    storm: {
      players: num('BENCH_STORM_PLAYERS', 19_000, 2_000),
      generators: num('BENCH_STORM_GENERATORS', 4, 2),
      concurrency: num('BENCH_STORM_CONCURRENCY', 50, 25),
      guild: num('BENCH_STORM_GUILD', 50, 50),
      jitterMs: list('BENCH_STORM_JITTER_MS', ['2000', '5000'], ['2000', '5000']).map(Number),
      rounds: num('BENCH_STORM_ROUNDS', 1, 1),
      singleRounds: num('BENCH_STORM_SINGLE_ROUNDS', 3, 1),
      single: {
        target: num('BENCH_STORM_SINGLE_CONNECTS', 6_000, 1_000),
        generators: num('BENCH_CONN_GENERATORS', 4, 2),
        concurrency: num('BENCH_CONN_CONCURRENCY', 50, 25),
        holdMs: 300,
      },
    },
    startup: { rounds: num('BENCH_STARTUP_ROUNDS', 1, 1) },
    /**
     * Fleet (opt-in): BENCH_FLEET_INSTANCES instances in Redis mode holding BENCH_FLEET_SOCKETS sockets
     * from BENCH_FLEET_GENERATORS processes (0: one per 17,000 sockets), BENCH_FLEET_CHATTING % of the
     * players in parties of BENCH_FLEET_PARTY_SIZE, each sending every BENCH_FLEET_CHAT_INTERVAL_MS.
     */
    fleet: {
      sockets: num('BENCH_FLEET_SOCKETS', 100_000, 6_000),
      instances: num('BENCH_FLEET_INSTANCES', 6, 3),
      generators: num('BENCH_FLEET_GENERATORS', 0, 0),
      chattingPercent: num('BENCH_FLEET_CHATTING', 1, 1),
      partySize: Math.max(2, num('BENCH_FLEET_PARTY_SIZE', 5, 5)),
      chatIntervalMs: Math.max(100, num('BENCH_FLEET_CHAT_INTERVAL_MS', 5_000, 5_000)),
      chatMs: num('BENCH_FLEET_CHAT_MS', 30_000, 10_000),
      warmupMs: num('BENCH_FLEET_WARMUP_MS', 5_000, 3_000),
      /** Held with nobody talking, before the chat: the fleet's idle CPU. */
      idleMs: num('BENCH_FLEET_IDLE_MS', 10_000, 3_000),
      concurrency: Math.max(1, num('BENCH_FLEET_CONCURRENCY', 50, 25)),
      /** Generators open no new socket after this many seconds: the run stays bounded and reports the gap. */
      connectDeadlineSeconds: num('BENCH_FLEET_CONNECT_DEADLINE_S', 420, 120),
      history: !['0', 'false', 'no', 'off'].includes(String(env.BENCH_FLEET_HISTORY ?? 'on').toLowerCase()),
      /** Per instance: six instances share PostgreSQL's 100 connections with everybody else. */
      dbPoolSize: Math.max(1, num('BENCH_FLEET_DB_POOL', 5, 5)),
    },
    scaleOut: {
      size: num('BENCH_SCALE_SIZE', 500, 100),
      rounds: num('BENCH_SCALE_ROUNDS', 2, 1),
      monitorMessages: num('BENCH_SCALE_MONITOR_MESSAGES', 50, 20),
    },
    cluster: { size: num('BENCH_CLUSTER_SIZE', 400, 100), rounds: num('BENCH_CLUSTER_ROUNDS', 2, 1), burstMessages: num('BENCH_CLUSTER_BURST', 100, 40) },
  };
}
