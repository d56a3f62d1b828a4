import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each game's word filter (docs/chat-api.md#word-filter): one row per game holding the whole
 * list, replaced at once by PUT. No row = the default (no words, action "mask").
 */
export class WordFilters1796015200001 implements MigrationInterface {
  name = 'WordFilters1796015200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "word_filters" (
        "game_index" integer NOT NULL,
        "action" varchar(8) NOT NULL DEFAULT 'mask',
        "words" text[] NOT NULL DEFAULT '{}',
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_word_filters" PRIMARY KEY ("game_index"),
        CONSTRAINT "CHK_word_filters_action" CHECK ("action" IN ('mask', 'refuse'))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "word_filters"`);
  }
}
