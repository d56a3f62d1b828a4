import type { NotifyBodies, NotifyType } from '../protocol/notify-packets.js';

/**
 * A push whose `seq` is not known yet: `head + seq + tail` is the frame notifyFrame would build
 * for `{seq, ...body}`. The stream store appends the number (in Redis, inside the script that
 * assigns it), so the frame is still serialised once per message.
 */
export interface SeqFrame {
  head: string;
  tail: string;
}

export function seqFrame<K extends NotifyType>(packetType: K, body: Omit<NotifyBodies[K], 'seq'>): SeqFrame {
  const rest = JSON.stringify(body);
  return {
    head: `{"packetType":${JSON.stringify(packetType)},"body":{"seq":`,
    tail: rest === '{}' ? '}}' : `,${rest.slice(1)}}`,
  };
}

export function withSeq(frame: SeqFrame, seq: number): string {
  return frame.head + seq + frame.tail;
}
