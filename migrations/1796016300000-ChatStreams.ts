import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered streams (docs/realtime.md#streams): each stored message keeps its `seq` in its channel,
 * and each channel its last stored `seq`, so a channel with history continues its numbering after
 * a restart. Messages stored before this migration are numbered in id order.
 */
export class ChatStreams1796016300000 implements MigrationInterface {
  name = 'ChatStreams1796016300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "chat_messages" ADD COLUMN "seq" bigint`);
    await q.query(`ALTER TABLE "channels" ADD COLUMN "last_seq" bigint NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE "chat_messages" m SET "seq" = r.n
      FROM (SELECT game_index, id, row_number() OVER (PARTITION BY game_index, channel_id ORDER BY id) AS n FROM "chat_messages") r
      WHERE m.game_index = r.game_index AND m.id = r.id`);
    await q.query(`
      UPDATE "channels" c SET "last_seq" = s.n
      FROM (SELECT game_index, channel_id, max(seq) AS n FROM "chat_messages" GROUP BY game_index, channel_id) s
      WHERE c.game_index = s.game_index AND c.channel_id = s.channel_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "channels" DROP COLUMN "last_seq"`);
    await q.query(`ALTER TABLE "chat_messages" DROP COLUMN "seq"`);
  }
}
