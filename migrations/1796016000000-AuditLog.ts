import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (docs/moderation.md#audit-log): one row per moderation action, append-only and
 * never purged. Read newest first per game, optionally by action, actor or target player.
 */
export class AuditLog1796016000000 implements MigrationInterface {
  name = 'AuditLog1796016000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_entries" (
        "id" bigserial NOT NULL,
        "game_index" integer NOT NULL,
        "action" varchar(32) NOT NULL,
        "actor" varchar(20) NOT NULL,
        "target_player_id" bigint,
        "channel_id" varchar(100),
        "details" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_audit_entries" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "IDX_audit_game" ON "audit_entries" ("game_index", "id")`);
    await q.query(`CREATE INDEX "IDX_audit_game_action" ON "audit_entries" ("game_index", "action", "id")`);
    await q.query(`CREATE INDEX "IDX_audit_game_actor" ON "audit_entries" ("game_index", "actor", "id")`);
    await q.query(`CREATE INDEX "IDX_audit_game_target" ON "audit_entries" ("game_index", "target_player_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_entries"`);
  }
}
