import { MemoryStreamStore } from './memory-stream-store.js';
import type { Minted } from './stream-store.js';

const mint = (from: number) => (): Minted => ({ id: '1', millis: 1, from, frame: { head: '{"seq":', tail: '}' } });

describe('MemoryStreamStore', () => {
  it('numbers without gaps, keeps the last messages and reports what is missed', async () => {
    const store = new MemoryStreamStore(3, 60_000);
    expect(await store.append('k', null, mint(1))).toBe('start');
    const [position] = await store.positions(['k'], [{ epoch: 'e1', seq: 10 }]);
    expect(position).toEqual({ epoch: 'e1', seq: 10 });
    for (let i = 0; i < 4; i++) await store.append('k', null, mint(i));
    expect(await store.missed('k', 12)).toEqual({
      epoch: 'e1',
      seq: 14,
      entries: [
        { from: 2, frame: '{"seq":13}' },
        { from: 3, frame: '{"seq":14}' },
      ],
    });
    expect((await store.missed('k', 10))?.entries).toBeNull(); // 4 missed, 3 kept
    expect((await store.missed('k', 14))?.entries).toEqual([]);
    await store.retract('k', 13);
    expect((await store.missed('k', 12))?.entries).toEqual([{ from: 3, frame: '{"seq":14}' }]);
    expect(await store.missed('other', 0)).toBeNull();
  });

  it('forgets idle streams and expired messages; a forgotten stream starts under a new epoch', async () => {
    const store = new MemoryStreamStore(10, 1_000);
    await store.positions(['k'], [{ epoch: '', seq: 0 }]);
    const first = await store.append('k', { epoch: '', seq: 0 }, mint(1));
    store.sweep(Date.now() + 5_000);
    expect(await store.missed('k', 0)).toBeNull();
    const again = await store.append('k', { epoch: '', seq: 0 }, mint(1));
    expect(again).toMatchObject({ seq: 1 });
    expect(again !== 'start' && first !== 'start' && again.epoch !== first.epoch).toBe(true);
  });
});
