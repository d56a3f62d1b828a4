import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Party invites (docs/party-api.md#invites) and the party setting that lets every member invite.
 * One pending invite per (party, player) is kept under the party row lock, not by an index: an
 * expired invite stays pending in the table (expiry is a comparison of times) and must not block
 * a new one. The purge job deletes invites a day old.
 */
export class PartyInvites1796014300000 implements MigrationInterface {
  name = 'PartyInvites1796014300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "parties" ADD COLUMN "members_can_invite" boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE "party_invites" (
        "id" SERIAL NOT NULL,
        "game_index" integer NOT NULL,
        "party_id" integer NOT NULL,
        "player_id" bigint NOT NULL,
        "inviter" bigint NOT NULL,
        "status" smallint NOT NULL,
        "created_at" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_party_invites" PRIMARY KEY ("id"),
        CONSTRAINT "FK_party_invites_party" FOREIGN KEY ("party_id") REFERENCES "parties" ("id") ON DELETE CASCADE,
        CONSTRAINT "CHK_party_invites_status" CHECK ("status" IN (0, 1, 2, 3))
      )`);
    await q.query(`CREATE INDEX "IDX_party_invites_player" ON "party_invites" ("game_index", "player_id", "status", "id" DESC)`);
    await q.query(`CREATE INDEX "IDX_party_invites_party" ON "party_invites" ("party_id", "status", "player_id")`);
    await q.query(`CREATE INDEX "IDX_party_invites_created" ON "party_invites" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "party_invites"`);
    await q.query(`ALTER TABLE "parties" DROP COLUMN "members_can_invite"`);
  }
}
