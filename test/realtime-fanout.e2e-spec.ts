import { ChannelService } from '../src/channel/channel.service.js';
import { TokenService } from '../src/player/token.service.js';
import { type TestApp, startTestApp, truncateAll } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

const MEMBERS = 500;
const SENDERS = [1, 137, 250, 499, 500];
const MESSAGES_PER_SENDER = 2;

describe('realtime: a 500-member GROUP channel', () => {
  let t: TestApp;
  let clients: WsClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    // A shared PostgreSQL may hold players of earlier files (some banned): start from empty tables.
    await truncateAll(t.dataSource);
    const channels = t.app.get(ChannelService);
    const tokens = t.app.get(TokenService);
    await channels.create(1, { channelId: 'raid', channelName: 'Raid', maxMemberCount: MEMBERS, type: 'GROUP', chatHistoryAllowed: true });
    const ids = Array.from({ length: MEMBERS }, (_, i) => i + 1);
    for (const id of ids) await channels.enter(1, 'raid', id);
    // Tokens signed directly: 500 HTTP round trips would only slow the test down.
    clients = [];
    for (let i = 0; i < ids.length; i += 50) {
      const batch = ids.slice(i, i + 50);
      clients.push(
        ...(await Promise.all(batch.map((id) => WsClient.connect(t, id, { token: tokens.issue({ gameIndex: 1, playerId: id }).token })))),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t.close();
  }, 60_000);

  it('delivers every message exactly once to each of the 499 other members', async () => {
    const sent = await Promise.all(
      SENDERS.flatMap((from) =>
        Array.from({ length: MESSAGES_PER_SENDER }, (_, n) =>
          clients[from - 1]
            .ok('CHANNEL_CHAT', { channelId: 'raid', message: `${from}#${n}` })
            .then((r) => ({ from, messageId: r.messageId as string })),
        ),
      ),
    );
    expect(new Set(sent.map((s) => s.messageId)).size).toBe(SENDERS.length * MESSAGES_PER_SENDER);

    await Promise.all(
      clients.map(async (client) => {
        const expected = sent.filter((s) => s.from !== client.playerId).map((s) => s.messageId);
        for (const id of expected) await client.nextNotify('NOTIFY_CHANNEL_CHAT', (b) => b.messageId === id, 30_000);
        await client.flush();
        // Nothing left over: no duplicate and no echo of the client's own messages.
        expect(client.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
        const all = client.received.filter((p) => p.packetType === 'NOTIFY_CHANNEL_CHAT').map((p) => p.body.messageId);
        expect(all.sort()).toEqual([...expected].sort());
      }),
    );
    const stored = await t.dataSource.query(`SELECT count(*)::int AS n FROM chat_messages WHERE channel_id = 'raid'`);
    expect(stored[0].n).toBe(SENDERS.length * MESSAGES_PER_SENDER);
  }, 120_000);
});
