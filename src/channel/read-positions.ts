import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A player's read position in a channel's stream (docs/realtime.md#unread-counts). */
export interface ReadPosition {
  gameIndex: number;
  channelId: string;
  playerId: number;
  epoch: string;
  seq: number;
}

/**
 * Read positions (`channel_reads`), one row per game, channel and player. A write under the same
 * epoch never lowers the stored seq; a write under another epoch (the stream's messages were lost
 * and it starts again) replaces it; `force` replaces it in any case (a player entering a channel).
 */
@Injectable()
export class ReadPositions {
  constructor(private readonly dataSource: DataSource) {}

  /** Many positions in one statement (at most one per game, channel and player). */
  async save(rows: ReadPosition[], force = false): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO channel_reads (game_index, channel_id, player_id, epoch, seq)
       SELECT v.game_index, v.channel_id, v.player_id, v.epoch, v.seq
         FROM unnest($1::int[], $2::varchar[], $3::bigint[], $4::varchar[], $5::bigint[]) AS v(game_index, channel_id, player_id, epoch, seq)
         JOIN channels c ON c.game_index = v.game_index AND c.channel_id = v.channel_id
       ON CONFLICT (game_index, channel_id, player_id) DO UPDATE SET epoch = EXCLUDED.epoch, seq = EXCLUDED.seq, updated_at = now()
       WHERE $6::boolean OR channel_reads.epoch <> EXCLUDED.epoch OR channel_reads.seq < EXCLUDED.seq`,
      [
        rows.map((r) => r.gameIndex),
        rows.map((r) => r.channelId),
        rows.map((r) => r.playerId),
        rows.map((r) => r.epoch),
        rows.map((r) => r.seq),
        force,
      ],
    );
  }

  /** The player's stored positions in these channels, by channel id (channels without one are absent). */
  async of(gameIndex: number, playerId: number, channelIds: string[]): Promise<Map<string, { epoch: string; seq: number }>> {
    const result = new Map<string, { epoch: string; seq: number }>();
    if (channelIds.length === 0) return result;
    const rows: { channel_id: string; epoch: string; seq: string }[] = await this.dataSource.query(
      `SELECT channel_id, epoch, seq FROM channel_reads WHERE game_index = $1 AND player_id = $2 AND channel_id = ANY($3::varchar[])`,
      [gameIndex, playerId, channelIds],
    );
    for (const r of rows) result.set(r.channel_id, { epoch: r.epoch, seq: Number(r.seq) });
    return result;
  }
}
