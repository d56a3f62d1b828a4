import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { errorText } from '../common/errors/error-text.js';

const FLUSH_EVERY_MS = 1_000;

/**
 * Each history channel's last stored `seq` (`channels.last_seq`, docs/realtime.md#streams), raised
 * once a second for all channels in one statement, off the chat path. Where a channel's numbering
 * continues from after a restart is the higher of that and the seq of its newest stored message
 * (see ChannelQueries.streamFacts), so a crash between two raises loses nothing; `last_seq` matters
 * once the purge has deleted every stored message of a channel.
 */
@Injectable()
export class ChannelSeqRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ChannelSeqRecorder');
  private pending = new Map<string, { gameIndex: number; channelId: string; seq: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Messages just stored. */
  stored(messages: { gameIndex: number; channelId: string; seq: number }[]): void {
    for (const m of messages) {
      const key = `${m.gameIndex}:${m.channelId}`;
      const known = this.pending.get(key);
      if (!known || known.seq < m.seq) this.pending.set(key, { gameIndex: m.gameIndex, channelId: m.channelId, seq: m.seq });
    }
  }

  /** Writes what was noted (one statement); resolves when it is written. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.dataSource.query(
        `UPDATE channels c SET last_seq = v.seq
           FROM unnest($1::int[], $2::varchar[], $3::bigint[]) AS v(game_index, channel_id, seq)
          WHERE c.game_index = v.game_index AND c.channel_id = v.channel_id AND c.last_seq < v.seq`,
        [rows.map((r) => r.gameIndex), rows.map((r) => r.channelId), rows.map((r) => r.seq)],
      );
    } catch (err) {
      // Not lost: the newest stored message carries the same seq.
      this.logger.warn(`raising channels' last seq failed: ${errorText(err)}`);
    }
  }
}
