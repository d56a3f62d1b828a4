import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mutes and channel bans (docs/moderation.md#mutes, docs/moderation.md#channel-bans-and-kicks).
 *
 * `mutes`: one row per (game, player, channel scope). `channel_id` NULL is a game-wide mute; the
 * unique constraint is NULLS NOT DISTINCT (PostgreSQL 15+), so a player has at most one game-wide
 * mute and one mute per channel, and a new mute replaces the old one through
 * `ON CONFLICT ON CONSTRAINT "UQ_mutes_scope"`. A NULL channel is also what lets the foreign key
 * apply to channel mutes only (a NULL column is not checked), so deleting a channel deletes its
 * mutes and bans with it.
 *
 * `ends_at` NULL = until lifted. A timed mute or ban ends by itself: every check compares
 * `ends_at` with the clock, nothing rewrites the row; an ended row stays until it is replaced,
 * lifted (answered 404) or its channel is deleted.
 */
export class MutesAndChannelBans1796016100000 implements MigrationInterface {
  name = 'MutesAndChannelBans1796016100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "mutes" (
        "game_index" integer NOT NULL,
        "player_id" bigint NOT NULL,
        "channel_id" varchar(100),
        "reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "ends_at" timestamptz,
        CONSTRAINT "UQ_mutes_scope" UNIQUE NULLS NOT DISTINCT ("game_index", "player_id", "channel_id"),
        CONSTRAINT "FK_mutes_channel" FOREIGN KEY ("game_index", "channel_id")
          REFERENCES "channels" ("game_index", "channel_id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "IDX_mutes_channel" ON "mutes" ("game_index", "channel_id") WHERE "channel_id" IS NOT NULL`);
    await q.query(`
      CREATE TABLE "channel_bans" (
        "game_index" integer NOT NULL,
        "channel_id" varchar(100) NOT NULL,
        "player_id" bigint NOT NULL,
        "reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "ends_at" timestamptz,
        CONSTRAINT "PK_channel_bans" PRIMARY KEY ("game_index", "channel_id", "player_id"),
        CONSTRAINT "FK_channel_bans_channel" FOREIGN KEY ("game_index", "channel_id")
          REFERENCES "channels" ("game_index", "channel_id") ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "channel_bans"`);
    await q.query(`DROP TABLE "mutes"`);
  }
}
