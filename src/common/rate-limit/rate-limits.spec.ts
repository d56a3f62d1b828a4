import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { type AppConfig, parseSettings } from '../../infra/config/app-config.js';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import { RedisConnection } from '../../presence/redis-connection.js';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { clientAddress } from './client-address.js';
import { type RateLimit, RateLimits } from './rate-limits.js';

function configOf(env: NodeJS.ProcessEnv): AppConfig {
  return { settings: parseSettings(env) };
}

function limitsOf(env: NodeJS.ProcessEnv): { limits: RateLimits; redis: RedisConnection; metrics: MetricsService } {
  const config = configOf(env);
  const redis = new RedisConnection(config);
  const metrics = new MetricsService();
  return { limits: new RateLimits(config, redis, metrics), redis, metrics };
}

/** partychat_rate_limited_total{limit} of `metrics`. */
async function refusals(metrics: MetricsService, limit: string): Promise<number> {
  const { values } = await metrics.rateLimited.get();
  return values.find((v) => v.labels.limit === limit)?.value ?? 0;
}

/** The refusal of `take`, or null when it was admitted. */
async function refusal(limit: RateLimit, key: string): Promise<DomainError | null> {
  try {
    await limit.take(key);
    return null;
  } catch (err) {
    return err as DomainError;
  }
}

describe('RateLimits', () => {
  it('refuses past the burst with the time to the refill, per key, and admits again after it', async () => {
    const { limits, metrics } = limitsOf({ RATE_CHAT: '2/2' }); // 2 at once, refilled every second
    const chat = limits.forPacket('CHANNEL_CHAT')!;
    expect(await refusal(chat, '1:7')).toBeNull();
    expect(await refusal(chat, '1:7')).toBeNull();
    expect(await refusals(metrics, 'chat')).toBe(0);
    const refused = await refusal(chat, '1:7');
    expect(await refusals(metrics, 'chat')).toBe(1);
    expect(await refusals(metrics, 'packets')).toBe(0);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused!.code).toBe(ErrorCode.RateLimited);
    expect(refused!.retryAfterMillis).toBeGreaterThan(0);
    expect(refused!.retryAfterMillis).toBeLessThanOrEqual(1000);
    expect(refused!.message).toBe(
      `too many chat messages: at most 2 a second and 2 at once per player; retry in ${refused!.retryAfterMillis} ms`,
    );
    expect(await refusal(chat, '1:8')).toBeNull(); // another player has a bucket of its own
    await new Promise((resolve) => setTimeout(resolve, refused!.retryAfterMillis! + 5));
    expect(await refusal(chat, '1:7')).toBeNull();
  });

  it('counts chat, other packets and CONNECT/RECONNECT apart; PING not at all', () => {
    const { limits } = limitsOf({});
    for (const type of ['CHANNEL_CHAT', 'DIRECT_CHAT', 'EDIT_MESSAGE']) expect(limits.forPacket(type)).toBe(limits.chat);
    for (const type of ['CONNECT', 'RECONNECT']) expect(limits.forPacket(type)).toBe(limits.connect);
    for (const type of ['ENTER_CHANNEL', 'CHANNEL_HISTORY', 'GET_PRESENCE', 'NO_SUCH_PACKET', 'UNKNOWN']) {
      expect(limits.forPacket(type)).toBe(limits.packets);
    }
    expect(limits.forPacket('PING')).toBeNull();
    expect(limits.connect!.keyedBy).toBe('client address');
    expect(limits.chat!.keyedBy).toBe('player');
  });

  it('has no limit where it is 0, and none at all with RATE_LIMITS=off', () => {
    const some = limitsOf({ RATE_CHAT: '0', RATE_LOGIN: '0' }).limits;
    expect(some.forPacket('CHANNEL_CHAT')).toBeNull();
    expect(some.login).toBeNull();
    expect(some.rest).not.toBeNull();
    const none = limitsOf({ RATE_LIMITS: 'off' }).limits;
    expect([none.chat, none.packets, none.rest, none.login, none.connect]).toEqual([null, null, null, null, null]);
    expect(none.forPacket('ENTER_CHANNEL')).toBeNull();
  });

  it('counts in memory at once, without an error, while Redis does not answer', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // Nothing listens on port 1: the connection never becomes ready.
    const { limits, redis } = limitsOf({ REDIS_URL: 'redis://127.0.0.1:1', RATE_REST: '1/2' });
    try {
      const started = performance.now();
      expect(await refusal(limits.rest!, '1:1')).toBeNull();
      expect(await refusal(limits.rest!, '1:1')).toBeNull();
      const refused = await refusal(limits.rest!, '1:1');
      expect(performance.now() - started).toBeLessThan(200);
      expect(refused?.code).toBe(ErrorCode.RateLimited);
      expect(refused!.retryAfterMillis).toBeLessThanOrEqual(2000);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('Redis unavailable, shared rate limits (each instance counts alone) degraded'),
      );
    } finally {
      await redis.onApplicationShutdown();
      warn.mockRestore();
    }
  });
});

describe('clientAddress', () => {
  const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    }) as unknown as IncomingMessage;

  it("is the socket's address, IPv4 mapped into IPv6 read as IPv4", () => {
    expect(clientAddress(request('10.1.2.3'), false)).toBe('10.1.2.3');
    expect(clientAddress(request('::ffff:10.1.2.3'), false)).toBe('10.1.2.3');
    expect(clientAddress(request('2001:db8::1'), false)).toBe('2001:db8::1');
    expect(clientAddress(request(undefined), false)).toBe('unknown');
  });

  it('is the first X-Forwarded-For entry only behind a trusted proxy', () => {
    expect(clientAddress(request('10.0.0.1', '203.0.113.7, 10.0.0.1'), false)).toBe('10.0.0.1');
    expect(clientAddress(request('10.0.0.1', ' 203.0.113.7 , 10.0.0.1'), true)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.1', ['203.0.113.8', '10.0.0.1']), true)).toBe('203.0.113.8');
    expect(clientAddress(request('10.0.0.1', ''), true)).toBe('10.0.0.1');
    expect(clientAddress(request('10.0.0.1', 'x'.repeat(500)), true)).toHaveLength(64);
  });
});
