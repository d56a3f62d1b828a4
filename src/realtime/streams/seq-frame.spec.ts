import { notifyFrame } from '../protocol/notify-packets.js';
import { seqFrame, withSeq } from './seq-frame.js';

describe('seqFrame', () => {
  it('builds the same frame as notifyFrame with seq first', () => {
    const body = { messageId: '1', from: 2, toPlayerId: 3, message: 'a "quoted" ü', extraData: null, timestamp: 't', timestampMillis: 4 };
    const parts = seqFrame('NOTIFY_DIRECT_CHAT', body);
    expect(withSeq(parts, 17)).toBe(notifyFrame('NOTIFY_DIRECT_CHAT', { seq: 17, ...body }));
    expect(JSON.parse(withSeq(parts, 9007199254740991)).body.seq).toBe(9007199254740991);
  });
});
