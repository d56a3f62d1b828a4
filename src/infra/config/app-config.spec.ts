import { parseServerKeys, parseSettings } from './app-config.js';

describe('parseSettings', () => {
  it('starts with development defaults when nothing is configured', () => {
    const s = parseSettings({});
    expect(s.port).toBe(3000);
    expect(s.databaseUrl).toBeNull();
    expect(s.serverKeys.get(1)).toBe('dev-server-key');
    expect(s.developmentDefaults).toBe(true);
    expect(s.purgeIntervalSeconds).toBe(60);
  });

  it('names the variable of a bad value', () => {
    expect(() => parseSettings({ PORT: 'abc' })).toThrow('PORT must be an integer');
    expect(() => parseSettings({ PORT: '70000' })).toThrow('PORT must be between 0 and 65535');
    expect(() => parseSettings({ ALLOW_GUESTS: 'maybe' })).toThrow('ALLOW_GUESTS must be true or false');
    expect(() => parseSettings({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL must use');
    expect(() => parseSettings({ JWT_SECRET: 'short' })).toThrow('JWT_SECRET must be at least 16');
  });

  it('parses server keys per game', () => {
    const keys = parseServerKeys('1:key-one-123, 2:key-two-456');
    expect([...keys]).toEqual([
      [1, 'key-one-123'],
      [2, 'key-two-456'],
    ]);
    expect(() => parseServerKeys('x:y')).toThrow('SERVER_KEYS entry "x:y" must be gameIndex:key');
  });
});
