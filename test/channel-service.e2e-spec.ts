import { DataSource } from 'typeorm';
import { ChannelQueries } from '../src/channel/channel-queries.js';
import { ChannelService } from '../src/channel/channel.service.js';
import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events.js';
import { DomainError, ErrorCode } from '../src/common/errors/domain-error.js';
import { inTransaction } from '../src/infra/database/transaction.js';
import { PresenceService } from '../src/presence/presence.service.js';
import { useTestApp } from './support/test-app.js';

/** The ChannelService contract other modules (realtime, party) call directly. */
describe('ChannelService: the contract for the realtime and party modules', () => {
  let channels: ChannelService;
  let queries: ChannelQueries;
  let events: { name: string; payload: unknown }[];
  const t = useTestApp({
    ready: (app) => {
      channels = app.app.get(ChannelService);
      queries = app.app.get(ChannelQueries);
      const bus = app.app.get(DomainEvents);
      for (const name of ['channel.entered', 'channel.exited', 'channel.deleted'] as const) {
        bus.subscribe(name, (payload: DomainEventMap[typeof name]) => void events.push({ name, payload }));
      }
    },
  });
  beforeEach(() => {
    events = [];
  });

  const flush = () => new Promise((resolve) => setImmediate(resolve));
  const group = (channelId: string, extra: Partial<Parameters<ChannelService['create']>[1]> = {}) =>
    channels.create(1, { channelId, channelName: channelId, maxMemberCount: 10, type: 'GROUP', ...extra });
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      if (err instanceof DomainError) return err.code;
      throw err;
    }
  };

  it("joins the caller's transaction: a rollback undoes create and enter, and no event is published", async () => {
    await expect(
      inTransaction(t.app.get(DataSource), async (tx) => {
        await channels.create(1, { channelId: 'party:1:main', channelName: 'main', maxMemberCount: 2, type: 'GROUP' }, { tx });
        await channels.enter(1, 'party:1:main', 5, { skipPlayerLimit: true, tx });
        throw new Error('party refused');
      }),
    ).rejects.toThrow('party refused');
    await flush();
    expect(events).toEqual([]);
    expect(await codeOf(channels.get(1, 'party:1:main'))).toBe(ErrorCode.ChannelNotFound);
  });

  it('publishes after the outer transaction commits', async () => {
    await group('g');
    await inTransaction(t.app.get(DataSource), async (tx) => {
      await channels.enter(1, 'g', 5, { tx });
      await flush();
      expect(events).toEqual([]);
    });
    await flush();
    expect(events).toEqual([
      { name: 'channel.entered', payload: expect.objectContaining({ channelId: 'g', playerId: 5, memberIds: [5] }) },
    ]);
  });

  it('skipPlayerLimit: party chat neither obeys nor uses up the 10-channel rule', async () => {
    for (let i = 1; i <= 10; i++) await group(`own-${i}`, { playerId: 3 });
    await group('party:9:chat');
    expect(await codeOf(channels.enter(1, 'party:9:chat', 3))).toBe(ErrorCode.TooManyChannels);
    await channels.enter(1, 'party:9:chat', 3, { skipPlayerLimit: true });
    await channels.exit(1, 'own-1', 3);
    await group('eleventh');
    await channels.enter(1, 'eleventh', 3);
    expect((await queries.channelIdsOf(1, 3)).length).toBe(11);
  });

  it('skipPassword and skipConnectedCheck', async () => {
    await channels.create(1, { channelId: 'p', channelName: 'p', maxMemberCount: 5, type: 'PRIVATE', password: 'pw' });
    expect(await codeOf(channels.enter(1, 'p', 1))).toBe(ErrorCode.WrongPassword);
    await channels.enter(1, 'p', 1, { skipPassword: true });
    await channels.create(1, { channelId: 'pub', channelName: 'pub', maxMemberCount: 5, type: 'PUBLIC' });
    expect(await codeOf(channels.enter(1, 'pub', 1))).toBe(ErrorCode.UserNotConnected);
    await channels.enter(1, 'pub', 1, { skipConnectedCheck: true });
    expect(await channels.isMember(1, 'pub', 1)).toBe(true);
  });

  it('exitAllPublic leaves only PUBLIC channels and announces each exit', async () => {
    const presence = t.app.get(PresenceService);
    await presence.markOnline(1, 7, Date.now());
    await presence.markOnline(1, 8, Date.now());
    for (const id of ['pub-a', 'pub-b'])
      await channels.create(1, { channelId: id, channelName: id, maxMemberCount: 5, type: 'PUBLIC', playerId: 7 });
    await channels.enter(1, 'pub-b', 8);
    await group('guild', { playerId: 7 });
    await channels.getOrCreateOneOnOne(1, 7, 8);
    events = [];
    expect((await channels.exitAllPublic(1, 7)).sort()).toEqual(['pub-a', 'pub-b']);
    expect(await queries.channelIdsOf(1, 7, ['PUBLIC'])).toEqual([]);
    expect((await queries.channelIdsOf(1, 7)).length).toBe(2);
    expect(await queries.channelIdsOf(1, 7, ['ONE_ON_ONE'])).toHaveLength(1);
    await flush();
    expect(events.map((e) => e.payload as { channelId: string; memberIds: number[] })).toEqual([
      expect.objectContaining({ channelId: 'pub-a', playerId: 7, memberIds: [], reason: 'disconnected' }),
      expect.objectContaining({ channelId: 'pub-b', playerId: 7, memberIds: [8], reason: 'disconnected' }),
    ]);
    // The owner leaving keeps the channel (the purge removes it later if it stays empty).
    expect((await channels.get(1, 'pub-a')).memberCount).toBe(0);
    expect(await channels.exitAllPublic(1, 7)).toEqual([]);
  });

  it('memberIds, isMember, get and delete', async () => {
    await group('g', { playerId: 1 });
    await channels.enter(1, 'g', 2);
    expect(await channels.memberIds(1, 'g')).toEqual([1, 2]);
    expect(await channels.isMember(1, 'g', 3)).toBe(false);
    expect(await channels.get(1, 'g')).toMatchObject({ channelId: 'g', owner: '1', memberCount: 2 });
    events = [];
    await channels.delete(1, 'g');
    await flush();
    expect(events).toEqual([{ name: 'channel.deleted', payload: { gameIndex: 1, channelId: 'g', memberIds: [1, 2] } }]);
    expect(await channels.memberIds(1, 'g')).toEqual([]);
    expect(await codeOf(channels.exit(1, 'g', 1))).toBe(ErrorCode.ChannelNotFound);
  });
});
