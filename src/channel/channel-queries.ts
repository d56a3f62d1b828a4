import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChannelType } from './channel.entity.js';
import { type PlayerColumn, sqlJson } from '../common/player-reads.js';
import { AppConfig } from '../infra/config/app-config.js';
import { boundedCount } from '../infra/database/bounded-count.js';
import { escapeLike } from '../infra/database/like.js';
import { CHANNEL_COLUMNS } from './channel-sql.js';
import { historyWindow } from './chat-partitions.js';
import { type ChannelPage, type ChannelRow, type ChannelView, type ListChannelsQuery, mapChannel } from './dto/channel.dto.js';

/** A channel the player is in, and whether it is PUBLIC (left on disconnect). */
export interface Membership {
  channelId: string;
  isPublic: boolean;
}

/**
 * Every channel the player is in, oldest membership first, for PlayerReads: read in the same
 * statement as the other reads of a CONNECT (ban, party co-members) or of a disconnect.
 */
export const MEMBERSHIPS_COLUMN: PlayerColumn<Membership[]> = {
  name: 'memberships',
  sql: `(SELECT json_agg(json_build_array(cm.channel_id, c.type = 'PUBLIC') ORDER BY cm.entered_at, cm.channel_id)
           FROM channel_members cm JOIN channels c ON c.game_index = cm.game_index AND c.channel_id = cm.channel_id
          WHERE cm.game_index = $1 AND cm.player_id = p.id)`,
  parse: (raw) => (sqlJson<[string, boolean][]>(raw) ?? []).map(([channelId, isPublic]) => ({ channelId, isPublic })),
};

const SORT_COLUMNS = { channelId: 'channel_id', channelName: 'channel_name', regTime: 'created_at' } as const;

/** The seq of the newest stored message of channel `c` among the ids `range` selects (a condition on m.id). */
const newestSeq = (range: string) => `(SELECT m.seq FROM chat_messages m
  WHERE m.game_index = c.game_index AND m.channel_id = c.channel_id AND ${range} ORDER BY m.id DESC LIMIT 1)`;

/**
 * streamFacts' statement; $3 and $4 are the history window's lowest id and the id past it
 * (historyWindow). Ids rise with seq in a channel, so the newest stored message has the highest
 * stored seq. It is looked for newest ids first, and each probe runs only when those before it
 * found nothing: past the window (a clock more than a day ahead: the partitions made ahead and the
 * default one), in the window (its days' partitions read newest first, the default one left out
 * once every day has its partition, so a channel in use stops at today's), before the window (a
 * message past retention the purge has not deleted yet). One probe over every id would open every
 * partition: the default partition rules out a scan in partition order that stops at the first row.
 */
const STREAM_FACTS = `SELECT c.channel_id, c.chat_history_allowed, c.created_at,
    GREATEST(c.last_seq, COALESCE(
      ${newestSeq('m.id >= $4::bigint')},
      ${newestSeq('m.id >= $3::bigint AND m.id < $4::bigint')},
      ${newestSeq('m.id < $3::bigint')}, 0)) AS last_seq
  FROM channels c WHERE c.game_index = $1 AND c.channel_id = ANY($2::varchar[])`;

/** The read side of channels: the filtered list and "channels of a player". */
@Injectable()
export class ChannelQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The Hive channel list: never ONE_ON_ONE; served by the partial list indexes, the trigram index
   * and, for a name filter of one or two characters (no trigram), the grams index. totalElements
   * by boundedCount's rule: exact up to 10,000, an estimate above (docs/chat-api.md#get-channels-list).
   */
  async list(gameIndex: number, q: ListChannelsQuery): Promise<ChannelPage> {
    const size = q.size ?? 10;
    const page = q.page ?? 1;
    const params: unknown[] = [gameIndex];
    const where = [`game_index = $1`, `type <> 'ONE_ON_ONE'`];
    // The same rows for the planner's estimate of a large total, without the grams condition: its
    // selectivity would be multiplied with the ILIKE's it only restates.
    const estimated = [...where];
    if (q.type) {
      params.push(q.type);
      where.push(`type = $${params.length}`);
      estimated.push(where[where.length - 1]);
    }
    if (q.channelId) {
      params.push(`${escapeLike(q.channelId)}%`);
      where.push(`channel_id LIKE $${params.length}`);
      estimated.push(where[where.length - 1]);
    }
    if (q.channelName) {
      params.push(`%${escapeLike(q.channelName)}%`);
      where.push(`channel_name ILIKE $${params.length}`);
      estimated.push(where[where.length - 1]);
      // ILIKE compares lower(name) with lower(filter): a name holding the filter holds its grams.
      if ([...q.channelName].length <= 2) {
        params.push(q.channelName);
        where.push(`name_grams(lower(channel_name)) @> query_grams(lower($${params.length}::text))`);
        estimated.push(`$${params.length}::text IS NOT NULL`);
      }
    }
    const direction = q.order === 'ASC' ? 'ASC' : 'DESC';
    const column = SORT_COLUMNS[q.sort ?? 'regTime'];
    // channel_id breaks ties so that pages never overlap.
    const orderBy = column === 'channel_id' ? `channel_id ${direction}` : `${column} ${direction}, channel_id ${direction}`;
    const filter = where.join(' AND ');
    const [rows, totalElements] = await Promise.all([
      this.dataSource.query<ChannelRow[]>(
        `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE ${filter} ORDER BY ${orderBy} LIMIT ${size} OFFSET ${(page - 1) * size}`,
        params,
      ),
      boundedCount(
        this.dataSource,
        `SELECT 1 FROM channels WHERE ${filter}`,
        params,
        `SELECT 1 FROM channels WHERE ${estimated.join(' AND ')}`,
      ),
    ]);
    return {
      content: rows.map((r) => mapChannel(r, true)),
      page: { size, currentPage: page, totalElements, totalPages: Math.ceil(totalElements / size) },
    };
  }

  /** Hive "user joined channels": ONE_ON_ONE excluded, oldest membership first. */
  async channelsOf(gameIndex: number, playerId: number): Promise<ChannelView[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT ${CHANNEL_COLUMNS.replace(/(\w+)/g, 'c.$1')} FROM channel_members cm
         JOIN channels c ON c.game_index = cm.game_index AND c.channel_id = cm.channel_id
        WHERE cm.game_index = $1 AND cm.player_id = $2 AND NOT cm.one_on_one
        ORDER BY cm.entered_at, c.channel_id`,
      [gameIndex, playerId],
    );
    return rows.map((r) => mapChannel(r, true));
  }

  async channelIdsOf(gameIndex: number, playerId: number, types?: ChannelType[]): Promise<string[]> {
    const rows: { channel_id: string }[] = types?.length
      ? await this.dataSource.query(
          `SELECT cm.channel_id FROM channel_members cm
             JOIN channels c ON c.game_index = cm.game_index AND c.channel_id = cm.channel_id
            WHERE cm.game_index = $1 AND cm.player_id = $2 AND c.type = ANY($3::varchar[])
            ORDER BY cm.entered_at, cm.channel_id`,
          [gameIndex, playerId, types],
        )
      : await this.dataSource.query(
          `SELECT channel_id FROM channel_members WHERE game_index = $1 AND player_id = $2 ORDER BY entered_at, channel_id`,
          [gameIndex, playerId],
        );
    return rows.map((r) => r.channel_id);
  }

  /**
   * What the realtime streams need to number a channel's messages (docs/realtime.md#streams): whether
   * it keeps history, its last stored seq and its creation time. Channels that do not exist are left out.
   */
  async streamFacts(gameIndex: number, channelIds: string[]): Promise<Map<string, ChannelStreamFacts>> {
    const result = new Map<string, ChannelStreamFacts>();
    if (channelIds.length === 0) return result;
    const { low, high } = historyWindow(Date.now(), this.config.settings.historyRetentionDays);
    const rows: { channel_id: string; chat_history_allowed: boolean; last_seq: string; created_at: Date }[] = await this.dataSource.query(
      STREAM_FACTS,
      [gameIndex, channelIds, String(low), String(high)],
    );
    for (const r of rows) {
      result.set(r.channel_id, { history: r.chat_history_allowed, lastSeq: Number(r.last_seq), createdAt: r.created_at });
    }
    return result;
  }
}

export interface ChannelStreamFacts {
  history: boolean;
  lastSeq: number;
  createdAt: Date;
}
