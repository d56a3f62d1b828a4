import { BatchLoader } from './batch-loader.js';

/** A load function that records its calls and answers only when told to. */
function controlledLoad() {
  const calls: { gameIndex: number; ids: number[]; answer: (values: Map<number, string>) => void }[] = [];
  const load = (gameIndex: number, ids: number[]) =>
    new Promise<Map<number, string>>((resolve) => calls.push({ gameIndex, ids, answer: resolve }));
  return { calls, load };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchLoader', () => {
  it('sends the keys asked for in one turn together, one load per game, missing ids as the default', async () => {
    const { calls, load } = controlledLoad();
    const loader = new BatchLoader(load, 'none');
    const asked = [loader.get(1, 10), loader.get(1, 11), loader.get(2, 10), loader.get(1, 10)];
    expect(calls).toHaveLength(0);
    await nextTurn();
    expect(calls.map((c) => [c.gameIndex, c.ids])).toEqual([
      [1, [10, 11]],
      [2, [10]],
    ]);
    calls[0].answer(new Map([[10, 'a']]));
    calls[1].answer(new Map([[10, 'b']]));
    await expect(Promise.all(asked)).resolves.toEqual(['a', 'none', 'b', 'a']);
  });

  it('shares a load in flight with later callers, until forget', async () => {
    const { calls, load } = controlledLoad();
    const loader = new BatchLoader(load, 'none');
    const first = loader.get(1, 10);
    await nextTurn();
    const shared = loader.get(1, 10);
    loader.forget(1, 10);
    const fresh = loader.get(1, 10);
    await nextTurn();
    expect(calls.map((c) => c.ids)).toEqual([[10], [10]]);
    calls[0].answer(new Map([[10, 'old']]));
    calls[1].answer(new Map([[10, 'new']]));
    await expect(Promise.all([first, shared, fresh])).resolves.toEqual(['old', 'old', 'new']);
  });

  it('rejects every caller of a failed load', async () => {
    const loader = new BatchLoader<string>(() => Promise.reject(new Error('database down')), 'none');
    await expect(Promise.all([loader.get(1, 1), loader.get(1, 2)])).rejects.toThrow('database down');
    await expect(loader.get(1, 1)).rejects.toThrow('database down');
  });
});
