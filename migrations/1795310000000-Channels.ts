import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat channels (docs/chat-api.md). Invariants live here: one channel id per game (PK), one membership per
 * player and channel (PK), one ONE_ON_ONE channel per unordered pair (partial unique index), and
 * `member_count` never negative. Capacity and the per-player limits are enforced by row locks
 * (channel row, `channel_players` row) in ChannelService.
 */
export class Channels1795310000000 implements MigrationInterface {
  name = 'Channels1795310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // channel_id in the "C" collation: byte order for sorting, and the primary key then also
    // serves `LIKE 'prefix%'` (the list's channelId filter).
    await q.query(`
      CREATE TABLE "channels" (
        "game_index" integer NOT NULL,
        "channel_id" varchar(100) COLLATE "C" NOT NULL,
        "type" varchar(16) NOT NULL,
        "owner_id" bigint,
        "channel_name" varchar(50) NOT NULL,
        "max_member_count" integer NOT NULL,
        "password_hash" varchar(200),
        "chat_history_allowed" boolean NOT NULL DEFAULT false,
        "member_count" integer NOT NULL DEFAULT 0,
        "pair_low" bigint,
        "pair_high" bigint,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_channels" PRIMARY KEY ("game_index", "channel_id"),
        CONSTRAINT "CHK_channels_type" CHECK ("type" IN ('PUBLIC', 'GROUP', 'PRIVATE', 'ONE_ON_ONE')),
        CONSTRAINT "CHK_channels_member_count" CHECK ("member_count" >= 0),
        CONSTRAINT "CHK_channels_pair" CHECK (("type" = 'ONE_ON_ONE') = ("pair_low" IS NOT NULL AND "pair_high" IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_channels_pair" ON "channels" ("game_index", "pair_low", "pair_high") WHERE "type" = 'ONE_ON_ONE'`,
    );
    // The list (never ONE_ON_ONE): default sort regTime, or channelName; channelId sorts use the PK.
    await q.query(
      `CREATE INDEX "IDX_channels_list_time" ON "channels" ("game_index", "created_at", "channel_id") WHERE "type" <> 'ONE_ON_ONE'`,
    );
    await q.query(
      `CREATE INDEX "IDX_channels_list_name" ON "channels" ("game_index", "channel_name", "channel_id") WHERE "type" <> 'ONE_ON_ONE'`,
    );
    await q.query(
      `CREATE INDEX "IDX_channels_list_type_time" ON "channels" ("game_index", "type", "created_at", "channel_id") WHERE "type" <> 'ONE_ON_ONE'`,
    );
    // channelName "contains" (case-insensitive) filter.
    await q.query(`CREATE INDEX "IDX_channels_name_trgm" ON "channels" USING gin ("channel_name" gin_trgm_ops)`);
    // The purge: player-owned channels nobody is in.
    await q.query(`CREATE INDEX "IDX_channels_purgeable" ON "channels" ("created_at") WHERE "owner_id" IS NOT NULL AND "member_count" = 0`);

    await q.query(`
      CREATE TABLE "channel_members" (
        "game_index" integer NOT NULL,
        "channel_id" varchar(100) COLLATE "C" NOT NULL,
        "player_id" bigint NOT NULL,
        "one_on_one" boolean NOT NULL,
        "counted" boolean NOT NULL DEFAULT true,
        "entered_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_channel_members" PRIMARY KEY ("game_index", "channel_id", "player_id"),
        CONSTRAINT "FK_channel_members_channel" FOREIGN KEY ("game_index", "channel_id")
          REFERENCES "channels" ("game_index", "channel_id") ON DELETE CASCADE
      )`);
    // "Channels of a player" and the per-player limit counts.
    await q.query(`CREATE INDEX "IDX_channel_members_player" ON "channel_members" ("game_index", "player_id", "one_on_one", "counted")`);

    // One row per player that ever entered a channel or blocked someone: the row that serialises
    // that player's limit checks (SELECT ... FOR UPDATE).
    await q.query(`
      CREATE TABLE "channel_players" (
        "game_index" integer NOT NULL,
        "player_id" bigint NOT NULL,
        CONSTRAINT "PK_channel_players" PRIMARY KEY ("game_index", "player_id")
      )`);

    await q.query(`
      CREATE TABLE "channel_blocks" (
        "game_index" integer NOT NULL,
        "player_id" bigint NOT NULL,
        "blocked_id" bigint NOT NULL,
        "blocked_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_channel_blocks" PRIMARY KEY ("game_index", "player_id", "blocked_id")
      )`);

    await q.query(`
      CREATE TABLE "chat_messages" (
        "game_index" integer NOT NULL,
        "id" bigint NOT NULL,
        "channel_id" varchar(100) COLLATE "C" NOT NULL,
        "sender" bigint NOT NULL,
        "message" varchar(200) NOT NULL,
        "extra_data" text,
        "reply_message_id" bigint,
        "mentioned_player_ids" bigint[] NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "PK_chat_messages" PRIMARY KEY ("game_index", "id")
      )`);
    await q.query(`CREATE INDEX "IDX_chat_messages_channel" ON "chat_messages" ("game_index", "channel_id", "id")`);
    await q.query(`CREATE INDEX "IDX_chat_messages_created" ON "chat_messages" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "chat_messages"`);
    await q.query(`DROP TABLE "channel_blocks"`);
    await q.query(`DROP TABLE "channel_players"`);
    await q.query(`DROP TABLE "channel_members"`);
    await q.query(`DROP TABLE "channels"`);
  }
}
