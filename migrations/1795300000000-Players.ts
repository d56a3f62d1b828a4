import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Players1795300000000 implements MigrationInterface {
  name = 'Players1795300000000';

  async up(q: QueryRunner): Promise<void> {
    // Guest ids start far above typical game-server ids so that the two rarely meet.
    await q.query(`CREATE SEQUENCE "guest_player_id_seq" START WITH 1000000000000`);
    await q.query(`
      CREATE TABLE "players" (
        "game_index" integer NOT NULL,
        "id" bigint NOT NULL,
        "name" varchar(100) NOT NULL DEFAULT '',
        "image" varchar(500) NOT NULL DEFAULT '',
        "username" varchar(100) NOT NULL DEFAULT '',
        "label" varchar(100) NOT NULL DEFAULT '',
        "tags" varchar(500) NOT NULL DEFAULT '',
        "is_ban" boolean NOT NULL DEFAULT false,
        "is_tester" boolean NOT NULL DEFAULT false,
        "is_guest" boolean NOT NULL DEFAULT false,
        "device_id" varchar(200),
        "first_login" timestamptz,
        "last_login" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_players" PRIMARY KEY ("game_index", "id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_players_game_device" ON "players" ("game_index", "device_id") WHERE "device_id" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "players"`);
    await q.query(`DROP SEQUENCE "guest_player_id_seq"`);
  }
}
