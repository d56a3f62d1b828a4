import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Parties and memberships (docs/party-api.md). Capacity is an exact counter on the party row, changed only
 * under that row's lock and backed by a CHECK; one membership per (party, player) by a unique
 * constraint; name search through a trigram index on lower(name).
 */
export class Parties1795320000000 implements MigrationInterface {
  name = 'Parties1795320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE "parties" (
        "id" SERIAL NOT NULL,
        "game_index" integer NOT NULL,
        "name" varchar(100) NOT NULL,
        "desc" varchar(1000) NOT NULL DEFAULT '',
        "image" varchar(500) NOT NULL DEFAULT '',
        "max_member_count" integer NOT NULL,
        "member_count" integer NOT NULL DEFAULT 0,
        "is_private" boolean NOT NULL DEFAULT false,
        "teams" text[] NOT NULL DEFAULT '{}',
        "channels" text[] NOT NULL DEFAULT '{}',
        "data" text NOT NULL DEFAULT '{}',
        "variables" jsonb NOT NULL DEFAULT '{}',
        "owner" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_parties" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_parties_max_member_count" CHECK ("max_member_count" BETWEEN 1 AND 500),
        CONSTRAINT "CHK_parties_member_count" CHECK ("member_count" >= 0 AND "member_count" <= "max_member_count")
      )`);
    await q.query(`CREATE INDEX "IDX_parties_game_id" ON "parties" ("game_index", "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_parties_name_trgm" ON "parties" USING gin (lower("name") gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE "party_members" (
        "id" SERIAL NOT NULL,
        "game_index" integer NOT NULL,
        "party_id" integer NOT NULL,
        "player_id" bigint NOT NULL,
        "role" smallint NOT NULL,
        "status" smallint NOT NULL,
        "team" varchar(50) NOT NULL DEFAULT '',
        "channels" text[] NOT NULL DEFAULT '{}',
        "data" text NOT NULL DEFAULT '{}',
        "variables" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "accepted_at" timestamptz,
        CONSTRAINT "PK_party_members" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_party_members_party_player" UNIQUE ("party_id", "player_id"),
        CONSTRAINT "FK_party_members_party" FOREIGN KEY ("party_id") REFERENCES "parties" ("id") ON DELETE CASCADE,
        CONSTRAINT "CHK_party_members_role" CHECK ("role" IN (1, 2, 3)),
        CONSTRAINT "CHK_party_members_status" CHECK ("status" IN (0, 1))
      )`);
    await q.query(`CREATE INDEX "IDX_party_members_player" ON "party_members" ("game_index", "player_id", "status", "party_id")`);
    await q.query(`CREATE INDEX "IDX_party_members_party_status" ON "party_members" ("party_id", "status", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "party_members"`);
    await q.query(`DROP TABLE "parties"`);
  }
}
