import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/http/bigint.transformer.js';

export type ChannelType = 'PUBLIC' | 'GROUP' | 'PRIVATE' | 'ONE_ON_ONE';
export const CREATABLE_TYPES = ['PUBLIC', 'GROUP', 'PRIVATE'] as const;
export type CreatableType = (typeof CREATABLE_TYPES)[number];

/** Capacity ceiling of each type (docs/chat-api.md). */
export const TYPE_CAPACITY: Record<ChannelType, number> = { PUBLIC: 5000, GROUP: 500, PRIVATE: 500, ONE_ON_ONE: 2 };

/** A chat channel of one game. `ownerId` null = owner "SYSTEM". Written through SQL in ChannelService. */
@Entity({ name: 'channels' })
export class Channel {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 100 })
  channelId: string;

  @Column({ type: 'varchar', length: 16 })
  type: ChannelType;

  @Column({ name: 'owner_id', type: 'bigint', nullable: true, transformer: bigintToNumber })
  ownerId: number | null;

  @Column({ name: 'channel_name', type: 'varchar', length: 50 })
  channelName: string;

  @Column({ name: 'max_member_count', type: 'integer' })
  maxMemberCount: number;

  @Column({ name: 'password_hash', type: 'varchar', length: 200, nullable: true })
  passwordHash: string | null;

  @Column({ name: 'chat_history_allowed', type: 'boolean', default: false })
  chatHistoryAllowed: boolean;

  /** A member may send one message per this many seconds (0 = off); the owner is exempt. */
  @Column({ name: 'slow_mode_seconds', type: 'integer', default: 0 })
  slowModeSeconds: number;

  /** The highest `seq` stored in this channel's history (docs/realtime.md#streams). */
  @Column({ name: 'last_seq', type: 'bigint', default: 0, transformer: bigintToNumber })
  lastSeq: number;

  @Column({ name: 'member_count', type: 'integer', default: 0 })
  memberCount: number;

  @Column({ name: 'pair_low', type: 'bigint', nullable: true, transformer: bigintToNumber })
  pairLow: number | null;

  @Column({ name: 'pair_high', type: 'bigint', nullable: true, transformer: bigintToNumber })
  pairHigh: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A player's presence in a channel. `counted` false = entered past the 10-channel rule (party chat). */
@Entity({ name: 'channel_members' })
export class ChannelMember {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ name: 'channel_id', type: 'varchar', length: 100 })
  channelId: string;

  @PrimaryColumn({ name: 'player_id', type: 'bigint', transformer: bigintToNumber })
  playerId: number;

  @Column({ name: 'one_on_one', type: 'boolean' })
  oneOnOne: boolean;

  @Column({ type: 'boolean', default: true })
  counted: boolean;

  @Column({ name: 'entered_at', type: 'timestamptz' })
  enteredAt: Date;
}

/** The row that serialises one player's limit checks (locked FOR UPDATE). */
@Entity({ name: 'channel_players' })
export class ChannelPlayer {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ name: 'player_id', type: 'bigint', transformer: bigintToNumber })
  playerId: number;
}

@Entity({ name: 'channel_blocks' })
export class ChannelBlock {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ name: 'player_id', type: 'bigint', transformer: bigintToNumber })
  playerId: number;

  @PrimaryColumn({ name: 'blocked_id', type: 'bigint', transformer: bigintToNumber })
  blockedId: number;

  @Column({ name: 'blocked_at', type: 'timestamptz' })
  blockedAt: Date;
}

@Entity({ name: 'chat_messages' })
export class ChatMessage {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'channel_id', type: 'varchar', length: 100 })
  channelId: string;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  sender: number;

  @Column({ type: 'varchar', length: 200 })
  message: string;

  @Column({ name: 'extra_data', type: 'text', nullable: true })
  extraData: string | null;

  @Column({ name: 'reply_message_id', type: 'bigint', nullable: true })
  replyMessageId: string | null;

  @Column({ name: 'mentioned_player_ids', type: 'bigint', array: true, default: () => "'{}'" })
  mentionedPlayerIds: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt: Date | null;
  /** Position in the channel's stream (docs/realtime.md#streams); null only for rows written outside the gateway. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintToNumber })
  seq: number | null;
}

export const CHANNEL_ENTITIES = [Channel, ChannelMember, ChannelPlayer, ChannelBlock, ChatMessage];
