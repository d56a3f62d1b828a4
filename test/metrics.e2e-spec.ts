import request from 'supertest';
import { PurgeService } from '../src/channel/purge.service.js';
import { hive } from './support/http.js';
import { type Scrape, scrape } from './support/metrics.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient } from './support/ws-client.js';

const TOKEN = 'metrics-token-0123456789';
const base = '/api/v1/games/1';
const CHANNEL_ROUTE = '/api/v1/games/:gameIndex/channels/:channelId';

/**
 * GET /metrics (docs/operations.md#metrics) before and after traffic: every metric of the table
 * moves with what it counts, labels name route patterns and known packet types only, and the
 * METRICS_TOKEN is asked for. Rate limits are on here (the test apps run without them otherwise).
 */
describe('metrics', () => {
  const { t, connect, redisEnv, closeAll } = useRealtimeTestApp({
    env: { METRICS_TOKEN: TOKEN, RATE_LIMITS: 'on', RATE_LOGIN: '0.01/2' },
  });
  const metrics = () => scrape(t.url, TOKEN);
  /** How much `name{labels}` grew between two scrapes. */
  const grew = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
    after.value(name, labels) - before.value(name, labels);
  const channelWith = async (channelId: string, members: number[], extra: Record<string, unknown> = {}) => {
    await hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
      .expect(200);
    for (const playerId of members) await hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200);
  };

  it('asks for METRICS_TOKEN when it is set: 401 without it or with another, 200 with it', async () => {
    expect((await request(t.url).get('/metrics').expect(401)).body).toEqual({
      statusCode: 401,
      error: 'INVALID_TOKEN',
      message: 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>"',
    });
    await request(t.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
    await request(t.url).get('/metrics').set('Authorization', 'Bearer short').expect(401);
    await request(t.url).get('/metrics').set('Authorization', TOKEN).expect(401);
    await metrics();
  });

  it("lists Node's process metrics, the database pool by state, and partychat_redis_up only with Redis", async () => {
    const m = await metrics();
    expect(m.matching('process_cpu_user_seconds_total')).toHaveLength(1);
    expect(m.matching('nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(m.labelValues('partychat_db_pool_connections', 'state').sort()).toEqual(['busy', 'idle', 'waiting']);
    expect(
      m.value('partychat_db_pool_connections', { state: 'idle' }) + m.value('partychat_db_pool_connections', { state: 'busy' }),
    ).toBeGreaterThan(0);
    if (redisEnv.REDIS_URL) expect(m.matching('partychat_redis_up')).toEqual([{ name: 'partychat_redis_up', labels: {}, value: 1 }]);
    else expect(m.matching('partychat_redis_up')).toEqual([]);
    expect(m.text).toContain('# TYPE partychat_delivery_seconds histogram');
    expect(m.text).toContain('# TYPE partychat_ws_connections gauge');
  });

  it('counts HTTP requests and their duration by route pattern, never by raw path', async () => {
    await channelWith('room-4242', []);
    const before = await metrics();
    await hive(t).get(`${base}/channels/room-4242`).expect(200);
    await request(t.url).get('/no/such/path-777').expect(404);
    const after = await metrics();
    expect(grew(before, after, 'partychat_http_requests_total', { method: 'GET', route: CHANNEL_ROUTE, status: '200' })).toBe(1);
    expect(grew(before, after, 'partychat_http_request_duration_seconds_count', { method: 'GET', route: CHANNEL_ROUTE })).toBe(1);
    expect(grew(before, after, 'partychat_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(after.text).not.toContain('room-4242');
    expect(after.text).not.toContain('path-777');
    for (const route of after.labelValues('partychat_http_requests_total', 'route')) expect(route).toMatch(/^(unmatched|\/[\w/:.-]*)$/);
    // The scrape before counted itself once it was answered.
    expect(after.value('partychat_http_requests_total', { route: '/metrics', status: '200' })).toBeGreaterThan(0);
  });

  it('counts connections, connects, packets, messages, deliveries and their delivery time', async () => {
    await channelWith('g', [1, 2, 3]);
    const before = await metrics();
    const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
    const connected = await metrics();
    expect(grew(before, connected, 'partychat_ws_connections')).toBe(3);
    expect(grew(before, connected, 'partychat_ws_connects_total', { result: 'ok' })).toBe(3);

    await ann.ok('CHANNEL_CHAT', { channelId: 'g', message: 'hello all' });
    await bob.nextNotify('NOTIFY_CHANNEL_CHAT');
    await cid.nextNotify('NOTIFY_CHANNEL_CHAT');
    await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'psst' });
    await bob.nextNotify('NOTIFY_DIRECT_CHAT');
    expect((await ann.request('NO_SUCH_PACKET', {})).status).toBe(400);
    const stranger = await WsClient.open(t);
    expect((await stranger.request('CONNECT', { token: 'not-a-token' })).status).toBe(401);
    await stranger.closed;

    const after = await metrics();
    expect(grew(before, after, 'partychat_messages_total', { kind: 'channel' })).toBe(1);
    expect(grew(before, after, 'partychat_messages_total', { kind: 'direct' })).toBe(1);
    expect(grew(before, after, 'partychat_deliveries_total')).toBe(3);
    // One observation per message (its last local write), not one per recipient.
    expect(grew(before, after, 'partychat_delivery_seconds_count')).toBe(2);
    expect(grew(before, after, 'partychat_delivery_seconds_sum')).toBeGreaterThan(0);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'CONNECT', status: '200' })).toBe(3);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'CONNECT', status: '401' })).toBe(1);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'CHANNEL_CHAT', status: '200' })).toBe(1);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'DIRECT_CHAT', status: '200' })).toBe(1);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'unknown', status: '400' })).toBe(1);
    expect(grew(before, after, 'partychat_ws_connects_total', { result: 'refused' })).toBe(1);
    expect(after.labelValues('partychat_ws_packets_total', 'type')).not.toContain('NO_SUCH_PACKET');

    await closeAll();
    expect(grew(before, await metrics(), 'partychat_ws_connections')).toBe(0);
  });

  it('counts refusals by limit: a rate limit (logins) and slow mode', async () => {
    await channelWith('slow', [1, 2], { slowModeSeconds: 60 });
    const ann = await connect(1);
    const before = await metrics();
    const guest = (device: string) => request(t.url).post('/api/auth/guest').send({ device_id: device });
    await guest('device-1').expect(200);
    await guest('device-2').expect(200);
    await guest('device-3').expect(429);
    await ann.ok('CHANNEL_CHAT', { channelId: 'slow', message: 'first' });
    expect((await ann.request('CHANNEL_CHAT', { channelId: 'slow', message: 'too soon' })).status).toBe(429);
    const after = await metrics();
    expect(grew(before, after, 'partychat_rate_limited_total', { limit: 'login' })).toBe(1);
    expect(grew(before, after, 'partychat_rate_limited_total', { limit: 'slow_mode' })).toBe(1);
    expect(grew(before, after, 'partychat_rate_limited_total', { limit: 'chat' })).toBe(0);
    expect(grew(before, after, 'partychat_ws_packets_total', { type: 'CHANNEL_CHAT', status: '429' })).toBe(1);
    expect(grew(before, after, 'partychat_http_requests_total', { route: '/api/auth/guest', status: '429' })).toBe(1);
    // /metrics itself is never limited.
    for (let i = 0; i < 5; i++) await metrics();
  });

  it('counts rows the purge deletes and moderation actions recorded in the audit log', async () => {
    await t.dataSource.query(
      `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, member_count, chat_history_allowed)
       VALUES (1, 'abandoned', 'GROUP', 7, 'a', 10, 0, true), (1, 'kept', 'GROUP', NULL, 'k', 10, 0, true)`,
    );
    await t.dataSource.query(
      `INSERT INTO chat_messages (game_index, id, channel_id, sender, message, created_at)
       SELECT 1, i, 'kept', 1, 'old', now() - interval '31 days' FROM generate_series(1, 3) AS i`,
    );
    const before = await metrics();
    expect(await t.app.get(PurgeService).runOnce()).toEqual({ skipped: false, channels: 1, messages: 3 });
    await hive(t)
      .put(`${base}/filter`)
      .send({ words: ['noob'] })
      .expect(200);
    const after = await metrics();
    expect(grew(before, after, 'partychat_purge_deleted_total', { what: 'channels' })).toBe(1);
    expect(grew(before, after, 'partychat_purge_deleted_total', { what: 'messages' })).toBe(3);
    expect(grew(before, after, 'partychat_moderation_actions_total', { action: 'filter_update' })).toBe(1);
  });
});
