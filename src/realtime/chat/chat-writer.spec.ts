import type { ChatHistoryService, StoredMessage } from '../../channel/chat-history.service.js';
import type { ChannelSeqRecorder } from '../../channel/channel-seq.recorder.js';
import { ChatWriter } from './chat-writer.js';

function message(n: number): StoredMessage {
  return {
    messageId: String(n),
    gameIndex: 1,
    channelId: 'c',
    from: n,
    message: `m${n}`,
    extraData: null,
    replyMessageId: null,
    seq: n,
    mentionedPlayerIds: [],
    timestampMillis: n,
  };
}

describe('ChatWriter (group commit)', () => {
  it('sends the messages that arrive while an insert is in flight together in the next one', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const history = {
      append: (messages: StoredMessage[]) => {
        calls.push(messages.map((m) => m.messageId));
        return calls.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
    } as unknown as ChatHistoryService;
    const writer = new ChatWriter(history, { stored: () => undefined } as unknown as ChannelSeqRecorder);
    const first = writer.store(message(1));
    const rest = [2, 3, 4, 5].map((n) => writer.store(message(n)));
    expect(calls).toEqual([['1']]);
    release();
    await Promise.all([first, ...rest]);
    expect(calls).toEqual([['1'], ['2', '3', '4', '5']]);
  });

  it('rejects every sender of a failed insert, and the next batch still runs', async () => {
    let fail = true;
    const history = {
      append: async () => {
        if (fail) throw new Error('database down');
      },
    } as unknown as ChatHistoryService;
    const writer = new ChatWriter(history, { stored: () => undefined } as unknown as ChannelSeqRecorder);
    await expect(writer.store(message(1))).rejects.toThrow('database down');
    fail = false;
    await expect(writer.store(message(2))).resolves.toBeUndefined();
  });
});
