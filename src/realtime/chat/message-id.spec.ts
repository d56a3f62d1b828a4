import type { RedisConnection } from '../../presence/redis-connection.js';
import { MessageIdGenerator, SNOWFLAKE_EPOCH, decodeMessageId } from './message-id.js';

describe('MessageIdGenerator (snowflake)', () => {
  const generator = () => new MessageIdGenerator({ client: null } as unknown as RedisConnection);

  it('encodes time, node and sequence, and decodes them back', () => {
    const ids = generator();
    ids.nodeId = 513;
    const { id, millis } = ids.next();
    const parts = decodeMessageId(id);
    expect(parts).toEqual({ millis, nodeId: 513, sequence: parts.sequence });
    expect(millis).toBeGreaterThan(SNOWFLAKE_EPOCH);
    expect(id).toMatch(/^\d+$/);
  });

  it('is strictly increasing, also past 4096 ids in one millisecond', () => {
    const ids = generator();
    let previous = 0n;
    for (let i = 0; i < 10_000; i++) {
      const value = BigInt(ids.next().id);
      expect(value > previous).toBe(true);
      previous = value;
    }
  });

  it('two nodes never produce the same id', () => {
    const a = generator();
    const b = generator();
    a.nodeId = 1;
    b.nodeId = 2;
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      seen.add(a.next().id);
      seen.add(b.next().id);
    }
    expect(seen.size).toBe(4000);
  });
});
