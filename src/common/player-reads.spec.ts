import type { DataSource } from 'typeorm';
import { type PlayerColumn, PlayerReads, sqlJson } from './player-reads.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A database that records each statement and answers it when the test says so (one row per asked id). */
function fakeDatabase() {
  const statements: { sql: string; gameIndex: number; ids: number[]; answer: (values: Record<string, unknown>) => void }[] = [];
  const dataSource = {
    query: (sql: string, [gameIndex, ids]: [number, number[]]) =>
      new Promise<Record<string, unknown>[]>((resolve) =>
        statements.push({ sql, gameIndex, ids, answer: (values) => resolve(ids.map((id) => ({ id: String(id), ...values }))) }),
      ),
  } as unknown as DataSource;
  return { statements, reads: new PlayerReads(dataSource) };
}

const A: PlayerColumn<string> = { name: 'a', sql: '(SELECT 1)', parse: (raw) => `a:${String(raw)}` };
const B: PlayerColumn<number[]> = { name: 'b', sql: '(SELECT 2)', parse: (raw) => sqlJson<number[]>(raw) ?? [] };

describe('PlayerReads', () => {
  it('puts the columns and players asked in one turn into one statement per game', async () => {
    const { statements, reads } = fakeDatabase();
    const asked = Promise.all([reads.get(A, 1, 10), reads.get(B, 1, 10), reads.get(A, 1, 11), reads.get(A, 2, 10)]);
    await turn();
    expect(statements.map((s) => [s.gameIndex, s.ids])).toEqual([
      [1, [10, 11]],
      [2, [10]],
    ]);
    expect(statements[0].sql).toContain('(SELECT 1) AS a, (SELECT 2) AS b');
    expect(statements[1].sql).not.toContain(' AS b');
    statements[0].answer({ a: 'x', b: '[3,4]' });
    statements[1].answer({ a: 'y' });
    expect(await asked).toEqual(['a:x', [3, 4], 'a:x', 'a:y']);
  });

  it('shares a read in flight, unless the value was forgotten since it went out', async () => {
    const { statements, reads } = fakeDatabase();
    const first = reads.get(A, 1, 10);
    await turn();
    const shared = reads.get(A, 1, 10);
    reads.forget(A, 1, 10);
    const fresh = reads.get(A, 1, 10);
    await turn();
    expect(statements).toHaveLength(2);
    statements[0].answer({ a: 'old' });
    statements[1].answer({ a: 'new' });
    expect(await Promise.all([first, shared, fresh])).toEqual(['a:old', 'a:old', 'a:new']);
  });

  it('fails every read of a failed statement, and reads again afterwards', async () => {
    let calls = 0;
    const flaky = {
      query: (_sql: string, [, ids]: [number, number[]]) =>
        ++calls === 1 ? Promise.reject(new Error('database down')) : Promise.resolve(ids.map((id) => ({ id: String(id), a: 'up' }))),
    } as unknown as DataSource;
    const reads = new PlayerReads(flaky);
    await expect(Promise.all([reads.get(A, 1, 1), reads.get(B, 1, 2)])).rejects.toThrow('database down');
    expect(await reads.get(A, 1, 1)).toBe('a:up');
    expect(calls).toBe(2);
  });
});
