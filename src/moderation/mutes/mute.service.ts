import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../../audit/audit-action.js';
import { AuditService } from '../../audit/audit.service.js';
import { ChannelService } from '../../channel/channel.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { DomainEvents } from '../../common/events/domain-events.js';
import { returnedRows } from '../../infra/database/returned-rows.js';
import { inTransaction } from '../../infra/database/transaction.js';
import {
  RESTRICTION_COLUMNS,
  type RestrictionRow,
  type RestrictionView,
  mapRestriction,
  reasonOf,
  restrictionDetails,
} from '../restriction.js';

export interface MuteInput {
  playerId: number;
  /** Absent: game-wide. */
  channelId?: string;
  /** Absent: until lifted. */
  durationSeconds?: number;
  reason?: string;
}

export interface MuteFilter {
  playerId?: number;
  channelId?: string;
}

/** A mute as the chat check sees it: its scope, when it was made and when it ends (epoch millis; Infinity = until lifted). */
export interface ActiveMute {
  channelId: string | null;
  sinceMillis: number;
  endMillis: number;
}

const IN_FORCE = '(ends_at IS NULL OR ends_at > now())';
/** Most mutes one GET returns (newest first); narrow with playerId or channelId. */
export const MUTE_LIST_LIMIT = 1000;

/**
 * Mutes (docs/moderation.md#mutes): one per player and scope (a channel, or game-wide), a new one
 * replacing the old. Each change commits with its audit entry and is announced as mute.changed
 * (the realtime gateway's caches and the NOTIFY_MUTED / NOTIFY_UNMUTED pushes).
 */
@Injectable()
export class MuteService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Mutes the player. `actor` is SYSTEM (the server API) or a channel owner (MUTE_MEMBER: a channel
   * mute in its own channel, 308 otherwise). A channel mute needs the channel (201).
   */
  async mute(gameIndex: number, input: MuteInput, actor: AuditActor): Promise<RestrictionView> {
    const channelId = input.channelId ?? null;
    if (actor === input.playerId)
      throw new DomainError(ErrorCode.Validation, 'playerId must be another player: a channel owner cannot mute itself');
    return inTransaction(this.dataSource, async (t) => {
      if (channelId !== null) await this.channels.moderated(t, gameIndex, channelId, actingAs(actor));
      const rows: RestrictionRow[] = await t.manager.query(
        `INSERT INTO mutes (game_index, player_id, channel_id, reason, created_at, ends_at)
         VALUES ($1, $2, $3, $4, now(), now() + $5::integer * interval '1 second')
         ON CONFLICT ON CONSTRAINT "UQ_mutes_scope" DO UPDATE SET reason = EXCLUDED.reason, created_at = EXCLUDED.created_at,
                                                                 ends_at = EXCLUDED.ends_at
         RETURNING ${RESTRICTION_COLUMNS}`,
        [gameIndex, input.playerId, channelId, reasonOf(input.reason), input.durationSeconds ?? null],
      );
      const mute = mapRestriction(rows[0]);
      await this.audit.record(
        {
          gameIndex,
          action: 'mute',
          actor,
          targetPlayerId: input.playerId,
          channelId,
          details: restrictionDetails(input.durationSeconds, mute),
        },
        t.manager,
      );
      const { untilMillis, reason } = mute;
      t.afterCommit(() =>
        this.events.publish('mute.changed', { gameIndex, playerId: input.playerId, channelId, muted: true, untilMillis, reason }),
      );
      return mute;
    });
  }

  /**
   * Lifts the player's mute of that scope (channelId null: the game-wide one); 404/103 when there
   * is none in force. A channel owner (UNMUTE_MEMBER) may only lift mutes of its own channel (308).
   */
  async unmute(gameIndex: number, playerId: number, channelId: string | null, actor: AuditActor): Promise<void> {
    await inTransaction(this.dataSource, async (t) => {
      if (actor !== 'SYSTEM' && channelId !== null) await this.channels.moderated(t, gameIndex, channelId, actingAs(actor));
      const rows = returnedRows<{ in_force: boolean }>(
        await t.manager.query(
          `DELETE FROM mutes WHERE game_index = $1 AND player_id = $2 AND ${channelId === null ? 'channel_id IS NULL' : 'channel_id = $3'}
         RETURNING ${IN_FORCE} AS in_force`,
          channelId === null ? [gameIndex, playerId] : [gameIndex, playerId, channelId],
        ),
      );
      if (rows[0]?.in_force !== true) {
        const scope = channelId === null ? ' game-wide' : ` in channel "${channelId}"`;
        throw new DomainError(ErrorCode.NotFound, `player ${playerId} is not muted${scope}`);
      }
      await this.audit.record({ gameIndex, action: 'unmute', actor, targetPlayerId: playerId, channelId, details: {} }, t.manager);
      t.afterCommit(() =>
        this.events.publish('mute.changed', { gameIndex, playerId, channelId, muted: false, untilMillis: null, reason: null }),
      );
    });
  }

  /** Mutes in force, newest first, at most MUTE_LIST_LIMIT. */
  async list(gameIndex: number, filter: MuteFilter): Promise<RestrictionView[]> {
    const params: unknown[] = [gameIndex];
    const where = ['game_index = $1', IN_FORCE];
    if (filter.playerId !== undefined) where.push(`player_id = $${params.push(filter.playerId)}`);
    if (filter.channelId !== undefined) where.push(`channel_id = $${params.push(filter.channelId)}`);
    const rows: RestrictionRow[] = await this.dataSource.query(
      `SELECT ${RESTRICTION_COLUMNS} FROM mutes WHERE ${where.join(' AND ')} ORDER BY created_at DESC, player_id, channel_id LIMIT ${MUTE_LIST_LIMIT}`,
      params,
    );
    return rows.map(mapRestriction);
  }

  /** The mutes in force of many players of one game, in one statement (for the realtime cache); every asked id is in the map. */
  async inForceOfMany(gameIndex: number, playerIds: number[]): Promise<Map<number, ActiveMute[]>> {
    const result = new Map<number, ActiveMute[]>(playerIds.map((id) => [id, []]));
    const rows: RestrictionRow[] = await this.dataSource.query(
      `SELECT ${RESTRICTION_COLUMNS} FROM mutes WHERE game_index = $1 AND player_id = ANY($2::bigint[]) AND ${IN_FORCE}`,
      [gameIndex, playerIds],
    );
    for (const row of rows) {
      result.get(Number(row.player_id))?.push({
        channelId: row.channel_id,
        sinceMillis: row.created_at.getTime(),
        endMillis: row.ends_at === null ? Infinity : row.ends_at.getTime(),
      });
    }
    return result;
  }
}

function actingAs(actor: AuditActor): { playerId?: number } {
  return actor === 'SYSTEM' ? {} : { playerId: actor };
}
