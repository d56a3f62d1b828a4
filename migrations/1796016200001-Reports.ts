import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Player reports (docs/moderation.md#reports). A report about a message keeps a copy of its text
 * and sender as they were when reported (`message_text`, `message_sender`), so later edits and
 * deletes change nothing here. Listed newest first per game, optionally by status or player.
 * Never purged.
 */
export class Reports1796016200001 implements MigrationInterface {
  name = 'Reports1796016200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "reports" (
        "id" bigserial NOT NULL,
        "game_index" integer NOT NULL,
        "reporter_id" bigint NOT NULL,
        "player_id" bigint NOT NULL,
        "channel_id" varchar(100) COLLATE "C",
        "message_id" bigint,
        "message_text" text,
        "message_sender" bigint,
        "category" varchar(16) NOT NULL,
        "reason" text NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'open',
        "note" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_reports" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_reports_status" CHECK ("status" IN ('open', 'resolved', 'dismissed')),
        CONSTRAINT "CHK_reports_category" CHECK ("category" IN ('spam', 'abuse', 'cheating', 'other'))
      )`);
    await q.query(`CREATE INDEX "IDX_reports_game" ON "reports" ("game_index", "id")`);
    await q.query(`CREATE INDEX "IDX_reports_game_status" ON "reports" ("game_index", "status", "id")`);
    await q.query(`CREATE INDEX "IDX_reports_game_player" ON "reports" ("game_index", "player_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "reports"`);
  }
}
