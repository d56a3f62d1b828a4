import { bearerOf } from './bearer.js';

describe('bearerOf', () => {
  it('accepts the scheme in any case, as the SDKs send it', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer abc')).toBe('abc');
    expect(bearerOf('BEARER   abc ')).toBe('abc');
  });

  it('refuses anything else', () => {
    expect(bearerOf(undefined)).toBeNull();
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf('Bearer')).toBeNull();
    expect(bearerOf('Bearer a b')).toBeNull();
  });
});
