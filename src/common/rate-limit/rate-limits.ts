import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig, type RateBucket } from '../../infra/config/app-config.js';
import { type LimitName, MetricsService } from '../../observability/metrics/metrics.service.js';
import { RedisConnection } from '../../presence/redis-connection.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { errorText } from '../errors/error-text.js';

/** Packets that count against the chat limit instead of the packet limit. */
const CHAT_PACKETS = new Set(['CHANNEL_CHAT', 'DIRECT_CHAT', 'EDIT_MESSAGE']);
/** Packets that count against the connect limit (per client address: there is no player yet). */
const CONNECT_PACKETS = new Set(['CONNECT', 'RECONNECT']);

/**
 * The library's increment script with the window in milliseconds (`PX`) instead of whole seconds,
 * so that a refill of 2.5 s (`RATE_CONNECT=20/50`) lasts 2.5 s in Redis as it does in memory.
 * ARGV: points to take, the window in whole seconds (unused), the bucket size, the window in seconds.
 * Every limiter on the shared connection registers this same script under the library's command name.
 */
const INCREMENT_WITH_MS_WINDOW = `
local window = math.floor(tonumber(ARGV[4]) * 1000 + 0.5)
redis.call('set', KEYS[1], 0, 'PX', window, 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], window)
  ttl = window
end
return {consumed, ttl}`;

type LimiterOptions = ConstructorParameters<typeof RateLimiterMemory>[0];

/** The per-instance limiter a shared one falls back to while Redis does not answer; says so in the log. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: LimiterOptions,
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

/** One limit: a bucket per key (a player, or a client address). */
export class RateLimit {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly bucket: RateBucket,
    /** What is counted, in the refusal message: "chat messages", "logins", ... */
    private readonly counted: string,
    readonly keyedBy: 'player' | 'client address',
    /** Counts a refusal (partychat_rate_limited_total). */
    private readonly onRefused: () => void = () => undefined,
  ) {}

  /**
   * Takes a token for `key`, or throws DomainError(RateLimited) with the time until the bucket
   * refills. A refusal takes nothing that matters: the bucket is already empty. A limiter that
   * fails (store and fallback both) admits the request: a limit never turns into a 500.
   */
  async take(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) {
        this.logger.warn(`rate limit for ${this.counted} not checked: ${errorText(refusal)}`);
        return;
      }
      this.onRefused();
      const retryAfterMillis = Math.max(1, Math.ceil(refusal.msBeforeNext));
      const { rate, burst } = this.bucket;
      throw new DomainError(
        ErrorCode.RateLimited,
        `too many ${this.counted}: at most ${rate} a second and ${burst} at once per ${this.keyedBy}; retry in ${retryAfterMillis} ms`,
        { retryAfterMillis },
      );
    }
  }
}

/**
 * The rate limits of every door (docs/operations.md#rate-limits): per player for chat, other
 * packets and REST; per client address for logins and CONNECT/RECONNECT. A limit turned off
 * (`0`, or `RATE_LIMITS=off`) is null.
 *
 * Each bucket is rate-limiter-flexible's fixed window: `burst` points that all come back
 * `burst / rate` seconds after the first one was taken (decimals fine: `0.2/20` is 20 per 100 s).
 * The library has no continuously refilled bucket; of what it has, this is the one whose long-run
 * rate is exactly `rate`: its BurstyRateLimiter adds the burst limiter's own rate on top of the
 * main one (up to twice the rate under a sustained flood). The price: tokens return together when
 * the window ends (so `retryAfterMillis` is the time to that refill, at most `burst / rate`), and a
 * client that times a second burst right at the refill gets up to 2 × burst in a moment.
 *
 * The per-player WebSocket buckets live in memory (a player has one connection, on one instance).
 * With REDIS_URL the REST, login and connect buckets live in Redis, shared by every instance; a
 * command fails at once while Redis is unreachable (the connection neither queues nor waits), and
 * the limiter then counts in this instance's memory until Redis answers again.
 */
@Injectable()
export class RateLimits {
  readonly chat: RateLimit | null;
  readonly packets: RateLimit | null;
  readonly rest: RateLimit | null;
  readonly login: RateLimit | null;
  readonly connect: RateLimit | null;

  constructor(config: AppConfig, redis: RedisConnection, metrics: MetricsService) {
    const limits = config.settings.rateLimits;
    const local = (name: string, bucket: RateBucket) => new RateLimiterMemory(windowOf(`rate:${name}`, bucket));
    const shared = (name: string, bucket: RateBucket): RateLimiterAbstract => {
      if (!redis.client) return local(name, bucket);
      const options = windowOf(redis.key(`rate:${name}`), bucket);
      return new RateLimiterRedis({
        ...options,
        storeClient: redis.client,
        rejectIfRedisNotReady: true,
        customIncrTtlLuaScript: INCREMENT_WITH_MS_WINDOW,
        insuranceLimiter: new FallbackLimiter(options, () => redis.warn('shared rate limits (each instance counts alone)')),
      });
    };
    const limit = (
      name: LimitName,
      bucket: RateBucket | null,
      make: (name: string, bucket: RateBucket) => RateLimiterAbstract,
      counted: string,
      keyedBy: RateLimit['keyedBy'],
    ) => {
      if (!bucket) return null;
      const refused = { limit: name };
      return new RateLimit(make(name, bucket), bucket, counted, keyedBy, () => metrics.rateLimited.inc(refused));
    };
    this.chat = limit('chat', limits.chat, local, 'chat messages', 'player');
    this.packets = limit('packets', limits.packets, local, 'packets', 'player');
    this.rest = limit('rest', limits.rest, shared, 'requests', 'player');
    this.login = limit('login', limits.login, shared, 'logins', 'client address');
    this.connect = limit('connect', limits.connect, shared, 'connection attempts', 'client address');
  }

  /** The limit a client packet counts against: none for PING (nor when that limit is off). */
  forPacket(packetType: string): RateLimit | null {
    if (packetType === 'PING') return null;
    if (CHAT_PACKETS.has(packetType)) return this.chat;
    if (CONNECT_PACKETS.has(packetType)) return this.connect;
    return this.packets;
  }
}

/** `burst` points a window of `burst / rate` seconds. */
function windowOf(keyPrefix: string, { rate, burst }: RateBucket): LimiterOptions {
  return { keyPrefix, points: burst, duration: burst / rate };
}
