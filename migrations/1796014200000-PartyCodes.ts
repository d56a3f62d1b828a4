import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The join-code alphabet (no 0/O, 1/I): the same as JOIN_CODE_ALPHABET in src/party/party-rules.ts. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Six random characters of the alphabet, drawn again for every row (the subquery refers to the row). */
const RANDOM_CODE = `(SELECT string_agg(substr('${ALPHABET}', 1 + floor(random() * 32)::int, 1), '')
   FROM generate_series(1, 6 + 0 * p.id))`;

/**
 * Join codes (docs/party-api.md#join-codes): every party gets a code unique among its game's
 * parties. Existing parties draw one here; the rare duplicates draw again until none is left,
 * then the unique index holds the rule.
 */
export class PartyCodes1796014200000 implements MigrationInterface {
  name = 'PartyCodes1796014200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "parties" ADD COLUMN "code" varchar(6)`);
    await q.query(`UPDATE "parties" p SET "code" = ${RANDOM_CODE}`);
    for (;;) {
      const [{ n }] = (await q.query(
        `SELECT count(*)::int AS n FROM "parties" p
          WHERE EXISTS (SELECT 1 FROM "parties" o WHERE o.game_index = p.game_index AND o.code = p.code AND o.id < p.id)`,
      )) as { n: number }[];
      if (n === 0) break;
      await q.query(`UPDATE "parties" p SET "code" = ${RANDOM_CODE}
        WHERE EXISTS (SELECT 1 FROM "parties" o WHERE o.game_index = p.game_index AND o.code = p.code AND o.id < p.id)`);
    }
    // The service always draws a random code. Rows written without one (tools, benchmarks, bulk
    // loads) get a distinct one from a sequence run through a bijection of 0..32^6-1.
    await q.query(`CREATE SEQUENCE "party_code_seq"`);
    await q.query(`
      CREATE FUNCTION party_code_from(n bigint) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$
        SELECT string_agg(substr('${ALPHABET}', 1 + ((((n * 387420489 + 12345) % 1073741824) >> (5 * i)) & 31)::int, 1), '' ORDER BY i)
          FROM generate_series(0, 5) AS i
      $$`);
    await q.query(`ALTER TABLE "parties" ALTER COLUMN "code" SET DEFAULT party_code_from(nextval('party_code_seq'))`);
    await q.query(`ALTER TABLE "parties" ALTER COLUMN "code" SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "UQ_parties_game_code" ON "parties" ("game_index", "code")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_parties_game_code"`);
    await q.query(`ALTER TABLE "parties" DROP COLUMN "code"`);
    await q.query(`DROP FUNCTION party_code_from(bigint)`);
    await q.query(`DROP SEQUENCE "party_code_seq"`);
  }
}
