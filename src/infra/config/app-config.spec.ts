import { parseGameClientIds, parseLogSettings, parseRate, parseServerKeys, parseSettings } from './app-config.js';

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

  it('reads LOG_LEVEL, LOG_FORMAT (JSON unless stdout is a terminal) and METRICS_TOKEN', () => {
    expect(parseLogSettings({}, false)).toEqual({ level: 'info', format: 'json' });
    expect(parseLogSettings({}, true)).toEqual({ level: 'info', format: 'pretty' });
    expect(parseLogSettings({ LOG_LEVEL: 'WARN', LOG_FORMAT: 'json' }, true)).toEqual({ level: 'warn', format: 'json' });
    expect(() => parseSettings({ LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
    expect(() => parseSettings({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be one of json, pretty, got "xml"');
    expect(parseSettings({}).metricsToken).toBeNull();
    expect(parseSettings({ METRICS_TOKEN: 'scrape-token-0123456789' }).metricsToken).toBe('scrape-token-0123456789');
    expect(() => parseSettings({ METRICS_TOKEN: 'short' })).toThrow(
      'METRICS_TOKEN must be 16-200 printable ASCII characters without spaces',
    );
    expect(() => parseSettings({ METRICS_TOKEN: 'has a space in it 0123' })).toThrow('METRICS_TOKEN must be');
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

  it('has a rate limit on every door by default, and no trusted proxy', () => {
    const s = parseSettings({});
    expect(s.rateLimits).toEqual({
      chat: { rate: 5, burst: 10 },
      packets: { rate: 20, burst: 40 },
      rest: { rate: 20, burst: 40 },
      login: { rate: 0.2, burst: 20 },
      connect: { rate: 20, burst: 50 },
    });
    expect(s.trustProxy).toBe(false);
    expect(parseSettings({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('reads rate/burst with decimal rates; 0 turns one limit off, RATE_LIMITS=off all of them', () => {
    expect(parseRate('RATE_CHAT', '1/2')).toEqual({ rate: 1, burst: 2 });
    expect(parseRate('RATE_LOGIN', '0.05/3')).toEqual({ rate: 0.05, burst: 3 });
    expect(parseRate('RATE_CHAT', '100000/100000')).toEqual({ rate: 100000, burst: 100000 });
    expect(parseRate('RATE_CHAT', '0')).toBeNull();
    const s = parseSettings({ RATE_CHAT: '0', RATE_REST: ' 2.5/5 ' });
    expect(s.rateLimits.chat).toBeNull();
    expect(s.rateLimits.rest).toEqual({ rate: 2.5, burst: 5 });
    expect(s.rateLimits.packets).toEqual({ rate: 20, burst: 40 });
    expect(Object.values(parseSettings({ RATE_LIMITS: 'off', RATE_CHAT: '1/2' }).rateLimits)).toEqual([null, null, null, null, null]);
    expect(parseSettings({ RATE_LIMITS: 'on' }).rateLimits.chat).toEqual({ rate: 5, burst: 10 });
  });

  it('names the rate variable of a bad value, even while RATE_LIMITS=off', () => {
    const shape = 'must be rate/burst (e.g. 5/10, rate in tokens per second) or 0 to turn it off';
    expect(() => parseSettings({ RATE_CHAT: 'fast' })).toThrow(`RATE_CHAT ${shape}, got "fast"`);
    expect(() => parseSettings({ RATE_PACKETS: '20' })).toThrow(`RATE_PACKETS ${shape}, got "20"`);
    expect(() => parseSettings({ RATE_REST: '5/2.5' })).toThrow(`RATE_REST ${shape}, got "5/2.5"`);
    expect(() => parseSettings({ RATE_REST: '-1/5' })).toThrow(`RATE_REST ${shape}`);
    expect(() => parseSettings({ RATE_LOGIN: '0/10' })).toThrow('RATE_LOGIN rate must be above 0 and at most 1000000, got 0');
    expect(() => parseSettings({ RATE_CONNECT: '5/0' })).toThrow('RATE_CONNECT burst must be between 1 and 1000000, got 0');
    expect(() => parseSettings({ RATE_CHAT: '10/5' })).toThrow('RATE_CHAT burst (5) must be at least the rate (10)');
    expect(() => parseSettings({ RATE_LOGIN: '0.0001/10' })).toThrow('RATE_LOGIN burst / rate must be at most 86400 seconds');
    expect(() => parseSettings({ RATE_LIMITS: 'off', RATE_CHAT: 'x' })).toThrow('RATE_CHAT must be rate/burst');
    expect(() => parseSettings({ RATE_LIMITS: 'sometimes' })).toThrow('RATE_LIMITS must be true or false');
    expect(() => parseSettings({ TRUST_PROXY: 'maybe' })).toThrow('TRUST_PROXY must be true or false');
  });

  it('reads EDIT_WINDOW in seconds: 900 by default, 0 turns editing off', () => {
    expect(parseSettings({}).editWindowSeconds).toBe(900);
    expect(parseSettings({ EDIT_WINDOW: '0' }).editWindowSeconds).toBe(0);
    expect(parseSettings({ EDIT_WINDOW: '2592000' }).editWindowSeconds).toBe(2_592_000);
    expect(() => parseSettings({ EDIT_WINDOW: '-1' })).toThrow('EDIT_WINDOW must be between 0 and 2592000, got -1');
    expect(() => parseSettings({ EDIT_WINDOW: '2592001' })).toThrow('EDIT_WINDOW must be between 0 and 2592000');
    expect(() => parseSettings({ EDIT_WINDOW: '15m' })).toThrow('EDIT_WINDOW must be an integer, got "15m"');
  });

  it('reads REDIS_CLUSTER (unset: asked at start) and refuses braces in REDIS_PREFIX (Redis Cluster hash tags)', () => {
    expect(parseSettings({}).redisCluster).toBeNull();
    expect(parseSettings({ REDIS_CLUSTER: 'true' }).redisCluster).toBe(true);
    expect(parseSettings({ REDIS_CLUSTER: 'off' }).redisCluster).toBe(false);
    expect(() => parseSettings({ REDIS_CLUSTER: 'maybe' })).toThrow('REDIS_CLUSTER must be true or false');
    expect(parseSettings({ REDIS_PREFIX: 'game-a:' }).redisPrefix).toBe('game-a:');
    expect(() => parseSettings({ REDIS_PREFIX: '{a}:' })).toThrow('REDIS_PREFIX must not contain { or }');
  });
});
