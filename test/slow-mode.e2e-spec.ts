import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient } from './support/ws-client.js';

const base = '/api/v1/games/1';

describe('channel slow mode', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, connect } = useRealtimeTestApp();
  const create = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed: true, ...extra });
  const enter = (channelId: string, ...playerIds: number[]) =>
    Promise.all(playerIds.map((playerId) => hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200)));
  const stored = async (channelId: string) =>
    (await t.dataSource.query(`SELECT message FROM chat_messages WHERE channel_id = $1 ORDER BY id`, [channelId])).map(
      (r: { message: string }) => r.message,
    );
  const chat = (client: WsClient, channelId: string, message: string) => client.request('CHANNEL_CHAT', { channelId, message });

  describe('the setting', () => {
    it('is 0 by default and part of every channel object', async () => {
      expect((await create('plain').expect(200)).body.data.slowModeSeconds).toBe(0);
      const slow = await create('slow', { slowModeSeconds: 30 }).expect(200);
      expect(slow.body.data).toMatchObject({ channelId: 'slow', slowModeSeconds: 30 });
      expect((await hive(t).get(`${base}/channels/slow`).expect(200)).body.data.info).toMatchObject({
        slowModeSeconds: 30,
        memberCount: 0,
      });
      const list = await hive(t).get(`${base}/channels?sort=channelId&order=ASC`).expect(200);
      expect(list.body.data.content.map((c: { slowModeSeconds: number }) => c.slowModeSeconds)).toEqual([0, 30]);
      const oneOnOne = await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200);
      expect(oneOnOne.body.data.slowModeSeconds).toBe(0);
    });

    it('is changed by PATCH (other fields kept) and turned off with 0', async () => {
      await create('c', { slowModeSeconds: 5 }).expect(200);
      await hive(t).patch(`${base}/channels/c`).send({ slowModeSeconds: 3600 }).expect(200);
      expect((await hive(t).get(`${base}/channels/c`).expect(200)).body.data.info).toMatchObject({
        slowModeSeconds: 3600,
        chatHistoryAllowed: true,
      });
      await hive(t).patch(`${base}/channels/c`).send({ channelName: 'renamed' }).expect(200);
      expect((await hive(t).get(`${base}/channels/c`).expect(200)).body.data.info.slowModeSeconds).toBe(3600);
      await hive(t).patch(`${base}/channels/c`).send({ slowModeSeconds: 0 }).expect(200);
      expect((await hive(t).get(`${base}/channels/c`).expect(200)).body.data.info.slowModeSeconds).toBe(0);
    });

    it('refuses anything but an integer 0-3600 with 400/100 naming the field', async () => {
      await create('c').expect(200);
      for (const [value, message] of [
        [-1, 'slowModeSeconds must be between 0 and 3600'],
        [3601, 'slowModeSeconds must be between 0 and 3600'],
        [1.5, 'slowModeSeconds must be an integer'],
        ['10', 'slowModeSeconds must be an integer'],
        [true, 'slowModeSeconds must be an integer'],
      ] as const) {
        const created = await create('d', { slowModeSeconds: value }).expect(400);
        expect(created.body).toEqual({ code: 100, message, data: null });
        const patched = await hive(t).patch(`${base}/channels/c`).send({ slowModeSeconds: value }).expect(400);
        expect(patched.body).toEqual({ code: 100, message, data: null });
      }
      expect((await hive(t).get(`${base}/channels/d`).expect(400)).body.code).toBe(201);
    });
  });

  describe('CHANNEL_CHAT in a slow channel', () => {
    it('refuses a member sending again too soon with 429/108 and retryAfterMillis; the refusal stores and delivers nothing', async () => {
      await create('slow', { slowModeSeconds: 60 }).expect(200);
      await enter('slow', 1, 2);
      const [ann, bob] = [await connect(1), await connect(2)];
      const first = await chat(ann, 'slow', 'first');
      expect(first.status).toBe(200);
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'first' });

      const refused = await chat(ann, 'slow', 'second');
      expect(refused).toEqual({
        packetType: 'RESPONSE_CHANNEL_CHAT',
        correlationId: expect.any(String),
        status: 429,
        message: expect.stringMatching(/^channel "slow" is in slow mode: one message per 60 s; retry in \d+ ms$/),
        body: { code: 108, retryAfterMillis: expect.any(Number) },
      });
      expect(refused.body.retryAfterMillis).toBeGreaterThan(55_000);
      expect(refused.body.retryAfterMillis).toBeLessThanOrEqual(60_000);
      expect(refused.message).toBe(`channel "slow" is in slow mode: one message per 60 s; retry in ${refused.body.retryAfterMillis} ms`);
      // A refusal does not restart the wait.
      const again = await chat(ann, 'slow', 'third');
      expect(again.status).toBe(429);
      expect(again.body.retryAfterMillis).toBeLessThanOrEqual(refused.body.retryAfterMillis);

      await bob.flush();
      expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
      expect(await stored('slow')).toEqual(['first']);
    });

    it('counts per member and per channel', async () => {
      await create('slow', { slowModeSeconds: 60 }).expect(200);
      await create('other', { slowModeSeconds: 60 }).expect(200);
      await enter('slow', 1, 2);
      await enter('other', 1);
      const [ann, bob] = [await connect(1), await connect(2)];
      expect((await chat(ann, 'slow', 'ann')).status).toBe(200);
      expect((await chat(bob, 'slow', 'bob')).status).toBe(200);
      expect((await chat(ann, 'other', 'ann elsewhere')).status).toBe(200);
      expect((await chat(bob, 'slow', 'bob again')).status).toBe(429);
      expect(await stored('slow')).toEqual(['ann', 'bob']);
    });

    it('exempts the channel owner', async () => {
      await create('owned', { slowModeSeconds: 60, playerId: 7 }).expect(200);
      await enter('owned', 8);
      const [owner, member] = [await connect(7), await connect(8)];
      for (const message of ['one', 'two', 'three']) expect((await chat(owner, 'owned', message)).status).toBe(200);
      expect((await chat(member, 'owned', 'a')).status).toBe(200);
      expect((await chat(member, 'owned', 'b')).status).toBe(429);
      expect(await stored('owned')).toEqual(['one', 'two', 'three', 'a']);
    });

    it('lets the member send again once the wait is over', async () => {
      await create('quick', { slowModeSeconds: 1 }).expect(200);
      await enter('quick', 1);
      const ann = await connect(1);
      expect((await chat(ann, 'quick', 'a')).status).toBe(200);
      const refused = await chat(ann, 'quick', 'b');
      expect(refused.status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, refused.body.retryAfterMillis + 20));
      expect((await chat(ann, 'quick', 'c')).status).toBe(200);
      expect(await stored('quick')).toEqual(['a', 'c']);
    });

    it('follows a PATCH at once: turned off, then on', async () => {
      await create('c', { slowModeSeconds: 60 }).expect(200);
      await enter('c', 1);
      const ann = await connect(1);
      expect((await chat(ann, 'c', 'a')).status).toBe(200);
      expect((await chat(ann, 'c', 'b')).status).toBe(429);
      await hive(t).patch(`${base}/channels/c`).send({ slowModeSeconds: 0 }).expect(200);
      expect((await chat(ann, 'c', 'c')).status).toBe(200);
      expect((await chat(ann, 'c', 'd')).status).toBe(200);
      await hive(t).patch(`${base}/channels/c`).send({ slowModeSeconds: 60 }).expect(200);
      // The last accepted message ("d", just now) counts under the new setting.
      expect((await chat(ann, 'c', 'e')).status).toBe(429);
      expect(await stored('c')).toEqual(['a', 'c', 'd']);
    });

    it('does not count a message the word filter refused', async () => {
      await hive(t)
        .put(`${base}/filter`)
        .send({ words: ['darn'], action: 'refuse' })
        .expect(200);
      await create('slow', { slowModeSeconds: 60 }).expect(200);
      await enter('slow', 1);
      const ann = await connect(1);
      expect(await chat(ann, 'slow', 'darn it')).toMatchObject({ status: 400, body: { code: 312 } });
      expect((await chat(ann, 'slow', 'fine then')).status).toBe(200);
      expect((await chat(ann, 'slow', 'more')).status).toBe(429);
      expect(await stored('slow')).toEqual(['fine then']);
    });
  });
});
