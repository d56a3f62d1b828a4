import { Versions } from './versions.js';

describe('Versions', () => {
  it('keeps a version current until its key is bumped', () => {
    const versions = new Versions<string>();
    const v = versions.current();
    expect(versions.isCurrent('a', v)).toBe(true);
    versions.bump('b');
    expect(versions.isCurrent('a', v)).toBe(true);
    expect(versions.isCurrent('b', v)).toBe(false);
  });

  it('takes a version after a bump as current', () => {
    const versions = new Versions<string>();
    versions.bump('a');
    const v = versions.current();
    expect(versions.isCurrent('a', v)).toBe(true);
    versions.bump('a');
    expect(versions.isCurrent('a', v)).toBe(false);
  });

  it('bumpAll makes every earlier version stale, later ones current', () => {
    const versions = new Versions<string>();
    const before = versions.current();
    versions.bumpAll();
    const after = versions.current();
    expect(versions.isCurrent('a', before)).toBe(false);
    expect(versions.isCurrent('a', after)).toBe(true);
  });

  it('forgets keys past maxKeys without making an old version current again', () => {
    const versions = new Versions<number>(2);
    const v = versions.current();
    versions.bump(1);
    versions.bump(2);
    versions.bump(3); // empties the map: key 1 is no longer remembered
    expect(versions.isCurrent(1, v)).toBe(false);
    expect(versions.isCurrent(4, v)).toBe(false);
    const later = versions.current();
    expect(versions.isCurrent(1, later)).toBe(true);
    expect(versions.isCurrent(3, later)).toBe(true);
  });
});
