import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read positions for unread counts (docs/realtime.md#unread-counts): per game, channel and player,
 * the stream epoch and the last seq the player has read. Members of channels with history start
 * with nothing unread (at the channel's last stored seq, under its epoch "h" + creation millis).
 */
export class ChannelReads1796016300001 implements MigrationInterface {
  name = 'ChannelReads1796016300001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "channel_reads" (
        "game_index" integer NOT NULL,
        "channel_id" varchar(100) COLLATE "C" NOT NULL,
        "player_id" bigint NOT NULL,
        "epoch" varchar(64) NOT NULL,
        "seq" bigint NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_channel_reads" PRIMARY KEY ("game_index", "channel_id", "player_id"),
        CONSTRAINT "FK_channel_reads_channel" FOREIGN KEY ("game_index", "channel_id")
          REFERENCES "channels" ("game_index", "channel_id") ON DELETE CASCADE
      )`);
    await q.query(`
      INSERT INTO "channel_reads" (game_index, channel_id, player_id, epoch, seq)
      SELECT m.game_index, m.channel_id, m.player_id, 'h' || floor(extract(epoch FROM c.created_at) * 1000)::bigint, c.last_seq
        FROM "channel_members" m JOIN "channels" c ON c.game_index = m.game_index AND c.channel_id = m.channel_id
       WHERE c.chat_history_allowed`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "channel_reads"`);
  }
}
