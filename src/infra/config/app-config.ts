import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** Every setting the service reads, parsed and checked once at start. */
export interface AppSettings {
  nodeEnv: string;
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  dbPoolSize: number;
  redisUrl: string | null;
  /** REDIS_URL names a Redis Cluster (sharded pub/sub); null: ask the server at start (docs/operations.md#redis-cluster). */
  redisCluster: boolean | null;
  jwtSecret: string;
  tokenTtlSeconds: number;
  serverKeys: Map<number, string>;
  /** Client ids the hosted SDKs put in `/game/{clientId}/api/...`, each naming a game. */
  gameClientIds: Map<string, number>;
  defaultGameIndex: number;
  allowGuests: boolean;
  purgeIntervalSeconds: number;
  purgeBatchSize: number;
  historyRetentionDays: number;
  wsIdleTimeoutSeconds: number;
  reconnectWindowSeconds: number;
  /** Messages kept per stream for RECONNECT recovery (docs/realtime.md#resume). */
  resumeBuffer: number;
  /** Seconds a SIGTERM'd instance has to drain before it exits (docs/operations.md#shutdown). */
  shutdownTimeoutSeconds: number;
  /** Seconds a player disconnected by a shutdown keeps its PUBLIC channels and presence. */
  shutdownGraceSeconds: number;
  /** Prefix of every Redis key and pub/sub channel (several deployments or test runs can share one Redis). */
  redisPrefix: string;
  /** Seconds after which a silent instance's players count as offline (Redis mode); heartbeat every third of it. */
  presenceTtlSeconds: number;
  /** Seconds a party invite stays open (docs/party-api.md#invites). */
  partyInviteTtlSeconds: number;
  /** Seconds after sending during which the sender may edit a message; 0 turns editing off (docs/moderation.md#editing-and-deleting-messages). */
  editWindowSeconds: number;
  publicWsEndpoint: string;
  /** Token buckets per door (docs/operations.md#rate-limits); a null bucket is a limit turned off. */
  rateLimits: RateLimitSettings;
  /** Whether the client address is the first X-Forwarded-For entry (behind a proxy) rather than the socket's. */
  trustProxy: boolean;
  /** True when the operator left JWT_SECRET or SERVER_KEYS unset and development defaults are in use. */
  developmentDefaults: boolean;
  /** The bearer token `GET /metrics` asks for; null: open (docs/operations.md#metrics). */
  metricsToken: string | null;
  /** Lowest level logged, and JSON lines or text for a terminal (docs/operations.md#logs). */
  log: LogSettings;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogSettings {
  level: LogLevel;
  format: 'json' | 'pretty';
}

/** A token bucket: `rate` tokens a second (decimals allowed), at most `burst` at once. */
export interface RateBucket {
  rate: number;
  burst: number;
}

export interface RateLimitSettings {
  /** CHANNEL_CHAT, DIRECT_CHAT, EDIT_MESSAGE, per player. */
  chat: RateBucket | null;
  /** Every other client packet but PING (CONNECT and RECONNECT have their own), per player. */
  packets: RateBucket | null;
  /** Party API and users routes (player token), per player. */
  rest: RateBucket | null;
  /** Guest and token logins, per client address. */
  login: RateBucket | null;
  /** CONNECT and RECONNECT, per client address. */
  connect: RateBucket | null;
}

export const DEV_SERVER_KEY = 'dev-server-key';
const DEV_JWT_SECRET = 'dev-insecure-jwt-secret-change-me';

class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const text = String(raw).trim();
  if (!/^-?\d+$/.test(text)) throw new ConfigError(`${name} must be an integer, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const text = String(raw).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function str(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined) return null;
  const text = String(raw).trim();
  return text === '' ? null : text;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
  const text = str(env, name);
  if (text === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${text}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return text;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], def: T): T {
  const text = str(env, name)?.toLowerCase();
  if (text === undefined || text === null) return def;
  if (!values.includes(text as T)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${text}"`);
  return text as T;
}

/** LOG_LEVEL and LOG_FORMAT alone (the start-up reads them first, to report any other bad setting in the right format). */
export function parseLogSettings(env: NodeJS.ProcessEnv, terminal = Boolean(process.stdout.isTTY)): LogSettings {
  return {
    level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    format: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, terminal ? 'pretty' : 'json'),
  };
}

function metricsToken(env: NodeJS.ProcessEnv): string | null {
  const token = str(env, 'METRICS_TOKEN');
  if (token !== null && !/^[\x21-\x7e]{16,200}$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN must be 16-200 printable ASCII characters without spaces');
  }
  return token;
}

const MAX_RATE = 1_000_000;
/** Longest refill a bucket may have (burst / rate), in seconds: one day. */
const MAX_REFILL_SECONDS = 86_400;

/**
 * `RATE_CHAT=5/10` → {rate: 5, burst: 10}; `0` → null (that limit off). The rate is tokens per
 * second and may have decimals (`0.2/20`: one login every 5 s, 20 at once); the burst is a whole
 * number at least as large as the rate (a bucket refills at most once a second, see
 * src/common/rate-limit/rate-limits.ts) and the refill takes at most a day.
 */
export function parseRate(name: string, text: string): RateBucket | null {
  if (text === '0') return null;
  const match = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(text);
  if (!match) throw new ConfigError(`${name} must be rate/burst (e.g. 5/10, rate in tokens per second) or 0 to turn it off, got "${text}"`);
  const rate = Number(match[1]);
  const burst = Number(match[2]);
  if (rate <= 0 || rate > MAX_RATE) throw new ConfigError(`${name} rate must be above 0 and at most ${MAX_RATE}, got ${match[1]}`);
  if (burst < 1 || burst > MAX_RATE) throw new ConfigError(`${name} burst must be between 1 and ${MAX_RATE}, got ${match[2]}`);
  if (burst < rate) throw new ConfigError(`${name} burst (${burst}) must be at least the rate (${rate})`);
  if (burst / rate > MAX_REFILL_SECONDS) {
    throw new ConfigError(`${name} burst / rate must be at most ${MAX_REFILL_SECONDS} seconds, got ${burst / rate}`);
  }
  return { rate, burst };
}

function rate(env: NodeJS.ProcessEnv, name: string, def: string): RateBucket | null {
  return parseRate(name, str(env, name) ?? def);
}

/** Every limit is parsed (a bad value stops the start even while RATE_LIMITS=off); off, all are null. */
function rateLimits(env: NodeJS.ProcessEnv): RateLimitSettings {
  const limits: RateLimitSettings = {
    chat: rate(env, 'RATE_CHAT', '5/10'),
    packets: rate(env, 'RATE_PACKETS', '20/40'),
    rest: rate(env, 'RATE_REST', '20/40'),
    login: rate(env, 'RATE_LOGIN', '0.2/20'),
    connect: rate(env, 'RATE_CONNECT', '20/50'),
  };
  return bool(env, 'RATE_LIMITS', true) ? limits : { chat: null, packets: null, rest: null, login: null, connect: null };
}

/** `SERVER_KEYS=1:key-one,2:key-two` → Map{1 → key-one, 2 → key-two}. */
export function parseServerKeys(text: string): Map<number, string> {
  const keys = new Map<number, string>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(\d+):(.+)$/.exec(part);
    if (!match) throw new ConfigError(`SERVER_KEYS entry "${part}" must be gameIndex:key`);
    const key = match[2].trim();
    if (key.length < 8) throw new ConfigError(`SERVER_KEYS key for game ${match[1]} must be at least 8 characters`);
    keys.set(Number(match[1]), key);
  }
  if (keys.size === 0) throw new ConfigError('SERVER_KEYS must list at least one gameIndex:key');
  return keys;
}

/**
 * `GAME_CLIENT_IDS=im49q2:1,abc123:2` → Map{im49q2 → 1, abc123 → 2}. An id is 1-64 letters and
 * digits with at least one letter (an all-digit prefix is read as a game index), compared exactly.
 */
export function parseGameClientIds(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^:]*):(.*)$/.exec(part);
    if (!match) throw new ConfigError(`GAME_CLIENT_IDS entry "${part}" must be clientId:gameIndex`);
    const [clientId, game] = [match[1].trim(), match[2].trim()];
    if (!/^[A-Za-z0-9]{1,64}$/.test(clientId)) {
      throw new ConfigError(`GAME_CLIENT_IDS client id "${clientId}" must be 1-64 letters and digits`);
    }
    if (/^\d+$/.test(clientId)) {
      throw new ConfigError(`GAME_CLIENT_IDS client id "${clientId}" must contain a letter (an all-digit prefix is a game index)`);
    }
    if (!/^\d{1,10}$/.test(game) || Number(game) < 1 || Number(game) > 2_147_483_647) {
      throw new ConfigError(`GAME_CLIENT_IDS game of "${clientId}" must be a positive integer, got "${game}"`);
    }
    if (ids.has(clientId)) throw new ConfigError(`GAME_CLIENT_IDS lists client id "${clientId}" twice`);
    ids.set(clientId, Number(game));
  }
  return ids;
}

/** Braces would end the hash tags that keep a stream's keys and channel on one Redis Cluster slot. */
function redisPrefix(env: NodeJS.ProcessEnv): string {
  const prefix = str(env, 'REDIS_PREFIX') ?? 'partychat:';
  if (/[{}]/.test(prefix)) throw new ConfigError('REDIS_PREFIX must not contain { or } (Redis Cluster hash tags)');
  return prefix;
}

/** Parses and checks the environment; a bad value throws an error that names the variable. */
export function parseSettings(env: NodeJS.ProcessEnv): AppSettings {
  const jwtSecret = str(env, 'JWT_SECRET');
  const serverKeys = str(env, 'SERVER_KEYS');
  if (jwtSecret !== null && jwtSecret.length < 16) throw new ConfigError('JWT_SECRET must be at least 16 characters');
  const defaultGameIndex = int(env, 'DEFAULT_GAME_INDEX', 1, 1, 2_147_483_647);
  const port = int(env, 'PORT', 3000, 0, 65535);
  const keys = serverKeys === null ? new Map([[defaultGameIndex, DEV_SERVER_KEY]]) : parseServerKeys(serverKeys);
  const clientIds = parseGameClientIds(str(env, 'GAME_CLIENT_IDS') ?? '');
  for (const [clientId, game] of clientIds) {
    // A client id of a game this server does not serve could only ever answer errors.
    if (!keys.has(game)) {
      throw new ConfigError(`GAME_CLIENT_IDS maps "${clientId}" to game ${game}, which is not among the games served (SERVER_KEYS)`);
    }
  }
  return {
    nodeEnv: str(env, 'NODE_ENV') ?? 'development',
    port,
    host: str(env, 'HOST') ?? '0.0.0.0',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: str(env, 'DATA_DIR') ?? './data',
    dbPoolSize: int(env, 'DB_POOL_SIZE', 20, 1, 500),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisCluster: env.REDIS_CLUSTER?.trim() ? bool(env, 'REDIS_CLUSTER', false) : null,
    jwtSecret: jwtSecret ?? DEV_JWT_SECRET,
    tokenTtlSeconds: int(env, 'TOKEN_TTL', 86_400, 1, 31_536_000),
    serverKeys: keys,
    gameClientIds: clientIds,
    defaultGameIndex,
    allowGuests: bool(env, 'ALLOW_GUESTS', true),
    purgeIntervalSeconds: int(env, 'PURGE_INTERVAL', 60, 0, 86_400),
    purgeBatchSize: int(env, 'PURGE_BATCH_SIZE', 5_000, 1, 100_000),
    historyRetentionDays: int(env, 'HISTORY_RETENTION_DAYS', 30, 1, 3650),
    wsIdleTimeoutSeconds: int(env, 'WS_IDLE_TIMEOUT', 60, 1, 3600),
    reconnectWindowSeconds: int(env, 'RECONNECT_WINDOW', 600, 0, 86_400),
    resumeBuffer: int(env, 'RESUME_BUFFER', 200, 0, 10_000),
    shutdownTimeoutSeconds: int(env, 'SHUTDOWN_TIMEOUT', 10, 1, 600),
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE', 30, 0, 3_600),
    redisPrefix: redisPrefix(env),
    presenceTtlSeconds: int(env, 'PRESENCE_TTL', 20, 1, 30),
    partyInviteTtlSeconds: int(env, 'PARTY_INVITE_TTL', 600, 1, 86_400),
    editWindowSeconds: int(env, 'EDIT_WINDOW', 900, 0, 2_592_000),
    publicWsEndpoint: str(env, 'PUBLIC_WS_ENDPOINT') ?? `ws://localhost:${port}/ws`,
    rateLimits: rateLimits(env),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    developmentDefaults: jwtSecret === null || serverKeys === null,
    metricsToken: metricsToken(env),
    log: parseLogSettings(env),
  };
}

/** The validate hook of ConfigModule: a bad value stops the start with a message naming it. */
export function validateEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  parseSettings(env);
  return env;
}

/**
 * Typed access to the parsed settings. Parsed from process.env when the app is built (after
 * ConfigModule has loaded any .env file into it), so tests can set variables before compiling.
 */
@Injectable()
export class AppConfig {
  readonly settings: AppSettings;
  constructor(_config: ConfigService) {
    this.settings = parseSettings(process.env);
  }
}
