import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Timed player bans and their reason. `is_ban` stays the switch; `ban_until` NULL means until
 * lifted, otherwise the ban ends by itself at that instant (readers compare it with the clock,
 * nothing rewrites the row when it passes).
 */
export class PlayerBanUntil1796011525154 implements MigrationInterface {
  name = 'PlayerBanUntil1796011525154';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "players" ADD COLUMN "ban_until" timestamptz`);
    await q.query(`ALTER TABLE "players" ADD COLUMN "ban_reason" varchar(200)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "players" DROP COLUMN "ban_reason"`);
    await q.query(`ALTER TABLE "players" DROP COLUMN "ban_until"`);
  }
}
