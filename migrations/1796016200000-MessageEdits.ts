import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Edited messages (docs/moderation.md#editing-and-deleting-messages): when the text was last
 * changed, null if never. A deleted message is a deleted row, so nothing marks deletions.
 */
export class MessageEdits1796016200000 implements MigrationInterface {
  name = 'MessageEdits1796016200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "chat_messages" ADD COLUMN "edited_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "chat_messages" DROP COLUMN "edited_at"`);
  }
}
