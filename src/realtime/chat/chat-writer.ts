import { Injectable } from '@nestjs/common';
import { ChannelSeqRecorder } from '../../channel/channel-seq.recorder.js';
import { ChatHistoryService, type StoredMessage } from '../../channel/chat-history.service.js';

const MAX_BATCH = 500;

interface Pending {
  message: StoredMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for chat history: while one INSERT is in flight, messages of every sender queue
 * up and go together in the next one. A sender is acknowledged only after its row is stored.
 */
@Injectable()
export class ChatWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly history: ChatHistoryService,
    private readonly seqs: ChannelSeqRecorder,
  ) {}

  store(message: StoredMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves once every queued message is stored (or failed): shutdown waits for it. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const messages = batch.map((p) => p.message);
        await this.history.append(messages);
        this.seqs.stored(messages);
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = null;
  }
}
