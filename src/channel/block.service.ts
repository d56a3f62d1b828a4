import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { hiveTime } from '../common/http/hive-envelope.js';
import { inTransaction } from '../infra/database/transaction.js';
import { returnedRows } from '../infra/database/returned-rows.js';
import { lockPlayers } from './channel-sql.js';

export const BLOCK_LIST_LIMIT = 100;

export interface BlockView {
  playerId: number;
  blockedTime: string;
  blockedTimeMillis: number;
}

/** Block lists (docs/chat-api.md): at most 100 entries, kept under the player's lock row. */
@Injectable()
export class BlockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  async block(gameIndex: number, playerId: number, blockedId: number): Promise<void> {
    if (playerId === blockedId) throw new DomainError(ErrorCode.Validation, 'a player cannot block itself');
    await inTransaction(this.dataSource, async (t) => {
      const m = t.manager;
      await lockPlayers(m, gameIndex, [playerId]);
      const rows: { n: string; present: boolean }[] = await m.query(
        `SELECT count(*) AS n, bool_or(blocked_id = $3) AS present FROM channel_blocks WHERE game_index = $1 AND player_id = $2`,
        [gameIndex, playerId, blockedId],
      );
      if (rows[0].present) throw new DomainError(ErrorCode.AlreadyBlocked, `player ${blockedId} is already blocked by player ${playerId}`);
      if (Number(rows[0].n) >= BLOCK_LIST_LIMIT) {
        throw new DomainError(ErrorCode.BlockListFull, `the block list of player ${playerId} is full (at most ${BLOCK_LIST_LIMIT})`);
      }
      await m.query(`INSERT INTO channel_blocks (game_index, player_id, blocked_id) VALUES ($1, $2, $3)`, [gameIndex, playerId, blockedId]);
      t.afterCommit(() => this.events.publish('block.changed', { gameIndex, playerId, blockedId, blocked: true }));
    });
  }

  async unblock(gameIndex: number, playerId: number, blockedId: number): Promise<void> {
    const removed = returnedRows(
      await this.dataSource.query(
        `DELETE FROM channel_blocks WHERE game_index = $1 AND player_id = $2 AND blocked_id = $3 RETURNING blocked_id`,
        [gameIndex, playerId, blockedId],
      ),
    );
    if (removed.length === 0)
      throw new DomainError(ErrorCode.NotBlocked, `player ${blockedId} is not in the block list of player ${playerId}`);
    this.events.publish('block.changed', { gameIndex, playerId, blockedId, blocked: false });
  }

  async list(gameIndex: number, playerId: number): Promise<BlockView[]> {
    const rows: { blocked_id: string; blocked_at: Date }[] = await this.dataSource.query(
      `SELECT blocked_id, blocked_at FROM channel_blocks WHERE game_index = $1 AND player_id = $2 ORDER BY blocked_at, blocked_id`,
      [gameIndex, playerId],
    );
    return rows.map((r) => ({
      playerId: Number(r.blocked_id),
      blockedTime: hiveTime(r.blocked_at),
      blockedTimeMillis: r.blocked_at.getTime(),
    }));
  }

  /** The blocked ids of many players in one statement (delivery filtering); every asked id is in the map. */
  async blockedIdsOfMany(gameIndex: number, playerIds: number[]): Promise<Map<number, number[]>> {
    const result = new Map<number, number[]>(playerIds.map((id) => [id, []]));
    if (playerIds.length === 0) return result;
    const rows: { player_id: string; blocked_id: string }[] = await this.dataSource.query(
      `SELECT player_id, blocked_id FROM channel_blocks WHERE game_index = $1 AND player_id = ANY($2::bigint[])`,
      [gameIndex, playerIds],
    );
    for (const r of rows) result.get(Number(r.player_id))?.push(Number(r.blocked_id));
    return result;
  }
}
