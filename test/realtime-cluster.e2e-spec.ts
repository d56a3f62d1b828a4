import { PresenceService } from '../src/presence/presence.service.js';
import { RedisPresenceService } from '../src/presence/redis-presence.service.js';
import { MessageIdGenerator } from '../src/realtime/chat/message-id.js';
import { hive } from './support/http.js';
import { type TestApp } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Two app instances in one process, sharing one Redis (TEST_REDIS_URL, else the local one).
 * With DATABASE_URL they also share the PostgreSQL database: the multi-instance deployment of docs/operations.md. On the
 * embedded database an in-memory PGlite cannot be shared, so each instance gets its own and the
 * test writes the same channels into both; everything that crosses instances (delivery,
 * presence, one connection per player, notices) goes through Redis either way.
 */
const suite = await describeWithRedis('realtime-cluster');

suite(`realtime: two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const apps = useTwoTestApps({ PRESENCE_TTL: '2' });
  const open: WsClient[] = [];
  const on = async (app: TestApp, playerId: number) => {
    const c = await WsClient.connect(app, playerId);
    open.push(c);
    return c;
  };
  const databases = () => apps.databases();
  /** Runs a server-API call on every distinct database. */
  const everywhere = async (call: (app: TestApp) => Promise<unknown>) => {
    for (const app of databases()) await call(app);
  };
  const guildWith = (...ids: number[]) =>
    everywhere(async (app) => {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'guild', channelName: 'Guild', maxMemberCount: 50, type: 'GROUP' })
        .expect(200);
      for (const playerId of ids) await hive(app).post('/api/v1/games/1/channels/guild/enter').send({ playerId }).expect(200);
    });

  beforeAll(() => {
    a = apps.a;
    b = apps.b;
  });
  afterEach(async () => {
    await closeClients([a, b], open.splice(0));
  });

  it('runs in Redis mode with distinct message-id node numbers', () => {
    expect(a.app.get(PresenceService)).toBeInstanceOf(RedisPresenceService);
    expect(a.app.get(MessageIdGenerator, { strict: false }).nodeId).not.toBe(b.app.get(MessageIdGenerator, { strict: false }).nodeId);
  });

  it('a client on A receives, exactly once, a channel message sent on B', async () => {
    await guildWith(1, 2, 3);
    const ann = await on(a, 1);
    const bob = await on(b, 2);
    const cid = await on(a, 3);
    const sent = await bob.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'from B' });
    expect(await ann.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: sent.messageId, from: 2, message: 'from B' });
    expect(await cid.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: sent.messageId });
    const back = await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'from A' });
    expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: back.messageId, from: 1 });
    await Promise.all([ann.flush(), bob.flush(), cid.flush()]);
    expect(ann.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    expect(cid.received.filter((p) => p.packetType === 'NOTIFY_CHANNEL_CHAT')).toHaveLength(2);
    expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
  });

  it('presence seen from A reflects a client on B, and NOTIFY_PRESENCE crosses instances', async () => {
    await guildWith(1, 22);
    const ann = await on(a, 1);
    expect(await ann.ok('GET_PRESENCE', { playerIds: [22] })).toEqual({ players: [{ playerId: 22, online: false, lastSeenMillis: null }] });
    const bob = await on(b, 22);
    expect(await ann.nextNotify('NOTIFY_PRESENCE', (p) => p.playerId === 22)).toEqual({
      playerId: 22,
      online: true,
      lastSeenMillis: expect.any(Number),
    });
    expect(await ann.ok('GET_PRESENCE', { playerIds: [22] })).toEqual({
      players: [{ playerId: 22, online: true, lastSeenMillis: expect.any(Number) }],
    });
    const members = await hive(a).get('/api/v1/games/1/channels/guild/members').expect(200);
    expect(members.body.data.members).toContainEqual({ playerId: 22, connectedTimeMillis: expect.any(Number) });
    await bob.close();
    const offline = await ann.nextNotify('NOTIFY_PRESENCE', (p) => p.playerId === 22 && !p.online);
    expect(await ann.ok('GET_PRESENCE', { playerIds: [22] })).toEqual({
      players: [{ playerId: 22, online: false, lastSeenMillis: offline.lastSeenMillis }],
    });
  });

  it('a second login on A closes the first on B (duplicated), and the player stays online', async () => {
    const first = await on(b, 5);
    const second = await on(a, 5);
    expect(await first.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'duplicated' });
    expect((await first.closed).reason).toBe('duplicated');
    const watcher = await on(b, 6);
    expect(await watcher.ok('GET_PRESENCE', { playerIds: [5] })).toEqual({
      players: [{ playerId: 5, online: true, lastSeenMillis: expect.any(Number) }],
    });
    await second.flush();
  });

  it('DIRECT_CHAT, membership events and game-wide notices cross instances', async () => {
    const ann = await on(a, 1);
    const bob = await on(b, 2);
    const dm = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'hi B' });
    expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ messageId: dm.messageId, from: 1, toPlayerId: 2 });
    await guildWith(1);
    await hive(b).post('/api/v1/games/1/channels/guild/enter').send({ playerId: 2 }).expect(200);
    expect(await ann.nextNotify('NOTIFY_ENTER_CHANNEL', (e) => e.playerId === 2)).toMatchObject({ channelId: 'guild' });
    await hive(b).post('/api/v1/games/1/notices/channel').send({ message: 'maintenance soon' }).expect(200);
    expect(await ann.nextNotify('NOTIFY_CHANNEL_NOTICE')).toMatchObject({ message: 'maintenance soon' });
    expect(await bob.nextNotify('NOTIFY_CHANNEL_NOTICE')).toMatchObject({ message: 'maintenance soon' });
  });

  if (sharedDatabase) {
    it('a membership change made through B updates the delivery cache of A', async () => {
      await guildWith(1, 2);
      const ann = await on(a, 1);
      const bob = await on(b, 2);
      await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'warm the cache' });
      await bob.nextNotify('NOTIFY_CHANNEL_CHAT');
      await bob.ok('EXIT_CHANNEL', { channelId: 'guild' });
      await ann.nextNotify('NOTIFY_EXIT_CHANNEL', (e) => e.playerId === 2);
      await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'after the exit' });
      await ann.ok('BLOCK_MEMBER', { playerId: 2 });
      await bob.flush();
      expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    });
  }

  it('an instance that stops its heartbeat stops counting its players as online (PRESENCE_TTL)', async () => {
    const ann = await on(a, 1);
    await on(b, 2);
    expect((await ann.ok('GET_PRESENCE', { playerIds: [2] })).players[0].online).toBe(true);
    b.app.get<PresenceService, RedisPresenceService>(PresenceService).stopHeartbeat();
    try {
      // No event announces a crash: poll until B's heartbeat key expires (PRESENCE_TTL=2 here, at most 30 in production).
      let online = true;
      while (online) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        online = (await ann.ok('GET_PRESENCE', { playerIds: [2] })).players[0].online;
      }
      expect((await ann.ok('GET_PRESENCE', { playerIds: [2] })).players[0]).toEqual({
        playerId: 2,
        online: false,
        lastSeenMillis: expect.any(Number),
      });
    } finally {
      await b.app.get<PresenceService, RedisPresenceService>(PresenceService).onModuleInit();
    }
  }, 30_000);
});
