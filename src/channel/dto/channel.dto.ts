import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { BoolField, IntField, MessageIdField, Optional, PlayerIdField, TextField } from '../../common/validation/decorators.js';
import { hiveTime } from '../../common/http/hive-envelope.js';
import { CREATABLE_TYPES, type ChannelType, type CreatableType } from '../channel.entity.js';

export const CHANNEL_ID_PATTERN = /^[A-Za-z0-9\-._~:]{1,100}$/;
export const CHANNEL_ID_RULE = '1-100 characters of A-Z a-z 0-9 - . _ ~ :';
const TYPE_RULE = { message: 'type must be one of PUBLIC, GROUP, PRIVATE' };
export const MAX_SLOW_MODE_SECONDS = 3600;

const SlowModeField = () =>
  IntField(0, MAX_SLOW_MODE_SECONDS, {
    optional: true,
    description: 'a member may send one message per this many seconds (0 = off, the default); the owner is exempt',
  });

/** Hive channel object (docs/chat-api.md); `memberCount` only on reads. */
export interface ChannelView {
  channelId: string;
  type: ChannelType;
  gameIndex: number;
  owner: string;
  channelName: string;
  memberCount?: number;
  maxMemberCount: number;
  chatHistoryAllowed: boolean;
  slowModeSeconds: number;
  regTime: string;
  regTimeMillis: number;
}

/** A channels row as the service's SQL selects it. */
export interface ChannelRow {
  game_index: number;
  channel_id: string;
  type: ChannelType;
  owner_id: string | null;
  channel_name: string;
  max_member_count: number;
  password_hash: string | null;
  chat_history_allowed: boolean;
  slow_mode_seconds: number;
  member_count: number;
  pair_low: string | null;
  pair_high: string | null;
  created_at: Date;
}

export function mapChannel(row: ChannelRow, withCount: boolean): ChannelView {
  const view: ChannelView = {
    channelId: row.channel_id,
    type: row.type,
    gameIndex: Number(row.game_index),
    owner: row.owner_id === null ? 'SYSTEM' : String(row.owner_id),
    channelName: row.channel_name,
    maxMemberCount: Number(row.max_member_count),
    chatHistoryAllowed: row.chat_history_allowed,
    slowModeSeconds: Number(row.slow_mode_seconds),
    regTime: hiveTime(row.created_at),
    regTimeMillis: row.created_at.getTime(),
  };
  if (withCount) {
    // Key order as in the Hive samples: memberCount right before maxMemberCount.
    const { maxMemberCount, chatHistoryAllowed, slowModeSeconds, regTime, regTimeMillis, ...head } = view;
    return { ...head, memberCount: Number(row.member_count), maxMemberCount, chatHistoryAllowed, slowModeSeconds, regTime, regTimeMillis };
  }
  return view;
}

export interface MemberView {
  playerId: number;
  connectedTimeMillis: number | null;
}

export interface ChannelPage {
  content: ChannelView[];
  page: { size: number; currentPage: number; totalElements: number; totalPages: number };
}

export class CreateChannelDto {
  @TextField(1, 100, { pattern: CHANNEL_ID_PATTERN, patternText: CHANNEL_ID_RULE, example: 'open:12345' })
  channelId: string;

  @PlayerIdField({ optional: true, description: 'the owner, entered automatically; without it the owner is SYSTEM' })
  playerId?: number;

  @TextField(1, 50, { optional: true, description: 'required for PRIVATE' })
  password?: string;

  @TextField(1, 50, { example: 'Open Chat Room' })
  channelName: string;

  @IntField(2, 5000, { example: 100 })
  maxMemberCount: number;

  @ApiProperty({ enum: CREATABLE_TYPES })
  @IsIn(CREATABLE_TYPES, TYPE_RULE)
  type: CreatableType;

  @BoolField({ optional: true })
  chatHistoryAllowed?: boolean;

  @SlowModeField()
  slowModeSeconds?: number;
}

export class CreateOneOnOneDto {
  @PlayerIdField()
  playerId: number;

  @PlayerIdField()
  otherPlayerId: number;

  @BoolField({ optional: true })
  chatHistoryAllowed?: boolean;
}

export class UpdateChannelDto {
  @TextField(1, 50, { optional: true })
  channelName?: string;

  @TextField(1, 50, { optional: true })
  password?: string;

  @IntField(2, 5000, { optional: true })
  maxMemberCount?: number;

  @ApiPropertyOptional({ enum: CREATABLE_TYPES })
  @Optional()
  @IsIn(CREATABLE_TYPES, TYPE_RULE)
  type?: CreatableType;

  @BoolField({ optional: true })
  chatHistoryAllowed?: boolean;

  @SlowModeField()
  slowModeSeconds?: number;

  @PlayerIdField({ optional: true, description: 'extension: act as this player; only the owner may update (403/308)' })
  playerId?: number;
}

export class ActingPlayerQuery {
  @Type(() => Number)
  @PlayerIdField({ optional: true, description: 'extension: act as this player; only the owner may delete (403/308)' })
  playerId?: number;
}

export class EnterChannelDto {
  @PlayerIdField({ example: 1001 })
  playerId: number;

  @TextField(0, 50, { optional: true, description: 'required for PRIVATE' })
  password?: string;
}

export class ExitChannelDto {
  @PlayerIdField({ example: 1001 })
  playerId: number;
}

export const SORTS = ['channelId', 'channelName', 'regTime'] as const;
export type ChannelSort = (typeof SORTS)[number];

export class ListChannelsQuery {
  @ApiPropertyOptional({ enum: CREATABLE_TYPES })
  @Optional()
  @IsIn(CREATABLE_TYPES, { message: 'type must be one of PUBLIC, GROUP, PRIVATE (ONE_ON_ONE channels are never listed)' })
  type?: CreatableType;

  @ApiPropertyOptional({ description: 'channels whose id starts with this' })
  @Optional()
  @IsString({ message: 'channelId must be a string' })
  @MaxLength(100, { message: 'channelId must be at most 100 characters' })
  channelId?: string;

  @ApiPropertyOptional({ description: 'channels whose name contains this (case-insensitive)' })
  @Optional()
  @IsString({ message: 'channelName must be a string' })
  @MaxLength(50, { message: 'channelName must be at most 50 characters' })
  channelName?: string;

  @ApiPropertyOptional({ enum: SORTS, default: 'regTime' })
  @Optional()
  @IsIn(SORTS, { message: 'sort must be one of channelId, channelName, regTime' })
  sort?: ChannelSort;

  @ApiPropertyOptional({ enum: ['ASC', 'DESC'], default: 'DESC' })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(['ASC', 'DESC'], { message: 'order must be ASC or DESC' })
  order?: 'ASC' | 'DESC';

  @Type(() => Number)
  @IntField(1, 10, { optional: true, description: 'default 10' })
  size?: number;

  @Type(() => Number)
  @IntField(1, 1_000_000, { optional: true, description: 'from 1, default 1' })
  page?: number;
}

export class HistoryQuery {
  @MessageIdField({ optional: true, description: 'the cursor; left out of the result. None = after the newest message' })
  messageId?: string;

  @Type(() => Number)
  @IntField(0, 50, { optional: true, description: 'messages before the cursor, default 0' })
  prevSize?: number;

  @Type(() => Number)
  @IntField(0, 50, { optional: true, description: 'messages after the cursor, default 0' })
  nextSize?: number;
}
