import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { RedisConnection } from '../../presence/redis-connection.js';

/** Snowflake epoch: 2025-01-01T00:00:00Z. */
export const SNOWFLAKE_EPOCH = Date.UTC(2025, 0, 1);
const NODE_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = 4095;
const NODE_CLAIM_SECONDS = 600;

/** Renews a node number held by ARGV[1], or takes it if free; 0 when another instance holds it. */
const KEEP_NODE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
return 0`;

/** The parts of a message id (tests, debugging). */
export function decodeMessageId(id: string): { millis: number; nodeId: number; sequence: number } {
  const value = BigInt(id);
  return {
    millis: Number(value >> (NODE_BITS + SEQUENCE_BITS)) + SNOWFLAKE_EPOCH,
    nodeId: Number((value >> SEQUENCE_BITS) & 1023n),
    sequence: Number(value & 4095n),
  };
}

/**
 * Message ids: (ms since 2025-01-01) << 22 | node id << 12 | sequence, as a decimal string.
 * Unique per game across instances (each instance claims a distinct node id in Redis; a single
 * instance draws one at random) and ordered by time, so history sorts by id. The claim is renewed
 * every minute and as soon as Redis is back after a loss; if Redis lost it and another instance
 * took the number meanwhile, this instance claims another.
 */
@Injectable()
export class MessageIdGenerator implements OnModuleInit, OnApplicationShutdown {
  nodeId = randomInt(1024);
  private readonly logger = new Logger('MessageIdGenerator');
  private lastMillis = 0;
  private sequence = 0;
  private timer: NodeJS.Timeout | null = null;
  private claimed = false;

  constructor(private readonly redis: RedisConnection) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis.client) return;
    await this.redis.whenReady();
    await this.claim();
    this.redis.onReconnected(() => this.keepClaim());
    this.timer = setInterval(
      () => void this.keepClaim().catch((err) => this.redis.warn('renewing the message-id node number', err)),
      60_000,
    );
    this.timer.unref();
  }

  private async claim(): Promise<void> {
    const client = this.redis.client!;
    for (let attempt = 0; attempt < 1024; attempt++) {
      const candidate = (await client.incr(this.redis.key('node-seq'))) % 1024;
      const claimed = await client.set(this.redis.key(`node:${candidate}`), this.redis.instanceId, 'EX', NODE_CLAIM_SECONDS, 'NX');
      if (claimed) {
        this.nodeId = candidate;
        this.claimed = true;
        return;
      }
    }
    throw new Error('no free message-id node number: more than 1024 live instances?');
  }

  private async keepClaim(): Promise<void> {
    if (!this.claimed || !this.redis.available) return;
    const kept = await this.redis.client!.eval(
      KEEP_NODE,
      1,
      this.redis.key(`node:${this.nodeId}`),
      this.redis.instanceId,
      String(NODE_CLAIM_SECONDS),
    );
    if (kept === 1) return;
    this.logger.warn(`message-id node number ${this.nodeId} was taken by another instance while Redis was away; claiming another`);
    await this.claim();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * The next id will be above `id` (another instance's, whose clock may run ahead): a stream keeps
   * ids rising with its seq (see streams/redis-stream-store.ts).
   */
  advancePast(id: string): void {
    const { millis } = decodeMessageId(id);
    if (millis + 1 > this.lastMillis) {
      this.lastMillis = millis + 1;
      this.sequence = -1;
    }
  }

  /** A new id and the millisecond it stands for. */
  next(): { id: string; millis: number } {
    let now = Date.now();
    if (now <= this.lastMillis) {
      // Same millisecond (or the clock stepped back): count on; past 4096 borrow the next millisecond.
      now = this.lastMillis;
      if (++this.sequence > MAX_SEQUENCE) {
        now = ++this.lastMillis;
        this.sequence = 0;
      }
    } else {
      this.lastMillis = now;
      this.sequence = 0;
    }
    const id =
      (BigInt(now - SNOWFLAKE_EPOCH) << (NODE_BITS + SEQUENCE_BITS)) | (BigInt(this.nodeId) << SEQUENCE_BITS) | BigInt(this.sequence);
    return { id: id.toString(), millis: now };
  }
}
