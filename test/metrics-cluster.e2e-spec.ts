import { hive } from './support/http.js';
import { type Scrape, scrape } from './support/metrics.js';
import { type TestApp } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Two app instances in one process on one Redis: each keeps its own metrics registry, and a chat
 * message for a player on the other instance is counted as a message where it was sent and as a
 * delivery (with its delivery time) where it was written to the socket.
 */
const suite = await describeWithRedis('metrics-cluster');

suite(`metrics: two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  let a: TestApp;
  let b: TestApp;
  const apps = useTwoTestApps();
  const open: WsClient[] = [];
  const on = async (app: TestApp, playerId: number) => {
    const c = await WsClient.connect(app, playerId);
    open.push(c);
    return c;
  };
  const grew = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels) - before.value(name, labels);

  beforeAll(() => {
    a = apps.a;
    b = apps.b;
  });
  afterEach(async () => {
    await closeClients([a, b], open.splice(0));
  });

  it('each instance counts its own traffic; a message reaching the other instance is delivered and timed there', async () => {
    for (const app of apps.databases()) {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'guild', channelName: 'Guild', maxMemberCount: 10, type: 'GROUP' })
        .expect(200);
      for (const playerId of [1, 2]) await hive(app).post('/api/v1/games/1/channels/guild/enter').send({ playerId }).expect(200);
    }
    const ann = await on(a, 1);
    const bob = await on(b, 2);
    const [beforeA, beforeB] = [await scrape(a.url), await scrape(b.url)];
    expect([beforeA.value('partychat_ws_connections'), beforeB.value('partychat_ws_connections')]).toEqual([1, 1]);

    await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'across' });
    await bob.nextNotify('NOTIFY_CHANNEL_CHAT');
    await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'direct across' });
    await bob.nextNotify('NOTIFY_DIRECT_CHAT');

    const [afterA, afterB] = [await scrape(a.url), await scrape(b.url)];
    expect(grew(beforeA, afterA, 'partychat_messages_total', { kind: 'channel' })).toBe(1);
    expect(grew(beforeA, afterA, 'partychat_messages_total', { kind: 'direct' })).toBe(1);
    expect(grew(beforeB, afterB, 'partychat_messages_total')).toBe(0);
    expect(grew(beforeA, afterA, 'partychat_deliveries_total')).toBe(0);
    expect(grew(beforeA, afterA, 'partychat_delivery_seconds_count')).toBe(0);
    expect(grew(beforeB, afterB, 'partychat_deliveries_total')).toBe(2);
    expect(grew(beforeB, afterB, 'partychat_delivery_seconds_count')).toBe(2);
    expect(afterA.value('partychat_redis_up')).toBe(1);
  });
});
