import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { AppConfig } from '../infra/config/app-config.js';

/** How long start-up waits for Redis before giving up. */
const STARTUP_WAIT_MS = 10_000;
/** A command that got no answer in this time fails (a hung or unreachable server). */
const COMMAND_TIMEOUT_MS = 1_000;
/** The same degradation is logged at most once in this period, not once per request. */
const WARN_EVERY_MS = 10_000;

/** Reconnect attempts back off to one a second: Redis is picked up again within a second of its return. */
const retryStrategy = (attempt: number) => Math.min(attempt * 50, 1_000);

/** A single Redis or a Redis Cluster: the commands used here are the same on both. */
export type RedisClient = Redis | Cluster;

/** REDIS_CLUSTER unset: whether the server at the URL is a cluster node (`cluster_enabled:1`); false when it cannot tell. */
export async function detectCluster(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return /cluster_enabled:1/.test(await probe.info('cluster'));
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The Redis connection shared by presence and the realtime bus, or nothing when REDIS_URL is
 * unset (single-instance mode). Every key and channel name goes through `key()` so several
 * deployments or test runs can share one Redis.
 *
 * A request never waits for Redis: while the command connection is not ready, commands fail at
 * once instead of queueing, commands in flight when it drops fail at once, and one without an
 * answer fails after a second. Each caller then either does without (what this instance knows
 * itself) or answers 503 busy. When the connection is ready again, `onReconnected` listeners
 * write back what this instance keeps in Redis (Redis may have come back empty).
 *
 * With a Redis Cluster (`cluster`), keys that a script or transaction uses together share a hash
 * tag (`{...}`), commands over many keys are sent per key (ioredis pipelines them per node), and
 * pub/sub is sharded (SPUBLISH/SSUBSCRIBE): see docs/operations.md#redis-cluster.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  /** Commands and PUBLISH; null in single-instance mode. */
  readonly client: RedisClient | null;
  /** This process, as other instances see it. */
  readonly instanceId = randomUUID();
  private readonly subscribers: RedisClient[] = [];
  private readonly reconnectListeners: (() => Promise<void> | void)[] = [];
  private readonly lastWarnings = new Map<string, number>();
  private everReady = false;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    /** REDIS_URL is a Redis Cluster node (REDIS_CLUSTER, or detected at start: see `create`). */
    readonly cluster = config.settings.redisCluster === true,
  ) {
    const url = config.settings.redisUrl;
    this.client = url
      ? this.open(url, 'commands', {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          autoResendUnfulfilledCommands: false,
          commandTimeout: COMMAND_TIMEOUT_MS,
        })
      : null;
    this.client?.on('ready', () => {
      if (this.everReady) void this.reconnected();
      this.everReady = true;
    });
  }

  /** The connection for these settings; with REDIS_URL but no REDIS_CLUSTER, the server says whether it is a cluster. */
  static async create(config: AppConfig): Promise<RedisConnection> {
    const { redisUrl, redisCluster } = config.settings;
    return new RedisConnection(config, redisCluster ?? (redisUrl ? await detectCluster(redisUrl) : false));
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Whether a command can be sent now (false while reconnecting): check before awaiting Redis on a request path. */
  get available(): boolean {
    return this.client?.status === 'ready';
  }

  key(name: string): string {
    return `${this.config.settings.redisPrefix}${name}`;
  }

  /** GET of many keys: one MGET on a single Redis; on a cluster one GET each (keys of many slots), pipelined per node. */
  getMany(keys: string[]): Promise<(string | null)[]> {
    const client = this.client!;
    if (keys.length === 0) return Promise.resolve([]);
    if (!this.cluster) return client.mget(keys);
    return Promise.all(keys.map((key) => client.get(key)));
  }

  /** Start-up only: resolves once the command connection is ready; fails after STARTUP_WAIT_MS. */
  whenReady(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', ready);
        reject(new Error(`Redis (REDIS_URL) is not reachable after ${STARTUP_WAIT_MS / 1000} s`));
      }, STARTUP_WAIT_MS);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', ready);
    });
  }

  /** Runs each time the command connection is ready again after a loss (not at the first connection). */
  onReconnected(listener: () => Promise<void> | void): void {
    this.reconnectListeners.push(listener);
  }

  /** The error a request gets when what it asks for needs Redis and Redis is unreachable: 503, code 108. */
  busy(what: string, cause?: unknown): DomainError {
    this.warn(what, cause);
    return new DomainError(ErrorCode.Busy, `${what} is unavailable for a moment; try again shortly`);
  }

  /** Logs that something is degraded because Redis is unreachable, at most once per WARN_EVERY_MS for the same `what`. */
  warn(what: string, cause?: unknown): void {
    const now = Date.now();
    if (now - (this.lastWarnings.get(what) ?? 0) < WARN_EVERY_MS) return;
    this.lastWarnings.set(what, now);
    const reason = cause ? `: ${(cause as Error)?.message ?? cause}` : this.available ? '' : ` (connection ${this.client?.status})`;
    this.logger.warn(`Redis unavailable, ${what} degraded${reason}`);
  }

  /**
   * A dedicated connection for SUBSCRIBE (a subscribed connection can run nothing else); on a
   * cluster, one per primary for SSUBSCRIBE (ioredis routes each shard channel to its node).
   */
  subscriber(): RedisClient {
    if (!this.config.settings.redisUrl) throw new Error('Redis is not configured (REDIS_URL)');
    // Subscriptions are renewed by ioredis on every reconnection (autoResubscribe).
    const sub = this.open(this.config.settings.redisUrl, 'subscriber', { maxRetriesPerRequest: 3 }, { shardedSubscribers: true });
    this.subscribers.push(sub);
    return sub;
  }

  private open(url: string, role: string, options: RedisOptions, clusterOptions: ClusterOptions = {}): RedisClient {
    const redis = this.cluster
      ? openCluster(url, options, clusterOptions)
      : new Redis(url, { enableAutoPipelining: true, retryStrategy, ...options });
    // One line when the connection is lost and one when it is back, not one per reconnect attempt.
    let lost = false;
    const down = (detail: string) => {
      if (lost || this.closing) return;
      lost = true;
      this.logger.warn(`${role} connection lost${detail}; reconnecting`);
    };
    redis.on('error', (err: Error) => down(`: ${err.message}`));
    redis.on('close', () => down(''));
    redis.on('ready', () => {
      if (lost) this.logger.log(`${role} connection is back`);
      lost = false;
    });
    return redis;
  }

  private async reconnected(): Promise<void> {
    for (const listener of this.reconnectListeners) {
      try {
        await listener();
      } catch (err) {
        this.logger.warn(`restoring state in Redis after a reconnection failed: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const redis of [...this.subscribers, ...(this.client ? [this.client] : [])]) {
      await redis.quit().catch(() => redis.disconnect());
    }
  }
}

/** A cluster client from one node's URL (the others are discovered); credentials and TLS apply to every node. */
function openCluster(url: string, options: RedisOptions, clusterOptions: ClusterOptions): Cluster {
  const { hostname, port, username, password, protocol } = new URL(url);
  const { enableOfflineQueue, ...nodeOptions } = options;
  return new Cluster([{ host: hostname, port: Number(port || 6379) }], {
    enableAutoPipelining: true,
    clusterRetryStrategy: retryStrategy,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...clusterOptions,
    redisOptions: {
      ...nodeOptions,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
      ...(protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}
