import { decodeMessageId } from '../realtime/chat/message-id.js';
import { DAY_MS, dayOf, dayOfId, dayOfPartition, historyWindow, idAtMillis, partitionName } from './chat-partitions.js';

describe('chat partitions: days of message ids', () => {
  it('idAtMillis is the lowest id the generator makes in that millisecond', () => {
    const at = Date.UTC(2026, 10, 30, 10, 26, 1, 234);
    const id = idAtMillis(at);
    expect(decodeMessageId(String(id))).toEqual({ millis: at, nodeId: 0, sequence: 0 });
    expect(decodeMessageId(String(id - 1n)).millis).toBe(at - 1);
  });

  it('an id belongs to the UTC day of its millisecond: the last id of a day and the first of the next differ', () => {
    const midnight = Date.UTC(2026, 10, 30);
    expect(dayOfId(idAtMillis(midnight))).toBe(midnight);
    expect(dayOfId(idAtMillis(midnight) - 1n)).toBe(midnight - DAY_MS);
    expect(dayOfId(idAtMillis(midnight + DAY_MS) - 1n)).toBe(midnight);
    expect(dayOf(midnight + DAY_MS - 1)).toBe(midnight);
  });

  it('ids before 2025 and past bigint are clamped, not wrapped', () => {
    expect(dayOfId(5n)).toBe(Date.UTC(2025, 0, 1));
    expect(idAtMillis(Date.UTC(2024, 11, 31)) < 0n).toBe(true);
    expect(idAtMillis(Date.UTC(2200, 0, 1))).toBe(2n ** 63n - 1n);
  });

  it('the history window runs from the retention cutoff to the end of tomorrow', () => {
    const now = Date.UTC(2026, 10, 30, 10, 26, 1, 234);
    expect(historyWindow(now, 30)).toEqual({
      since: now - 30 * DAY_MS,
      low: idAtMillis(now - 30 * DAY_MS),
      high: idAtMillis(Date.UTC(2026, 11, 2)),
    });
  });

  it('names a partition after its day and reads the day back', () => {
    const day = Date.UTC(2026, 0, 5);
    expect(partitionName(day)).toBe('chat_messages_p20260105');
    expect(dayOfPartition('chat_messages_p20260105')).toBe(day);
    expect(dayOfPartition('chat_messages_default')).toBeNull();
  });
});
