import { parseGameClientIds, parseServerKeys, parseSettings } from './app-config.js';

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

  it('maps client ids to games (GAME_CLIENT_IDS)', () => {
    expect([...parseGameClientIds('im49q2:1, abc123 : 2,')]).toEqual([
      ['im49q2', 1],
      ['abc123', 2],
    ]);
    expect(parseGameClientIds('').size).toBe(0);
    expect(parseSettings({}).gameClientIds.size).toBe(0);
    const s = parseSettings({ SERVER_KEYS: '1:key-one-123,2:key-two-456', GAME_CLIENT_IDS: 'im49q2:1,abc123:2' });
    expect(s.gameClientIds.get('abc123')).toBe(2);
    expect(s.gameClientIds.get('ABC123')).toBeUndefined();
  });

  it('names GAME_CLIENT_IDS when an entry is bad', () => {
    expect(() => parseGameClientIds('im49q2')).toThrow('GAME_CLIENT_IDS entry "im49q2" must be clientId:gameIndex');
    expect(() => parseGameClientIds('im-49:1')).toThrow('GAME_CLIENT_IDS client id "im-49" must be 1-64 letters and digits');
    expect(() => parseGameClientIds(':1')).toThrow('GAME_CLIENT_IDS client id "" must be 1-64 letters and digits');
    expect(() => parseGameClientIds('123:1')).toThrow('GAME_CLIENT_IDS client id "123" must contain a letter');
    expect(() => parseGameClientIds('abc:0')).toThrow('GAME_CLIENT_IDS game of "abc" must be a positive integer, got "0"');
    expect(() => parseGameClientIds('abc:x')).toThrow('GAME_CLIENT_IDS game of "abc" must be a positive integer, got "x"');
    expect(() => parseGameClientIds('abc:1,abc:2')).toThrow('GAME_CLIENT_IDS lists client id "abc" twice');
    expect(() => parseSettings({ GAME_CLIENT_IDS: 'abc:2' })).toThrow(
      'GAME_CLIENT_IDS maps "abc" to game 2, which is not among the games served (SERVER_KEYS)',
    );
    expect(() => parseSettings({ SERVER_KEYS: '1:key-one-123', GAME_CLIENT_IDS: 'abc:1,def' })).toThrow('GAME_CLIENT_IDS entry "def"');
  });
});
