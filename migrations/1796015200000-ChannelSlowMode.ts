import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slow mode of a channel: a member may send one message per `slow_mode_seconds` (0 = off, at most
 * an hour). Enforced in memory by the gateway (docs/realtime.md#chat-rules); stored here so every
 * instance reads the same setting.
 */
export class ChannelSlowMode1796015200000 implements MigrationInterface {
  name = 'ChannelSlowMode1796015200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" ADD COLUMN "slow_mode_seconds" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "channels" ADD CONSTRAINT "CHK_channels_slow_mode" CHECK ("slow_mode_seconds" BETWEEN 0 AND 3600)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP CONSTRAINT "CHK_channels_slow_mode"`);
    await q.query(`ALTER TABLE "channels" DROP COLUMN "slow_mode_seconds"`);
  }
}
