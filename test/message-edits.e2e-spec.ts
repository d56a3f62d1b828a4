import request from 'supertest';
import { PacketRouter } from '../src/realtime/protocol/packet-router.js';
import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY_2 } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/**
 * Editing and deleting stored messages (docs/moderation.md#editing-and-deleting-messages):
 * EDIT_MESSAGE, DELETE_MESSAGE and the server API's DELETE, their refusals, the pushes to the
 * members, history, and the audit entries of moderation deletes.
 */
describe('message edit and delete', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, connect } = useRealtimeTestApp();
  const base = '/api/v1/games/1';
  const v2 = '/api/v2/games/1/channels';
  /** Channel `g` (history on) owned by player 1, with players 2 and 3; `h` (history on) and `off` (history off) with 1 and 2. */
  const setUp = async () => {
    const create = (channelId: string, chatHistoryAllowed: boolean) =>
      hive(t)
        .post(`${base}/channel`)
        .send({ channelId, playerId: 1, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed })
        .expect(200);
    await create('g', true);
    await create('h', true);
    await create('off', false);
    for (const [channelId, playerId] of [
      ['g', 2],
      ['g', 3],
      ['h', 2],
      ['off', 2],
    ] as const) {
      await hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200);
    }
    const [owner, sender, other] = [await connect(1), await connect(2), await connect(3)];
    return { owner, sender, other };
  };
  const send = async (client: WsClient, message: string, channelId = 'g'): Promise<string> =>
    (await client.ok('CHANNEL_CHAT', { channelId, message })).messageId;
  const history = async (channelId = 'g') => (await hive(t).get(`${v2}/${channelId}/messages?prevSize=50`).expect(200)).body.data.content;
  const audit = async () => (await hive(t).get(`${base}/audit?action=message_delete`).expect(200)).body.data.content;
  /** Waits for the pushes the client has been sent so far, then takes every one of this type. */
  const drained = async (client: WsClient, packetType: string) => {
    await client.flush();
    return client.pending(packetType).splice(0);
  };
  const failure = (status: number, code: number, message: string) => ({ status, message, body: { code } });

  it('registers the packets (EDIT_MESSAGE is the type the chat rate limit counts)', () => {
    expect(t.app.get(PacketRouter, { strict: false }).packetTypes).toEqual(
      expect.arrayContaining(['EDIT_MESSAGE', 'DELETE_MESSAGE', 'REPORT']),
    );
  });

  describe('EDIT_MESSAGE', () => {
    it('lets the sender edit at once after sending: members get NOTIFY_MESSAGE_EDITED, history carries the new text and editedAtMillis', async () => {
      const { owner, sender, other } = await setUp();
      const first = await send(sender, 'see you at 9');
      const second = await send(sender, 'bring potions');
      // The live message carries editedAtMillis: null, the same body as a history item.
      expect(await other.nextNotify('NOTIFY_CHANNEL_CHAT', (b) => b.messageId === first)).toMatchObject({
        message: 'see you at 9',
        editedAtMillis: null,
      });
      const before = Date.now();
      const res = await sender.request('EDIT_MESSAGE', { channelId: 'g', messageId: first, message: 'see you at 10' });
      expect(res).toEqual({
        packetType: 'RESPONSE_EDIT_MESSAGE',
        correlationId: expect.any(String),
        status: 200,
        message: 'OK',
        body: { messageId: first, message: 'see you at 10', editedAtMillis: expect.any(Number) },
      });
      const { editedAtMillis } = res.body;
      expect(editedAtMillis).toBeGreaterThanOrEqual(before);
      const push = { channelId: 'g', messageId: first, message: 'see you at 10', editedAtMillis };
      expect(await owner.nextNotify('NOTIFY_MESSAGE_EDITED')).toEqual(push);
      expect(await other.nextNotify('NOTIFY_MESSAGE_EDITED')).toEqual(push);
      expect(await drained(sender, 'NOTIFY_MESSAGE_EDITED')).toEqual([]);

      const items = await history();
      expect(items.map((m: { messageId: string }) => m.messageId)).toEqual([first, second]);
      expect(items[0]).toMatchObject({ messageId: first, from: 2, message: 'see you at 10', editedAtMillis });
      expect(items[1]).toMatchObject({ messageId: second, message: 'bring potions', editedAtMillis: null });
      // The same over the socket.
      const page = await other.ok('CHANNEL_HISTORY', { channelId: 'g', prevSize: 10 });
      expect(page.content[0]).toEqual(items[0]);
      // A second edit moves editedAtMillis on.
      const again = await sender.ok('EDIT_MESSAGE', { channelId: 'g', messageId: first, message: 'see you at 11' });
      expect(again.editedAtMillis).toBeGreaterThanOrEqual(editedAtMillis);
      expect((await history())[0]).toMatchObject({ message: 'see you at 11', editedAtMillis: again.editedAtMillis });
    });

    it('refuses anyone but the sender (403/102), other messages (404/103), missing channels (201) and bad text (100, 204), changing nothing', async () => {
      const { owner, sender, other } = await setUp();
      const id = await send(sender, 'original');
      const inH = await send(sender, 'in h', 'h');
      const offId = await send(sender, 'not stored', 'off');
      const outsider = await connect(9);
      const edit = (client: WsClient, body: Record<string, unknown>) =>
        client.request('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'x', ...body });

      const notSender = failure(403, 102, `only the sender (player 2) may edit message ${id}`);
      expect(await edit(owner, {})).toMatchObject(notSender);
      expect(await edit(other, {})).toMatchObject(notSender);
      expect(await edit(outsider, {})).toMatchObject(notSender);
      expect(await edit(sender, { messageId: '12345' })).toMatchObject(
        failure(404, 103, 'message 12345 is not a stored message of channel "g"'),
      );
      expect(await edit(sender, { messageId: inH })).toMatchObject(
        failure(404, 103, `message ${inH} is not a stored message of channel "g"`),
      );
      expect(await edit(sender, { channelId: 'off', messageId: offId })).toMatchObject(
        failure(404, 103, `channel "off" does not keep chat history: it has no stored message ${offId}`),
      );
      expect(await edit(sender, { channelId: 'gone' })).toMatchObject(failure(400, 201, 'channel "gone" does not exist or was deleted'));
      expect(await edit(sender, { message: 'é'.repeat(201) })).toMatchObject(failure(400, 204, 'message must be at most 200 characters'));
      expect(await edit(sender, { message: '' })).toMatchObject(failure(400, 100, 'message must not be empty'));
      expect(await edit(sender, { messageId: 'abc' })).toMatchObject({
        status: 400,
        body: { code: 100 },
        message: expect.stringContaining('messageId must be a message id'),
      });
      expect(await edit(sender, { messageId: 123 })).toMatchObject({ status: 400, body: { code: 100 } });
      expect(await edit(sender, { channelId: undefined })).toMatchObject({
        status: 400,
        body: { code: 100 },
        message: expect.stringContaining('channelId'),
      });
      // The longest text is fine (counted in characters).
      expect((await edit(sender, { message: '😀'.repeat(200) })).status).toBe(200);
      await owner.nextNotify('NOTIFY_MESSAGE_EDITED');
      expect(await drained(owner, 'NOTIFY_MESSAGE_EDITED')).toEqual([]);
      expect((await history()).map((m: { message: string }) => m.message)).toEqual(['😀'.repeat(200)]);
      expect((await history('h'))[0]).toMatchObject({ message: 'in h', editedAtMillis: null });
    });

    it('refuses an edit after EDIT_WINDOW (900 s) with 403/102; the message keeps its text', async () => {
      const { owner, sender } = await setUp();
      const id = await send(sender, 'old news');
      const fresh = await send(sender, 'fresh');
      // Sent 901 s ago, as far as the database knows.
      await t.dataSource.query(`UPDATE chat_messages SET created_at = created_at - interval '901 seconds' WHERE id = $1`, [id]);
      expect(await sender.request('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'new news' })).toMatchObject(
        failure(403, 102, `message ${id} can no longer be edited: messages can be edited for 900 s after sending`),
      );
      // Just inside the window still works.
      await t.dataSource.query(`UPDATE chat_messages SET created_at = now() - interval '890 seconds' WHERE id = $1`, [fresh]);
      expect((await sender.ok('EDIT_MESSAGE', { channelId: 'g', messageId: fresh, message: 'still fresh' })).message).toBe('still fresh');
      expect((await history()).map((m: { message: string }) => m.message)).toEqual(['old news', 'still fresh']);
      expect((await drained(owner, 'NOTIFY_MESSAGE_EDITED')).map((b) => b.messageId)).toEqual([fresh]);
    });

    it('applies the word filter: mask stores and pushes the masked text, refuse answers 400/312 and changes nothing', async () => {
      const { owner, sender } = await setUp();
      const id = await send(sender, 'hello');
      await hive(t)
        .put(`${base}/filter`)
        .send({ words: ['noob'], action: 'mask' })
        .expect(200);
      expect(await sender.ok('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'hello noob' })).toMatchObject({
        message: 'hello ****',
      });
      expect(await owner.nextNotify('NOTIFY_MESSAGE_EDITED')).toMatchObject({ message: 'hello ****' });
      expect((await history())[0].message).toBe('hello ****');

      await hive(t)
        .put(`${base}/filter`)
        .send({ words: ['noob'], action: 'refuse' })
        .expect(200);
      expect(await sender.request('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'NOOB' })).toMatchObject(
        failure(400, 312, 'message contains a word that is not allowed'),
      );
      expect((await history())[0].message).toBe('hello ****');
      expect(await drained(owner, 'NOTIFY_MESSAGE_EDITED')).toEqual([]);
    });

    it('does not push an edit across a block (either way); a delete still reaches the blocker', async () => {
      const { owner, sender, other } = await setUp();
      await owner.ok('BLOCK_MEMBER', { playerId: 2 });
      await sender.ok('BLOCK_MEMBER', { playerId: 3 });
      const id = await send(sender, 'hi');
      await sender.ok('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'hi all' });
      await sender.ok('DELETE_MESSAGE', { channelId: 'g', messageId: id });
      const deleted = { channelId: 'g', messageId: id, deletedBy: 2 };
      expect(await owner.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(deleted);
      expect(await other.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(deleted);
      expect(await drained(owner, 'NOTIFY_MESSAGE_EDITED')).toEqual([]);
      expect(await drained(other, 'NOTIFY_MESSAGE_EDITED')).toEqual([]);
    });
  });

  describe('DELETE_MESSAGE', () => {
    it('lets the sender delete its message: members get NOTIFY_MESSAGE_DELETED, history omits it, no audit entry', async () => {
      const { owner, sender, other } = await setUp();
      const keep = await send(sender, 'keep');
      const id = await send(sender, 'oops');
      expect(await sender.request('DELETE_MESSAGE', { channelId: 'g', messageId: id })).toEqual({
        packetType: 'RESPONSE_DELETE_MESSAGE',
        correlationId: expect.any(String),
        status: 200,
        message: 'OK',
        body: { messageId: id },
      });
      const push = { channelId: 'g', messageId: id, deletedBy: 2 };
      expect(await owner.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(push);
      expect(await other.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(push);
      expect(await drained(sender, 'NOTIFY_MESSAGE_DELETED')).toEqual([]);
      expect((await history()).map((m: { messageId: string }) => m.messageId)).toEqual([keep]);
      expect(
        (await other.ok('CHANNEL_HISTORY', { channelId: 'g', prevSize: 10 })).content.map((m: { messageId: string }) => m.messageId),
      ).toEqual([keep]);
      // Around the deleted id, history pages as if it never was.
      const around = await hive(t).get(`${v2}/g/messages?messageId=${id}&prevSize=5&nextSize=5`).expect(200);
      expect(around.body.data.content.map((m: { messageId: string }) => m.messageId)).toEqual([keep]);
      expect(await audit()).toEqual([]);
      // Gone: a second delete or an edit finds nothing.
      const gone = failure(404, 103, `message ${id} is not a stored message of channel "g"`);
      expect(await sender.request('DELETE_MESSAGE', { channelId: 'g', messageId: id })).toMatchObject(gone);
      expect(await sender.request('EDIT_MESSAGE', { channelId: 'g', messageId: id, message: 'x' })).toMatchObject(gone);
    });

    it("lets the channel owner delete another player's message (audit message_delete, actor the owner); refuses others with 403/102", async () => {
      const { owner, sender, other } = await setUp();
      const id = await send(sender, 'spam spam');
      const outsider = await connect(9);
      const notAllowed = failure(403, 102, `only the sender (player 2) or the channel owner may delete message ${id}`);
      expect(await other.request('DELETE_MESSAGE', { channelId: 'g', messageId: id })).toMatchObject(notAllowed);
      expect(await outsider.request('DELETE_MESSAGE', { channelId: 'g', messageId: id })).toMatchObject(notAllowed);
      expect(await history()).toHaveLength(1);

      expect(await owner.ok('DELETE_MESSAGE', { channelId: 'g', messageId: id })).toEqual({ messageId: id });
      const push = { channelId: 'g', messageId: id, deletedBy: 1 };
      expect(await sender.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(push);
      expect(await other.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(push);
      expect(await drained(owner, 'NOTIFY_MESSAGE_DELETED')).toEqual([]);
      expect(await history()).toEqual([]);
      const [entry, ...rest] = await audit();
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ action: 'message_delete', actor: '1', targetPlayerId: 2, channelId: 'g', details: { messageId: id } });
      // The owner's own message is not a moderation action.
      const own = await send(owner, 'mine');
      await owner.ok('DELETE_MESSAGE', { channelId: 'g', messageId: own });
      expect(await audit()).toHaveLength(1);
    });

    it('refuses missing channels (201), channels without history and unknown ids (404/103), bad bodies (100)', async () => {
      const { sender } = await setUp();
      const offId = await send(sender, 'x', 'off');
      const del = (body: Record<string, unknown>) => sender.request('DELETE_MESSAGE', body);
      expect(await del({ channelId: 'gone', messageId: '1' })).toMatchObject(
        failure(400, 201, 'channel "gone" does not exist or was deleted'),
      );
      expect(await del({ channelId: 'off', messageId: offId })).toMatchObject({ status: 404, body: { code: 103 } });
      expect(await del({ channelId: 'g', messageId: '1' })).toMatchObject(
        failure(404, 103, 'message 1 is not a stored message of channel "g"'),
      );
      expect(await del({ channelId: 'g' })).toMatchObject({
        status: 400,
        body: { code: 100 },
        message: expect.stringContaining('messageId'),
      });
      expect(await del({ channelId: 'g', messageId: '9223372036854775808' })).toMatchObject({ status: 400, body: { code: 100 } });
    });
  });

  describe('DELETE /api/v2/games/{g}/channels/{channelId}/messages/{messageId}', () => {
    it('deletes any stored message: every member gets deletedBy "SYSTEM", history omits it, the audit log records it', async () => {
      const { owner, sender, other } = await setUp();
      const id = await send(sender, 'against the rules');
      expect((await hive(t).delete(`${v2}/g/messages/${id}`).expect(200)).body).toEqual({
        code: 0,
        message: 'Success.',
        data: { messageId: id },
      });
      const push = { channelId: 'g', messageId: id, deletedBy: 'SYSTEM' };
      for (const client of [owner, sender, other]) expect(await client.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual(push);
      expect(await history()).toEqual([]);
      const [entry] = await audit();
      expect(entry).toMatchObject({
        action: 'message_delete',
        actor: 'SYSTEM',
        targetPlayerId: 2,
        channelId: 'g',
        details: { messageId: id },
      });
      expect((await hive(t).delete(`${v2}/g/messages/${id}`).expect(404)).body).toEqual({
        code: 103,
        message: `message ${id} is not a stored message of channel "g"`,
        data: null,
      });
    });

    it('refuses: no or foreign key 401, bad id 400/100, missing channel 201, channel without history 404/103', async () => {
      await setUp();
      expect((await request(t.url).delete(`${v2}/g/messages/1`).expect(401)).body.code).toBe(101);
      expect((await hive(t, SERVER_KEY_2).delete(`${v2}/g/messages/1`).expect(401)).body.code).toBe(101);
      expect((await hive(t).delete(`${v2}/g/messages/abc`).expect(400)).body).toEqual({
        code: 100,
        message: 'messageId must be a decimal integer from 0 to 9223372036854775807',
        data: null,
      });
      expect((await hive(t).delete(`${v2}/g/messages/99999999999999999999`).expect(400)).body.code).toBe(100);
      expect((await hive(t).delete(`${v2}/gone/messages/1`).expect(400)).body.code).toBe(201);
      expect((await hive(t).delete(`${v2}/off/messages/1`).expect(404)).body.code).toBe(103);
      // Another game's channel of the same id is another channel.
      expect((await hive(t, SERVER_KEY_2).delete('/api/v2/games/2/channels/g/messages/1').expect(400)).body.code).toBe(201);
      expect(await audit()).toEqual([]);
    });
  });
});
