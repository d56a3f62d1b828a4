import request from 'supertest';
import { PurgeService } from '../src/channel/purge.service.js';
import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY_2 } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

const base = '/api/v1/games/1';
const fail = (code: number, message: string) => ({ code, message, data: null });
const MUTE_KEYS = ['playerId', 'channelId', 'reason', 'regTime', 'regTimeMillis', 'untilTime', 'untilMillis'];

describe('mutes (docs/moderation.md#mutes)', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, connect } = useRealtimeTestApp();
  const createChannel = (channelId: string, owner?: number) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...(owner ? { playerId: owner } : {}) })
      .expect(200);
  const enter = async (channelId: string, ...playerIds: number[]) => {
    for (const playerId of playerIds) await hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200);
  };
  const mute = (body: Record<string, unknown>) => hive(t).post(`${base}/mutes`).send(body);
  const unmute = (query: string) => hive(t).delete(`${base}/mutes${query}`);
  const listMutes = async (query = '') => (await hive(t).get(`${base}/mutes${query}`).expect(200)).body.data.mutes;
  const chat = (client: WsClient, channelId: string, message = 'hi') => client.request('CHANNEL_CHAT', { channelId, message });
  const audit = async (action: string) => (await hive(t).get(`${base}/audit?action=${action}`).expect(200)).body.data.content;

  describe('server API', () => {
    it('a game-wide mute: the answer, NOTIFY_MUTED, chat and direct messages refused 403/310, everything still received', async () => {
      await createChannel('g1');
      await createChannel('g2');
      await enter('g1', 1, 2);
      await enter('g2', 2);
      const [ann, bob] = [await connect(1), await connect(2)];
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'before' });

      const res = await mute({ playerId: 2, reason: 'spam' }).expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          playerId: 2,
          channelId: null,
          reason: 'spam',
          regTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          regTimeMillis: expect.any(Number),
          untilTime: null,
          untilMillis: null,
        },
      });
      expect(Object.keys(res.body.data)).toEqual(MUTE_KEYS);
      expect(new Date(res.body.data.regTime).getTime()).toBe(res.body.data.regTimeMillis);
      expect(await bob.nextNotify('NOTIFY_MUTED')).toEqual({ channelId: null, untilMillis: null, reason: 'spam' });

      for (const channelId of ['g1', 'g2']) {
        expect(await chat(bob, channelId)).toMatchObject({
          packetType: 'RESPONSE_CHANNEL_CHAT',
          status: 403,
          message: 'player 2 is muted game-wide until lifted',
          body: { code: 310, mutedUntilMillis: null },
        });
      }
      expect(await bob.request('DIRECT_CHAT', { toPlayerId: 1, message: 'psst' })).toMatchObject({
        status: 403,
        body: { code: 310, mutedUntilMillis: null },
      });
      // Refused messages reach nobody; the muted player still receives.
      await ann.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'you still hear me' });
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ from: 1, message: 'you still hear me' });
      await ann.ok('DIRECT_CHAT', { toPlayerId: 2, message: 'dm' });
      expect(await bob.nextNotify('NOTIFY_DIRECT_CHAT')).toMatchObject({ from: 1, message: 'dm' });
      await ann.flush();
      expect(ann.pending('NOTIFY_CHANNEL_CHAT')).toEqual([expect.objectContaining({ message: 'before' })]);
      expect(ann.pending('NOTIFY_DIRECT_CHAT')).toEqual([]);

      expect((await unmute('?playerId=2').expect(200)).body).toEqual({ code: 0, message: 'Success.' });
      expect(await bob.nextNotify('NOTIFY_UNMUTED')).toEqual({ channelId: null });
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'back' });
      await bob.ok('DIRECT_CHAT', { toPlayerId: 1, message: 'back' });
      expect((await unmute('?playerId=2').expect(404)).body).toEqual(fail(103, 'player 2 is not muted game-wide'));
    });

    it('a channel mute with a duration stops that channel only; direct messages go through', async () => {
      await createChannel('g1');
      await createChannel('g2');
      await enter('g1', 1, 2);
      await enter('g2', 1, 2);
      const bob = await connect(2);
      const res = await mute({ playerId: 2, channelId: 'g1', durationSeconds: 600 }).expect(200);
      const muted = res.body.data;
      expect(muted).toMatchObject({ playerId: 2, channelId: 'g1', reason: null, untilTime: expect.any(String) });
      expect(muted.untilMillis - muted.regTimeMillis).toBe(600_000);
      expect(new Date(muted.untilTime).getTime()).toBe(muted.untilMillis);
      expect(await bob.nextNotify('NOTIFY_MUTED')).toEqual({ channelId: 'g1', untilMillis: muted.untilMillis, reason: null });
      expect(await chat(bob, 'g1')).toMatchObject({
        status: 403,
        message: `player 2 is muted in channel "g1" until ${muted.untilTime}`,
        body: { code: 310, mutedUntilMillis: muted.untilMillis },
      });
      await bob.ok('CHANNEL_CHAT', { channelId: 'g2', message: 'elsewhere' });
      await connect(1);
      await bob.ok('DIRECT_CHAT', { toPlayerId: 1, message: 'dm' });
      // The member check comes first: a muted non-member still gets 301.
      expect(await chat(await connect(3), 'g1')).toMatchObject({ status: 400, body: { code: 301 } });

      await unmute('?playerId=2').expect(404);
      await unmute('?playerId=2&channelId=g1').expect(200);
      expect(await bob.nextNotify('NOTIFY_UNMUTED')).toEqual({ channelId: 'g1' });
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'back' });
    });

    it('a muted player may not edit its stored messages in that channel (403/310); elsewhere it may', async () => {
      for (const channelId of ['h1', 'h2']) {
        await hive(t)
          .post(`${base}/channel`)
          .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed: true })
          .expect(200);
        await enter(channelId, 2);
      }
      const bob = await connect(2);
      const first = (await bob.ok('CHANNEL_CHAT', { channelId: 'h1', message: 'first' })) as { messageId: string };
      const second = (await bob.ok('CHANNEL_CHAT', { channelId: 'h2', message: 'second' })) as { messageId: string };
      await mute({ playerId: 2, channelId: 'h1' }).expect(200);
      await bob.nextNotify('NOTIFY_MUTED');
      expect(await bob.request('EDIT_MESSAGE', { channelId: 'h1', messageId: first.messageId, message: 'changed' })).toMatchObject({
        status: 403,
        body: { code: 310, mutedUntilMillis: null },
      });
      await bob.ok('EDIT_MESSAGE', { channelId: 'h2', messageId: second.messageId, message: 'changed' });
      const stored = await t.dataSource.query(`SELECT message FROM chat_messages ORDER BY id`);
      expect(stored.map((r: { message: string }) => r.message)).toEqual(['first', 'changed']);
    });

    it('a new mute of the same player and scope replaces the old one; GET lists mutes in force, filtered', async () => {
      await createChannel('g1');
      await createChannel('g2');
      await mute({ playerId: 2, channelId: 'g1', reason: 'first' }).expect(200);
      const second = (await mute({ playerId: 2, channelId: 'g1', durationSeconds: 60, reason: 'second' }).expect(200)).body.data;
      await mute({ playerId: 2 }).expect(200);
      await mute({ playerId: 3, channelId: 'g1' }).expect(200);
      await mute({ playerId: 3, channelId: 'g2', reason: '' }).expect(200);

      const all = await listMutes();
      expect(all).toHaveLength(4);
      expect(all.every((m: object) => Object.keys(m).join() === MUTE_KEYS.join())).toBe(true);
      expect(all[0]).toMatchObject({ playerId: 3, channelId: 'g2', reason: null });
      expect(await listMutes('?playerId=2&channelId=g1')).toEqual([second]);
      expect((await listMutes('?playerId=2')).map((m: { channelId: string | null }) => m.channelId)).toEqual([null, 'g1']);
      expect((await listMutes('?channelId=g1')).map((m: { playerId: number }) => m.playerId)).toEqual([3, 2]);
      expect(await listMutes('?playerId=9')).toEqual([]);
      expect((await hive(t, SERVER_KEY_2).get('/api/v1/games/2/mutes').expect(200)).body.data.mutes).toEqual([]);
    });

    it('a timed mute ends by itself: chat goes through again, GET leaves it out, DELETE answers 404', async () => {
      await createChannel('g1');
      await enter('g1', 2);
      const bob = await connect(2);
      const { untilMillis } = (await mute({ playerId: 2, durationSeconds: 1 }).expect(200)).body.data;
      expect(await chat(bob, 'g1')).toMatchObject({ status: 403, body: { code: 310, mutedUntilMillis: untilMillis } });
      // No event comes when it ends: the cached mute is compared with the clock.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, untilMillis - Date.now()) + 20));
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'free again' });
      expect(await listMutes()).toEqual([]);
      expect((await unmute('?playerId=2').expect(404)).body.code).toBe(103);
      await bob.flush();
      expect(bob.pending('NOTIFY_UNMUTED')).toEqual([]);
    });

    it('a mute whose end has passed in the database is not in force (GET, DELETE, a fresh cache)', async () => {
      await createChannel('g1');
      await enter('g1', 2);
      await mute({ playerId: 2, channelId: 'g1' }).expect(200);
      await t.dataSource.query(`UPDATE mutes SET ends_at = now() - interval '1 second' WHERE player_id = 2`);
      expect(await listMutes()).toEqual([]);
      const bob = await connect(2);
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'ok' });
      expect((await unmute('?playerId=2&channelId=g1').expect(404)).body).toEqual(fail(103, 'player 2 is not muted in channel "g1"'));
    });

    it('the purge job deletes ended mutes and channel bans, and keeps those in force', async () => {
      await createChannel('g1');
      await mute({ playerId: 2 }).expect(200);
      await mute({ playerId: 3, channelId: 'g1', durationSeconds: 600 }).expect(200);
      await mute({ playerId: 4, durationSeconds: 600 }).expect(200);
      await hive(t).post(`${base}/channels/g1/bans`).send({ playerId: 5, durationSeconds: 600 }).expect(200);
      await hive(t).post(`${base}/channels/g1/bans`).send({ playerId: 6 }).expect(200);
      await t.dataSource.query(`UPDATE mutes SET ends_at = now() - interval '1 second' WHERE player_id = 4`);
      await t.dataSource.query(`UPDATE channel_bans SET ends_at = now() - interval '1 second' WHERE player_id = 5`);
      await t.app.get(PurgeService).runOnce();
      const rows = async (table: string) =>
        (await t.dataSource.query(`SELECT player_id FROM ${table} ORDER BY player_id`)).map((r: { player_id: string }) =>
          Number(r.player_id),
        );
      expect(await rows('mutes')).toEqual([2, 3]);
      expect(await rows('channel_bans')).toEqual([6]);
    });

    it('deleting a channel deletes its mutes; a new channel of that id is not muted (even from a warm cache)', async () => {
      await createChannel('g1');
      await enter('g1', 2);
      const bob = await connect(2);
      await mute({ playerId: 2, channelId: 'g1' }).expect(200);
      expect((await chat(bob, 'g1')).status).toBe(403);
      await hive(t).delete(`${base}/channels/g1`).expect(200);
      expect(await listMutes()).toEqual([]);
      await createChannel('g1');
      await enter('g1', 2);
      await bob.ok('CHANNEL_CHAT', { channelId: 'g1', message: 'new channel' });
    });

    it('records mute and unmute in the audit log', async () => {
      await createChannel('g1');
      await mute({ playerId: 2, channelId: 'g1', durationSeconds: 60, reason: 'flood' }).expect(200);
      await mute({ playerId: 3 }).expect(200);
      await unmute('?playerId=2&channelId=g1').expect(200);
      await unmute('?playerId=5').expect(404);
      const mutes = await audit('mute');
      expect(mutes).toHaveLength(2);
      expect(mutes[1]).toMatchObject({
        actor: 'SYSTEM',
        targetPlayerId: 2,
        channelId: 'g1',
        details: { durationSeconds: 60, untilMillis: expect.any(Number), reason: 'flood' },
      });
      expect(mutes[0]).toMatchObject({
        targetPlayerId: 3,
        channelId: null,
        details: { durationSeconds: null, untilMillis: null, reason: null },
      });
      expect(await audit('unmute')).toEqual([
        expect.objectContaining({ actor: 'SYSTEM', targetPlayerId: 2, channelId: 'g1', details: {} }),
      ]);
    });

    it('refuses bad input (400/100 naming the field), an unknown channel (400/201), other keys (401)', async () => {
      const badBodies: [Record<string, unknown>, string][] = [
        [{}, 'playerId must be an integer'],
        [{ playerId: 0 }, 'playerId must be at least 1'],
        [{ playerId: 2, durationSeconds: 0 }, 'durationSeconds must be between 1 and 31536000'],
        [{ playerId: 2, durationSeconds: 31_536_001 }, 'durationSeconds must be between 1 and 31536000'],
        [{ playerId: 2, durationSeconds: 1.5 }, 'durationSeconds must be an integer'],
        [{ playerId: 2, reason: 'x'.repeat(201) }, 'reason must be 0-200 characters'],
        [{ playerId: 2, channelId: 'bad id' }, 'channelId must be 1-100 characters of A-Z a-z 0-9 - . _ ~ :'],
      ];
      for (const [body, message] of badBodies) {
        const res = await mute(body).expect(400);
        expect(res.body).toMatchObject({ code: 100, data: null });
        expect(res.body.message).toContain(message);
      }
      await mute({ playerId: 2, reason: 'x'.repeat(200) }).expect(200);
      expect((await mute({ playerId: 2, channelId: 'ghost' }).expect(400)).body).toEqual(
        fail(201, 'channel "ghost" does not exist or was deleted'),
      );
      expect((await unmute('').expect(400)).body.message).toContain('playerId must be an integer');
      expect((await unmute('?playerId=2&channelId=a%20b').expect(400)).body.code).toBe(100);
      expect((await hive(t).get(`${base}/mutes?playerId=x`).expect(400)).body.code).toBe(100);
      for (const call of [
        request(t.url).post(`${base}/mutes`).send({ playerId: 2 }),
        request(t.url).get(`${base}/mutes`),
        request(t.url).delete(`${base}/mutes?playerId=2`),
        hive(t, SERVER_KEY_2).post(`${base}/mutes`).send({ playerId: 2 }),
      ]) {
        expect((await call.expect(401)).body.code).toBe(101);
      }
      expect(await listMutes()).toHaveLength(1);
    });
  });

  describe('MUTE_MEMBER and UNMUTE_MEMBER (channel owner)', () => {
    it('the owner mutes and lifts in its channel: answers, pushes, refusal and audit with the owner as actor', async () => {
      await createChannel('guild', 1);
      await enter('guild', 2, 3);
      const [owner, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      const muted = await owner.ok('MUTE_MEMBER', { channelId: 'guild', playerId: 2, durationSeconds: 300, reason: 'calm down' });
      expect(muted).toEqual({
        playerId: 2,
        channelId: 'guild',
        reason: 'calm down',
        regTime: expect.any(String),
        regTimeMillis: expect.any(Number),
        untilTime: expect.any(String),
        untilMillis: muted.regTimeMillis + 300_000,
      });
      expect(await bob.nextNotify('NOTIFY_MUTED')).toEqual({ channelId: 'guild', untilMillis: muted.untilMillis, reason: 'calm down' });
      expect(await chat(bob, 'guild')).toMatchObject({ status: 403, body: { code: 310, mutedUntilMillis: muted.untilMillis } });
      await cid.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'unaffected' });

      expect(await owner.ok('UNMUTE_MEMBER', { channelId: 'guild', playerId: 2 })).toEqual({ channelId: 'guild', playerId: 2 });
      expect(await bob.nextNotify('NOTIFY_UNMUTED')).toEqual({ channelId: 'guild' });
      await bob.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'thanks' });
      expect(await owner.request('UNMUTE_MEMBER', { channelId: 'guild', playerId: 2 })).toMatchObject({
        status: 404,
        message: 'player 2 is not muted in channel "guild"',
        body: { code: 103 },
      });

      expect(await audit('mute')).toEqual([
        expect.objectContaining({
          actor: '1',
          targetPlayerId: 2,
          channelId: 'guild',
          details: expect.objectContaining({ durationSeconds: 300 }),
        }),
      ]);
      expect(await audit('unmute')).toEqual([expect.objectContaining({ actor: '1', targetPlayerId: 2, channelId: 'guild' })]);
    });

    it('refuses: not the owner 403/308, oneself 400/100, unknown channel 400/201, bad bodies 400/100', async () => {
      await createChannel('guild', 1);
      await createChannel('system');
      await enter('guild', 2);
      await enter('system', 1, 2);
      const [owner, bob] = [await connect(1), await connect(2)];
      expect(await bob.request('MUTE_MEMBER', { channelId: 'guild', playerId: 1 })).toMatchObject({
        status: 403,
        message: 'player 2 is not the owner of channel "guild"',
        body: { code: 308 },
      });
      expect(await owner.request('MUTE_MEMBER', { channelId: 'system', playerId: 2 })).toMatchObject({ status: 403, body: { code: 308 } });
      await mute({ playerId: 1, channelId: 'guild' }).expect(200);
      expect(await bob.request('UNMUTE_MEMBER', { channelId: 'guild', playerId: 1 })).toMatchObject({ status: 403, body: { code: 308 } });
      expect(await owner.request('MUTE_MEMBER', { channelId: 'guild', playerId: 1 })).toMatchObject({
        status: 400,
        message: 'playerId must be another player: a channel owner cannot mute itself',
        body: { code: 100 },
      });
      expect(await owner.request('MUTE_MEMBER', { channelId: 'ghost', playerId: 2 })).toMatchObject({ status: 400, body: { code: 201 } });
      expect(await owner.request('UNMUTE_MEMBER', { channelId: 'ghost', playerId: 2 })).toMatchObject({ status: 400, body: { code: 201 } });
      const bad: [string, Record<string, unknown>, string][] = [
        ['MUTE_MEMBER', { channelId: 'guild' }, 'playerId must be an integer'],
        ['MUTE_MEMBER', { playerId: 2 }, 'channelId must be a string'],
        ['MUTE_MEMBER', { channelId: 'guild', playerId: 2, durationSeconds: 0 }, 'durationSeconds must be between 1 and 31536000'],
        ['MUTE_MEMBER', { channelId: 'guild', playerId: 2, reason: 7 }, 'reason must be a string'],
        ['UNMUTE_MEMBER', { channelId: 'guild', playerId: 'x' }, 'playerId must be an integer'],
      ];
      for (const [type, body, message] of bad) {
        const res = await owner.request(type, body);
        expect(res).toMatchObject({ status: 400, body: { code: 100 } });
        expect(res.message).toContain(message);
      }
      // Nothing was muted by the refused packets: only the server API's mute of player 1.
      expect(await listMutes()).toEqual([expect.objectContaining({ playerId: 1, channelId: 'guild' })]);
      await bob.ok('CHANNEL_CHAT', { channelId: 'guild', message: 'fine' });
    });
  });
});
