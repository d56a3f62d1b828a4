import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { mutedError, stoppingMute } from './mute-rules.js';

describe('mute rules', () => {
  const now = 1_800_000_000_000;
  const guild = { channelId: 'guild', regTimeMillis: now - 60_000 };
  const gameWide = (endMillis: number) => ({ channelId: null, sinceMillis: now - 1000, endMillis });
  const inChannel = (channelId: string, endMillis: number, sinceMillis = now - 1000) => ({ channelId, sinceMillis, endMillis });

  it('nothing stops a player without mutes', () => {
    expect(stoppingMute([], guild, now)).toBeNull();
    expect(stoppingMute([], null, now)).toBeNull();
  });

  it('a channel mute stops messages to that channel only, never direct messages', () => {
    const mute = inChannel('guild', Infinity);
    expect(stoppingMute([mute], guild, now)).toBe(mute);
    expect(stoppingMute([mute], { channelId: 'lobby', regTimeMillis: 0 }, now)).toBeNull();
    expect(stoppingMute([mute], null, now)).toBeNull();
  });

  it('a game-wide mute stops channel and direct messages', () => {
    const mute = gameWide(now + 5000);
    expect(stoppingMute([mute], guild, now)).toBe(mute);
    expect(stoppingMute([mute], null, now)).toBe(mute);
  });

  it('an ended mute stops nothing (timed mutes end by the clock)', () => {
    expect(stoppingMute([gameWide(now), inChannel('guild', now - 1)], guild, now)).toBeNull();
    expect(stoppingMute([gameWide(now + 1)], guild, now)).not.toBeNull();
  });

  it('of several, the one that ends last', () => {
    const short = gameWide(now + 1000);
    const forever = inChannel('guild', Infinity);
    expect(stoppingMute([short, forever], guild, now)).toBe(forever);
    expect(stoppingMute([short, forever], null, now)).toBe(short);
  });

  it('a channel mute older than the channel belongs to an earlier channel of that id', () => {
    expect(stoppingMute([inChannel('guild', Infinity, guild.regTimeMillis - 1)], guild, now)).toBeNull();
    expect(stoppingMute([inChannel('guild', Infinity, guild.regTimeMillis)], guild, now)).not.toBeNull();
  });

  it('the refusal: 310 with mutedUntilMillis (null = until lifted) and a message naming the scope', () => {
    const timed = mutedError(5, inChannel('guild', now + 5000));
    expect(timed).toBeInstanceOf(DomainError);
    expect(timed.code).toBe(ErrorCode.Muted);
    expect(timed.message).toBe(`player 5 is muted in channel "guild" until ${new Date(now + 5000).toISOString()}`);
    expect(timed.extra).toEqual({ mutedUntilMillis: now + 5000 });
    const forever = mutedError(5, gameWide(Infinity));
    expect(forever.message).toBe('player 5 is muted game-wide until lifted');
    expect(forever.extra).toEqual({ mutedUntilMillis: null });
  });
});
