import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party ready checks (docs/party-api.md#ready-checks). The state lives here, not in the instance
 * that started a check: any instance's sweep can end an expired one. At most one running check
 * per party (a partial unique index); the players are the Accepted members at the start.
 */
export class PartyReadyChecks1796014400000 implements MigrationInterface {
  name = 'PartyReadyChecks1796014400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "party_ready_checks" (
        "id" SERIAL NOT NULL,
        "game_index" integer NOT NULL,
        "party_id" integer NOT NULL,
        "started_by" bigint NOT NULL,
        "status" varchar(10) NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "finished_at" timestamptz,
        CONSTRAINT "PK_party_ready_checks" PRIMARY KEY ("id"),
        CONSTRAINT "FK_party_ready_checks_party" FOREIGN KEY ("party_id") REFERENCES "parties" ("id") ON DELETE CASCADE,
        CONSTRAINT "CHK_party_ready_checks_status" CHECK ("status" IN ('running', 'ready', 'declined', 'timeout', 'canceled'))
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_party_ready_checks_running" ON "party_ready_checks" ("party_id") WHERE "status" = 'running'`);
    await q.query(`CREATE INDEX "IDX_party_ready_checks_expiry" ON "party_ready_checks" ("expires_at") WHERE "status" = 'running'`);
    await q.query(`CREATE INDEX "IDX_party_ready_checks_party" ON "party_ready_checks" ("party_id", "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_party_ready_checks_finished" ON "party_ready_checks" ("finished_at")`);
    await q.query(`
      CREATE TABLE "party_ready_check_players" (
        "check_id" integer NOT NULL,
        "player_id" bigint NOT NULL,
        "ready" boolean,
        CONSTRAINT "PK_party_ready_check_players" PRIMARY KEY ("check_id", "player_id"),
        CONSTRAINT "FK_party_ready_check_players_check" FOREIGN KEY ("check_id") REFERENCES "party_ready_checks" ("id") ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "party_ready_check_players"`);
    await q.query(`DROP TABLE "party_ready_checks"`);
  }
}
