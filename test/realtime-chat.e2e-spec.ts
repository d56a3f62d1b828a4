import { jest } from '@jest/globals';
import { ChatHistoryService } from '../src/channel/chat-history.service.js';
import { DomainEvents } from '../src/common/events/domain-events.js';
import { decodeMessageId } from '../src/realtime/chat/message-id.js';
import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient, connectAll } from './support/ws-client.js';

describe('realtime: chat, channels, blocks, notices', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, connect, track } = useRealtimeTestApp();
  const createChannel = (channelId: string, type: 'PUBLIC' | 'GROUP' | 'PRIVATE', extra: Record<string, unknown> = {}) =>
    hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type, ...extra })
      .expect(200);
  const enterHttp = (channelId: string, playerId: number) =>
    hive(t).post(`/api/v1/games/1/channels/${channelId}/enter`).send({ playerId }).expect(200);

  describe('CHANNEL_CHAT', () => {
    it('reaches the other members, not the sender, with reply and mentions', async () => {
      await createChannel('g1', 'GROUP');
      for (const id of [1, 2, 3]) await enterHttp('g1', id);
      const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      const res = await ann.request('CHANNEL_CHAT', {
        channelId: 'g1',
        message: 'hello',
        extraData: '{"k":1}',
        replyMessageId: '123',
        mentionedPlayerIds: [2],
      });
      expect(res).toEqual({
        packetType: 'RESPONSE_CHANNEL_CHAT',
        correlationId: expect.any(String),
        status: 200,
        message: 'OK',
        body: { messageId: expect.stringMatching(/^\d+$/), timestampMillis: expect.any(Number), message: 'hello', seq: 1 },
      });
      const expected = {
        seq: 1,
        channelId: 'g1',
        messageId: res.body.messageId,
        from: 1,
        message: 'hello',
        extraData: '{"k":1}',
        replyMessageId: '123',
        mentionedPlayerIds: [2],
        timestamp: new Date(res.body.timestampMillis).toISOString(),
        timestampMillis: res.body.timestampMillis,
        editedAtMillis: null,
      };
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toEqual(expected);
      expect(await cid.nextNotify('NOTIFY_CHANNEL_CHAT')).toEqual(expected);
      await ann.flush();
      expect(ann.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    });

    it('refuses non-members (301), missing channels (201), 201 characters (204) and 257 bytes of extraData (100)', async () => {
      await createChannel('g1', 'GROUP');
      await enterHttp('g1', 1);
      const ann = await connect(1);
      const outsider = await connect(9);
      expect(await outsider.request('CHANNEL_CHAT', { channelId: 'g1', message: 'hi' })).toMatchObject({
        status: 400,
        message: 'player 9 is not in channel "g1"; only members may send to it',
        body: { code: 301 },
      });
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'nope', message: 'hi' })).toMatchObject({ status: 400, body: { code: 201 } });
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: 'é'.repeat(201) })).toMatchObject({
        status: 400,
        message: 'message must be at most 200 characters',
        body: { code: 204 },
      });
      expect((await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: '😀'.repeat(200) })).status).toBe(200);
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: 'x', extraData: 'é'.repeat(128) + 'x' })).toMatchObject({
        status: 400,
        message: 'extraData must be a string of at most 256 UTF-8 bytes',
        body: { code: 100 },
      });
      expect((await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: 'x', extraData: 'é'.repeat(128) })).status).toBe(200);
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: 'x', mentionedPlayerIds: ['a'] })).toMatchObject({
        status: 400,
        message: 'mentionedPlayerIds must contain integers',
      });
    });

    it('stores messages of a chatHistoryAllowed channel before acknowledging them, and no others', async () => {
      await createChannel('kept', 'GROUP', { chatHistoryAllowed: true });
      await createChannel('lost', 'GROUP');
      for (const c of ['kept', 'lost']) await enterHttp(c, 1);
      const ann = await connect(1);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await ann.ok('CHANNEL_CHAT', { channelId: 'kept', message: `m${i}` })).messageId);
      await ann.ok('CHANNEL_CHAT', { channelId: 'lost', message: 'gone' });
      // Acknowledged = stored: read straight after the last response.
      const page = await hive(t).get('/api/v2/games/1/channels/kept/messages?prevSize=50').expect(200);
      expect(page.body.data.content.map((m: { messageId: string }) => m.messageId)).toEqual(ids);
      expect(page.body.data.content[0]).toMatchObject({
        channelId: 'kept',
        from: 1,
        message: 'm0',
        extraData: null,
        mentionedPlayerIds: [],
      });
      const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM chat_messages WHERE channel_id = 'lost'`);
      expect(rows[0].n).toBe(0);
    });

    it('group-commits the messages of many senders and keeps ids unique and time-ordered', async () => {
      await createChannel('busy', 'GROUP', { chatHistoryAllowed: true });
      const players = Array.from({ length: 20 }, (_, i) => i + 1);
      for (const id of players) await enterHttp('busy', id);
      const clients = await connectAll(t, players);
      clients.forEach(track);
      // Every statement the group commit writes goes through ChatHistoryService.append.
      const append = jest.spyOn(t.app.get(ChatHistoryService, { strict: false }), 'append');
      let replies;
      let rowsPerStatement: number[];
      try {
        replies = await Promise.all(
          clients.flatMap((c) => [0, 1, 2].map((i) => c.ok('CHANNEL_CHAT', { channelId: 'busy', message: `${c.playerId}-${i}` }))),
        );
      } finally {
        rowsPerStatement = append.mock.calls.map(([rows]) => rows.length);
        append.mockRestore();
      }
      const ids = replies.map((r) => r.messageId as string);
      expect(new Set(ids).size).toBe(60);
      for (const r of replies) expect(Math.abs(decodeMessageId(r.messageId).millis - r.timestampMillis)).toBe(0);
      expect(rowsPerStatement.reduce((a, b) => a + b, 0)).toBe(60);
      expect(rowsPerStatement.length).toBeLessThanOrEqual(60);
      const page = await hive(t).get('/api/v2/games/1/channels/busy/messages?prevSize=50').expect(200);
      const stored = page.body.data.content.map((m: { messageId: string }) => BigInt(m.messageId));
      expect(stored).toEqual([...stored].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(page.body.data.hasPrev).toBe(true);
    });
  });

  describe('blocks', () => {
    it('BLOCK_MEMBER / GET_BLOCK_MEMBERS / UNBLOCK_MEMBER, with codes 303 and 305', async () => {
      const ann = await connect(1);
      expect(await ann.ok('BLOCK_MEMBER', { playerId: 2 })).toEqual({ playerId: 2 });
      expect(await ann.request('BLOCK_MEMBER', { playerId: 2 })).toMatchObject({ status: 400, body: { code: 303 } });
      const list = await ann.ok('GET_BLOCK_MEMBERS');
      expect(list).toEqual({ blocks: [{ playerId: 2, blockedTime: expect.any(String), blockedTimeMillis: expect.any(Number) }] });
      expect(await ann.ok('UNBLOCK_MEMBER', { playerId: 2 })).toEqual({ playerId: 2 });
      expect(await ann.request('UNBLOCK_MEMBER', { playerId: 2 })).toMatchObject({ status: 400, body: { code: 305 } });
      expect(await ann.request('BLOCK_MEMBER', { playerId: 'x' })).toMatchObject({
        status: 400,
        message: 'playerId must be an integer',
        body: { code: 100 },
      });
    });

    it('channel delivery skips blocks in both directions, and unblocking restores it', async () => {
      await createChannel('g1', 'GROUP');
      for (const id of [1, 2, 3]) await enterHttp('g1', id);
      const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      // Warm the caches first so the test also proves that a block invalidates them.
      await ann.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'warm' });
      await bob.nextNotify('NOTIFY_CHANNEL_CHAT');
      await cid.nextNotify('NOTIFY_CHANNEL_CHAT');
      await ann.ok('BLOCK_MEMBER', { playerId: 2 });
      await ann.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'from ann' });
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'from bob' });
      expect((await cid.nextNotify('NOTIFY_CHANNEL_CHAT')).message).toBe('from ann');
      expect((await cid.nextNotify('NOTIFY_CHANNEL_CHAT')).message).toBe('from bob');
      await Promise.all([ann.flush(), bob.flush()]);
      expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
      expect(ann.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
      // The HTTP door invalidates the same cache.
      await hive(t).delete('/api/v1/games/1/users/1/blocks/2').expect(200);
      await ann.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'again' });
      expect((await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).message).toBe('again');
    });
  });

  describe('DIRECT_CHAT', () => {
    it('delivers to a connected player; 300 offline, 306 across a block, 204 too long', async () => {
      const ann = await connect(1);
      const bob = await connect(2);
      const res = await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'psst', extraData: 'x' });
      expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toEqual({
        seq: 1,
        messageId: res.messageId,
        from: 1,
        toPlayerId: 2,
        message: 'psst',
        extraData: 'x',
        timestamp: new Date(res.timestampMillis).toISOString(),
        timestampMillis: res.timestampMillis,
      });
      expect(await ann.request('DIRECT_CHAT', { toPlayerId: 3, message: 'hi' })).toMatchObject({
        status: 400,
        message: 'player 3 is not connected',
        body: { code: 300 },
      });
      expect(await ann.request('DIRECT_CHAT', { toPlayerId: 2, message: 'x'.repeat(201) })).toMatchObject({
        status: 400,
        body: { code: 204 },
      });
      await bob.ok('BLOCK_MEMBER', { playerId: 1 });
      expect(await ann.request('DIRECT_CHAT', { toPlayerId: 2, message: 'hi' })).toMatchObject({ status: 400, body: { code: 306 } });
      expect(await bob.request('DIRECT_CHAT', { toPlayerId: 1, message: 'hi' })).toMatchObject({ status: 400, body: { code: 306 } });
    });
  });

  describe('ENTER_CHANNEL / EXIT_CHANNEL and their notifications', () => {
    it('one service, two doors: the same rules and codes, NOTIFY_ENTER/EXIT to the members whichever door', async () => {
      await createChannel('g1', 'GROUP', { maxMemberCount: 2 });
      await createChannel('secret', 'PRIVATE', { password: 'pw' });
      const [ann, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      expect(await ann.ok('ENTER_CHANNEL', { channelId: 'g1' })).toEqual({
        channelId: 'g1',
        position: { channelId: 'g1', epoch: expect.any(String), seq: expect.any(Number) },
      });
      expect(await ann.nextNotify('NOTIFY_ENTER_CHANNEL')).toEqual({
        channelId: 'g1',
        playerId: 1,
        timestamp: expect.any(String),
        timestampMillis: expect.any(Number),
      });
      expect(await ann.request('ENTER_CHANNEL', { channelId: 'g1' })).toMatchObject({ status: 400, body: { code: 302 } });
      await enterHttp('g1', 2); // the HTTP door
      expect(await ann.nextNotify('NOTIFY_ENTER_CHANNEL')).toMatchObject({ channelId: 'g1', playerId: 2 });
      expect(await cid.request('ENTER_CHANNEL', { channelId: 'g1' })).toMatchObject({ status: 400, body: { code: 202 } });
      expect(await cid.request('ENTER_CHANNEL', { channelId: 'nope' })).toMatchObject({ status: 400, body: { code: 201 } });
      expect(await cid.request('ENTER_CHANNEL', { channelId: 'secret', password: 'bad' })).toMatchObject({
        status: 400,
        body: { code: 203 },
      });
      await cid.ok('ENTER_CHANNEL', { channelId: 'secret', password: 'pw' });
      expect(await bob.ok('EXIT_CHANNEL', { channelId: 'g1' })).toEqual({ channelId: 'g1' });
      expect(await ann.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual({
        channelId: 'g1',
        playerId: 2,
        reason: 'left',
        timestamp: expect.any(String),
        timestampMillis: expect.any(Number),
      });
      expect(await bob.request('EXIT_CHANNEL', { channelId: 'g1' })).toMatchObject({ status: 400, body: { code: 301 } });
      // A member that left no longer receives the channel's messages (cache updated by the event).
      await ann.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'after' });
      await bob.flush();
      expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    });

    it('the 10-channel limit holds on the WebSocket door too (307)', async () => {
      const ann = await connect(1);
      for (let i = 0; i < 11; i++) await createChannel(`c${i}`, 'GROUP');
      for (let i = 0; i < 10; i++) await ann.ok('ENTER_CHANNEL', { channelId: `c${i}` });
      expect(await ann.request('ENTER_CHANNEL', { channelId: 'c10' })).toMatchObject({ status: 400, body: { code: 307 } });
    });

    it('NOTIFY_DELETE_CHANNEL to the members when the channel is deleted', async () => {
      await createChannel('g1', 'GROUP');
      await enterHttp('g1', 1);
      const ann = await connect(1);
      await hive(t).delete('/api/v1/games/1/channels/g1').expect(200);
      expect(await ann.nextNotify('NOTIFY_DELETE_CHANNEL')).toEqual({ channelId: 'g1' });
      expect(await ann.request('CHANNEL_CHAT', { channelId: 'g1', message: 'x' })).toMatchObject({ body: { code: 201 } });
    });

    it('only connected players enter a PUBLIC channel; closing the connection leaves it (NOTIFY_EXIT_CHANNEL to the rest)', async () => {
      await createChannel('lobby', 'PUBLIC');
      await createChannel('guild', 'GROUP');
      await hive(t).post('/api/v1/games/1/channels/lobby/enter').send({ playerId: 2 }).expect(400);
      const ann = await connect(1);
      const bob = await connect(2);
      await ann.ok('ENTER_CHANNEL', { channelId: 'lobby' });
      await bob.ok('ENTER_CHANNEL', { channelId: 'lobby' });
      await bob.ok('ENTER_CHANNEL', { channelId: 'guild' });
      await ann.nextNotify('NOTIFY_ENTER_CHANNEL', (b) => b.playerId === 2);
      await bob.close();
      expect(await ann.nextNotify('NOTIFY_EXIT_CHANNEL')).toMatchObject({ channelId: 'lobby', playerId: 2, reason: 'disconnected' });
      const channels = await hive(t).get('/api/v1/games/1/users/2/channels').expect(200);
      expect(channels.body.data.channels.map((c: { channelId: string }) => c.channelId)).toEqual(['guild']);
    });
  });

  describe('RECONNECT and CHANNEL_HISTORY', () => {
    it('re-enters the PUBLIC channels of the dropped connection, reports the ones that failed, and serves the missed history', async () => {
      await createChannel('lobby', 'PUBLIC', { chatHistoryAllowed: true });
      await createChannel('gone', 'PUBLIC');
      await createChannel('guild', 'GROUP', { chatHistoryAllowed: true });
      const ann = await connect(1);
      const bob = await connect(2);
      for (const c of ['lobby', 'gone', 'guild']) await bob.ok('ENTER_CHANNEL', { channelId: c });
      await ann.ok('ENTER_CHANNEL', { channelId: 'lobby' });
      await ann.ok('ENTER_CHANNEL', { channelId: 'guild' });
      const seen = await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'before' });
      await bob.terminate();
      await ann.nextNotify('NOTIFY_EXIT_CHANNEL', (b) => b.playerId === 2 && b.channelId === 'lobby');
      await hive(t).delete('/api/v1/games/1/channels/gone').expect(200);
      const missed = await ann.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'while away' });
      const back = await WsClient.reconnect(t, 2);
      track(back);
      expect(back.connectBody).toEqual({
        playerId: 2,
        gameIndex: 1,
        channelIds: expect.arrayContaining(['guild', 'lobby']),
        failChannelIds: ['gone'],
        positions: expect.arrayContaining([{ channelId: 'guild', epoch: expect.any(String), seq: 2 }]),
        recovered: [],
        gaps: [],
      });
      expect(back.connectBody.channelIds).toHaveLength(2);
      expect(await ann.nextNotify('NOTIFY_ENTER_CHANNEL', (b) => b.playerId === 2)).toMatchObject({ channelId: 'lobby' });
      const history = await back.ok('CHANNEL_HISTORY', { channelId: 'guild', messageId: seen.messageId, nextSize: 10 });
      expect(history).toEqual({
        content: [expect.objectContaining({ messageId: missed.messageId, message: 'while away', from: 1 })],
        hasPrev: expect.any(Boolean),
        hasNext: false,
      });
      expect(await back.request('CHANNEL_HISTORY', { channelId: 'lobby', prevSize: 100 })).toMatchObject({
        status: 400,
        message: 'prevSize must be between 0 and 50',
      });
    });

    it('RECONNECT with nothing remembered is a CONNECT with failChannelIds []', async () => {
      const c = await WsClient.reconnect(t, 4);
      track(c);
      expect(c.connectBody).toEqual({
        playerId: 4,
        gameIndex: 1,
        channelIds: [],
        failChannelIds: [],
        positions: [{ channelId: '@direct', epoch: expect.any(String), seq: 0 }],
        recovered: [],
        gaps: [],
      });
    });

    it('CHANNEL_HISTORY: members only (301), and 403/102 when the channel keeps no history', async () => {
      await createChannel('g1', 'GROUP');
      await enterHttp('g1', 1);
      const ann = await connect(1);
      const bob = await connect(2);
      expect(await bob.request('CHANNEL_HISTORY', { channelId: 'g1' })).toMatchObject({ status: 400, body: { code: 301 } });
      expect(await ann.request('CHANNEL_HISTORY', { channelId: 'g1' })).toMatchObject({ status: 403, body: { code: 102 } });
    });
  });

  describe('notices and custom messages', () => {
    it('channel notice to connected members, filtered by langCode; game-wide notice; user notice', async () => {
      await createChannel('g1', 'GROUP');
      for (const id of [1, 2]) await enterHttp('g1', id);
      const en = await connect(1, { languageCode: 'en' });
      const ko = await connect(2, { languageCode: 'ko' });
      const outsider = await connect(3, { languageCode: 'en' });
      await hive(t).post('/api/v1/games/1/notices/channel').send({ channelId: 'g1', message: 'for all members' }).expect(200);
      expect(await en.nextNotify('NOTIFY_CHANNEL_NOTICE')).toEqual({
        channelId: 'g1',
        message: 'for all members',
        timestamp: expect.any(String),
        timestampMillis: expect.any(Number),
      });
      expect((await ko.nextNotify('NOTIFY_CHANNEL_NOTICE')).message).toBe('for all members');
      await hive(t).post('/api/v1/games/1/notices/channel').send({ channelId: 'g1', langCode: 'ko', message: 'ko members' }).expect(200);
      expect((await ko.nextNotify('NOTIFY_CHANNEL_NOTICE')).message).toBe('ko members');
      await hive(t).post('/api/v1/games/1/notices/channel').send({ langCode: 'en', message: 'every en player' }).expect(200);
      expect(await outsider.nextNotify('NOTIFY_CHANNEL_NOTICE')).toEqual({
        message: 'every en player',
        timestamp: expect.any(String),
        timestampMillis: expect.any(Number),
      });
      expect((await en.nextNotify('NOTIFY_CHANNEL_NOTICE')).message).toBe('every en player');
      await hive(t).post('/api/v1/games/1/notices/user').send({ playerId: 2, message: 'just you' }).expect(200);
      expect(await ko.nextNotify('NOTIFY_NOTICE')).toEqual({ message: 'just you' });
      await Promise.all([en.flush(), ko.flush(), outsider.flush()]);
      expect(en.pending('NOTIFY_CHANNEL_NOTICE')).toEqual([]);
      expect(ko.pending('NOTIFY_CHANNEL_NOTICE')).toEqual([]);
      expect(outsider.pending('NOTIFY_CHANNEL_NOTICE')).toEqual([]);
      expect(en.pending('NOTIFY_NOTICE')).toEqual([]);
    });

    it('custom messages to a channel and to a user', async () => {
      await createChannel('g1', 'GROUP');
      await enterHttp('g1', 1);
      const ann = await connect(1);
      await hive(t).post('/api/v1/games/1/custom/channel').send({ channelId: 'g1', data: '{"boss":"up"}' }).expect(200);
      expect(await ann.nextNotify('NOTIFY_CUSTOM')).toEqual({ channelId: 'g1', data: '{"boss":"up"}' });
      await hive(t).post('/api/v1/games/1/custom/user').send({ playerId: 1, data: 'direct' }).expect(200);
      expect(await ann.nextNotify('NOTIFY_CUSTOM')).toEqual({ data: 'direct' });
    });
  });

  it('party events reach each connected recipient as {packetType, body}', async () => {
    const ann = await connect(1);
    const bob = await connect(2);
    t.app.get(DomainEvents).publish('party.event', {
      gameIndex: 1,
      type: 'NOTIFY_PARTY_MEMBER_JOINED',
      recipientIds: [1, 3],
      body: { partyId: 7, playerId: 3 },
    });
    expect(await ann.nextNotify('NOTIFY_PARTY_MEMBER_JOINED')).toEqual({ partyId: 7, playerId: 3 });
    await bob.flush();
    expect(bob.pending('NOTIFY_PARTY_MEMBER_JOINED')).toEqual([]);
  });
});
