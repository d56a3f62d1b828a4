import { Cluster, Redis } from 'ioredis';
import { AppConfig } from '../src/infra/config/app-config.js';
import { detectCluster } from '../src/presence/redis-connection.js';
import { hive } from './support/http.js';
import { scrape } from './support/metrics.js';
import { type TestApp } from './support/test-app.js';
import { clusterRedisUrl, describeWithRedis, sharedDatabase, useTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Targeted fan-out (docs/realtime.md#several-instances-redis): three instances on one Redis (a
 * single one, or a Redis Cluster with sharded pub/sub); a channel's members are on two of them.
 * Its messages reach those two (each follows the channel's topic) and never the third.
 */
const suite = await describeWithRedis('fanout-cluster');
const TOPIC_PUSHES = 'partychat_bus_received_total';

/** How many connections are subscribed to the channel: PUBSUB NUMSUB, or SHARDNUMSUB summed over a cluster's primaries. */
async function subscribers(channel: string): Promise<number> {
  if (!(await detectCluster(clusterRedisUrl))) {
    const redis = new Redis(clusterRedisUrl);
    try {
      const reply = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      return Number(reply[1]);
    } finally {
      redis.disconnect();
    }
  }
  const { hostname, port } = new URL(clusterRedisUrl);
  const cluster = new Cluster([{ host: hostname, port: Number(port) }]);
  try {
    await new Promise((resolve) => cluster.once('ready', resolve));
    let sum = 0;
    for (const node of cluster.nodes('master')) sum += Number(((await node.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
    return sum;
  } finally {
    cluster.disconnect();
  }
}

/** The topic of a channel's stream (docs/operations.md#redis). */
function topicOf(app: TestApp, channelId: string): string {
  return `${app.app.get(AppConfig).settings.redisPrefix}to:{1:${channelId}}`;
}

/** Asks again (bounded) until the answer is `expected`; returns the last answer. */
async function eventually(ask: () => Promise<number>, expected: number): Promise<number> {
  let answer = await ask();
  for (let i = 0; i < 300 && answer !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    answer = await ask();
  }
  return answer;
}

suite(`targeted fan-out: three instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`, () => {
  const apps = useTestApps(3);
  const open: WsClient[] = [];
  const on = async (app: TestApp, playerId: number) => {
    const c = await WsClient.connect(app, playerId);
    open.push(c);
    return c;
  };
  const channelWith = async (channelId: string, ...ids: number[]) => {
    for (const app of apps.databases()) {
      await hive(app)
        .post('/api/v1/games/1/channel')
        .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP' })
        .expect(200);
      for (const playerId of ids) await hive(app).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);
    }
  };
  const topicPushes = async (app: TestApp) => (await scrape(app.url)).value(TOPIC_PUSHES, { channel: 'topic' });

  afterEach(async () => {
    await closeClients(apps.all, open.splice(0));
  });

  it("a channel's messages are pushed to the two instances holding its members, never to the third", async () => {
    const [a, b, c] = apps.all;
    await channelWith('guild', 1, 2);
    await channelWith('lobby', 3);
    const ann = await on(a, 1);
    const bob = await on(b, 2);
    const cid = await on(c, 3);
    const before = await Promise.all([a, b, c].map(topicPushes));

    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: `m${i}` }));
    for (const s of sent) expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: s.messageId, seq: s.seq });
    // C's own channel still reaches it (so it is subscribed to topics, just not to this one).
    const own = await ann.ok('DIRECT_CHAT', { toPlayerId: 3, message: 'hi C' });
    expect(await cid.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ messageId: own.messageId });

    // Pushes per message = the instances with members: A gets its own publications back (it follows the
    // topic for its own member) and drops them, B gets each message once, C gets only the direct message.
    expect(await eventually(() => topicPushes(a), before[0] + 5)).toBe(before[0] + 5);
    expect((await topicPushes(b)) - before[1]).toBe(5);
    expect((await topicPushes(c)) - before[2]).toBe(1);
    await Promise.all([ann.flush(), cid.flush()]);
    expect(cid.received.filter((p) => p.packetType === 'NOTIFY_CHANNEL_CHAT')).toEqual([]);
    expect(await subscribers(topicOf(a, 'guild'))).toBe(2);
  });

  it("a second login's claim goes to the instance holding the older connection only", async () => {
    const [a, b, c] = apps.all;
    const received = async (app: TestApp) => {
      const metrics = await scrape(app.url);
      return { inbox: metrics.value(TOPIC_PUSHES, { channel: 'inbox' }), broadcast: metrics.value(TOPIC_PUSHES, { channel: 'broadcast' }) };
    };
    const first = await on(a, 7);
    const before = await Promise.all([a, b, c].map(received));
    await on(b, 7);
    expect(await first.nextNotify('NOTIFY_DISCONNECT')).toEqual({ reason: 'duplicated' });
    expect((await received(a)).inbox - before[0].inbox).toBe(1);
    // Nothing reached the third instance (a claim to every instance would have been one broadcast).
    expect(await received(c)).toEqual(before[2]);
    expect((await received(b)).inbox).toBe(before[1].inbox);
  });

  it('an instance stops following a channel when its last member there disconnects, and follows it again on ENTER_CHANNEL', async () => {
    const [a, b, c] = apps.all;
    const topic = topicOf(a, 'guild');
    await channelWith('guild', 1, 2);
    const ann = await on(a, 1);
    const bob = await on(b, 2);
    expect(await subscribers(topic)).toBe(2);
    await closeClients(b, [bob]);
    // The UNSUBSCRIBE follows the close without anything to wait for on the client side.
    expect(await eventually(() => subscribers(topic), 1)).toBe(1);

    // A member entering on C: C follows the topic before RESPONSE_ENTER_CHANNEL, so every later message reaches it.
    const cid = await on(c, 3);
    const entered = await cid.ok('ENTER_CHANNEL', { channelId: 'guild' });
    // Own embedded databases: the sender's database learns of the member too (A's cache already did, through the bus).
    if (!sharedDatabase) await hive(a).post('/api/v1/games/1/channels/guild/enter').send({ playerId: 3 }).expect(200);
    expect(await subscribers(topic)).toBe(2);
    const sent = await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'welcome' });
    expect(await cid.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: sent.messageId, seq: entered.position.seq + 1 });
  });
});
