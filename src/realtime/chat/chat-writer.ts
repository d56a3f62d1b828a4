import { Injectable } from '@nestjs/common';
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
  private flushing = false;
  /** Statements and rows written (tests and benchmarks read them). */
  readonly stats = { batches: 0, messages: 0 };

  constructor(private readonly history: ChatHistoryService) {}

  store(message: StoredMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.history.append(batch.map((p) => p.message));
        this.stats.batches++;
        this.stats.messages += batch.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = false;
  }
}
