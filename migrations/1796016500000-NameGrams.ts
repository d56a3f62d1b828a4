import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for name searches of one or two characters, which make no trigram (docs/party-api.md#totals
 * and docs/chat-api.md#get-channels-list): every one- and two-character substring of the lower-case name,
 * as an array in a GIN index. A name contains a query of one or two characters exactly when the
 * query is one of its grams; the LIKE beside it keeps the last word. Plain arrays need no extension.
 */
export class NameGrams1796016500000 implements MigrationInterface {
  name = 'NameGrams1796016500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION name_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT ARRAY(SELECT DISTINCT substr(t, i, n) FROM generate_series(1, length(t)) AS i, (VALUES (1), (2)) AS v(n)
                      WHERE i + n - 1 <= length(t))
      $$`);
    // The grams a name must have to contain t: t itself up to two characters, else its two-character substrings.
    await q.query(`
      CREATE FUNCTION query_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN length(t) <= 2 THEN ARRAY[t]
                    ELSE ARRAY(SELECT DISTINCT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i) END
      $$`);
    await q.query(`CREATE INDEX "IDX_parties_name_grams" ON "parties" USING gin (name_grams(lower("name")))`);
    await q.query(
      `CREATE INDEX "IDX_channels_name_grams" ON "channels" USING gin (name_grams(lower("channel_name"))) WHERE "type" <> 'ONE_ON_ONE'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_channels_name_grams"`);
    await q.query(`DROP INDEX "IDX_parties_name_grams"`);
    await q.query(`DROP FUNCTION query_grams(text)`);
    await q.query(`DROP FUNCTION name_grams(text)`);
  }
}
