import request from 'supertest';
import { asPlayer, hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY_2 } from './support/test-app.js';

const base = '/api/v1/games/1';
const fail = (code: number, message: string) => ({ code, message, data: null });
const BAN_KEYS = ['playerId', 'channelId', 'reason', 'regTime', 'regTimeMillis', 'untilTime', 'untilMillis'];

describe('channel bans and kicks (docs/moderation.md#channel-bans-and-kicks)', () => {
  // Single-instance mode, or Redis mode on CI's second pass (TEST_REDIS_URL).
  const { t, connect } = useRealtimeTestApp();
  const createChannel = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', ...extra })
      .expect(200);
  const enterHttp = (channelId: string, playerId: number) => hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId });
  const enter = async (channelId: string, ...playerIds: number[]) => {
    for (const playerId of playerIds) await enterHttp(channelId, playerId).expect(200);
  };
  const ban = (channelId: string, body: Record<string, unknown>) => hive(t).post(`${base}/channels/${channelId}/bans`).send(body);
  const unban = (channelId: string, playerId: number | string) => hive(t).delete(`${base}/channels/${channelId}/bans/${playerId}`);
  const bans = async (channelId: string) => (await hive(t).get(`${base}/channels/${channelId}/bans`).expect(200)).body.data.bans;
  const members = async (channelId: string) => {
    const res = await hive(t).get(`${base}/channels/${channelId}`).expect(200);
    return { count: res.body.data.info.memberCount, ids: res.body.data.members.map((m: { playerId: number }) => m.playerId) };
  };
  const audit = async (action: string) => (await hive(t).get(`${base}/audit?action=${action}`).expect(200)).body.data.content;
  const exitPush = (channelId: string, playerId: number, reason: string) => ({
    channelId,
    playerId,
    reason,
    timestamp: expect.any(String),
    timestampMillis: expect.any(Number),
  });

  describe('server API', () => {
    it('a ban removes a member (pushes, member count) and refuses enter 403/311 until lifted', async () => {
      await createChannel('guild');
      await enter('guild', 1, 2);
      const [ann, bob] = [await connect(1), await connect(2)];
      const res = await ban('guild', { playerId: 2, durationSeconds: 3600, reason: 'toxic' }).expect(200);
      const banned = res.body.data;
      expect(res.body).toMatchObject({ code: 0, message: 'Success.' });
      expect(Object.keys(banned)).toEqual(BAN_KEYS);
      expect(banned).toMatchObject({ playerId: 2, channelId: 'guild', reason: 'toxic' });
      expect(banned.untilMillis - banned.regTimeMillis).toBe(3_600_000);
      expect(new Date(banned.untilTime).getTime()).toBe(banned.untilMillis);

      expect(await ann.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'banned'));
      expect(await bob.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'banned'));
      expect(await bob.nextNotify('NOTIFY_KICKED')).toEqual({ channelId: 'guild', reason: 'toxic', untilMillis: banned.untilMillis });
      expect(await members('guild')).toEqual({ count: 1, ids: [1] });
      expect(await bob.request('CHANNEL_CHAT', { channelId: 'guild', message: 'x' })).toMatchObject({ status: 400, body: { code: 301 } });

      const refused = `player 2 is banned from channel "guild" until ${banned.untilTime}`;
      expect((await enterHttp('guild', 2).expect(403)).body).toEqual(fail(311, refused));
      expect(await bob.request('ENTER_CHANNEL', { channelId: 'guild' })).toMatchObject({
        status: 403,
        message: refused,
        body: { code: 311 },
      });
      expect(await bans('guild')).toEqual([banned]);

      expect((await unban('guild', 2).expect(200)).body).toEqual({ code: 0, message: 'Success.' });
      expect(await bans('guild')).toEqual([]);
      await bob.ok('ENTER_CHANNEL', { channelId: 'guild' });
      expect((await unban('guild', 2).expect(404)).body).toEqual(fail(103, 'player 2 is not banned from channel "guild"'));
    });

    it('a ban of a non-member only bans (no push); until lifted; a new ban replaces the old', async () => {
      await createChannel('lobby', { type: 'PUBLIC' });
      const bob = await connect(2);
      const first = (await ban('lobby', { playerId: 2 }).expect(200)).body.data;
      expect(first).toMatchObject({ playerId: 2, channelId: 'lobby', reason: null, untilTime: null, untilMillis: null });
      expect(await bob.request('ENTER_CHANNEL', { channelId: 'lobby' })).toMatchObject({
        status: 403,
        message: 'player 2 is banned from channel "lobby"',
        body: { code: 311 },
      });
      const second = (await ban('lobby', { playerId: 2, durationSeconds: 60, reason: '' }).expect(200)).body.data;
      expect(second).toMatchObject({ reason: null, untilMillis: second.regTimeMillis + 60_000 });
      await ban('lobby', { playerId: 3 }).expect(200);
      expect((await bans('lobby')).map((b: { playerId: number }) => b.playerId)).toEqual([3, 2]);
      await bob.flush();
      expect(bob.pending('NOTIFY_KICKED')).toEqual([]);
      expect(bob.pending('NOTIFY_EXIT_CHANNEL')).toEqual([]);
    });

    it('a ban whose end has passed lets the player in; GET leaves it out; DELETE answers 404', async () => {
      await createChannel('guild');
      await ban('guild', { playerId: 2, durationSeconds: 600 }).expect(200);
      await enterHttp('guild', 2).expect(403);
      await t.dataSource.query(`UPDATE channel_bans SET ends_at = now() - interval '1 second' WHERE player_id = 2`);
      expect(await bans('guild')).toEqual([]);
      expect((await unban('guild', 2).expect(404)).body.code).toBe(103);
      await enterHttp('guild', 2).expect(200);
    });

    // Meaningful on PostgreSQL (the embedded database runs one transaction at a time).
    it('a ban and an enter of the same player at once: never both in force', async () => {
      await createChannel('busy', { maxMemberCount: 500 });
      const ids = Array.from({ length: 30 }, (_, i) => 100 + i);
      await Promise.all(ids.flatMap((playerId) => [enterHttp('busy', playerId), ban('busy', { playerId }).expect(200)]));
      expect(await members('busy')).toEqual({ count: 0, ids: [] });
      expect(await bans('busy')).toHaveLength(ids.length);
    });

    it('deleting the channel deletes its bans', async () => {
      await createChannel('guild');
      await ban('guild', { playerId: 2 }).expect(200);
      await hive(t).delete(`${base}/channels/guild`).expect(200);
      await createChannel('guild');
      await enter('guild', 2);
      expect(await bans('guild')).toEqual([]);
    });

    it("a party member banned from its party's chat channel joins the party without that channel", async () => {
      const [owner, bob] = [await playerToken(t, 1), await playerToken(t, 2)];
      const parties = '/api/table/services/parties';
      const party = (
        await asPlayer(t, owner)
          .post(parties)
          .send({ data: { name: 'P', max_member_count: 5, channels: ['general'] } })
          .expect(200)
      ).body.row;
      const channelId = `party:${party.id}:general`;
      await ban(channelId, { playerId: 2 }).expect(200);
      await asPlayer(t, bob)
        .post(`${parties}/${party.id}`)
        .send({ channels: ['general'] })
        .expect(200);
      expect((await members(channelId)).ids).toEqual([1]);
    });

    it('records channel_ban (removed or not) and channel_unban', async () => {
      await createChannel('guild');
      await enter('guild', 2);
      await ban('guild', { playerId: 2, durationSeconds: 60, reason: 'r' }).expect(200);
      await ban('guild', { playerId: 3 }).expect(200);
      await unban('guild', 3).expect(200);
      expect(await audit('channel_ban')).toEqual([
        expect.objectContaining({
          actor: 'SYSTEM',
          targetPlayerId: 3,
          channelId: 'guild',
          details: { durationSeconds: null, untilMillis: null, reason: null, removed: false },
        }),
        expect.objectContaining({
          targetPlayerId: 2,
          details: { durationSeconds: 60, untilMillis: expect.any(Number), reason: 'r', removed: true },
        }),
      ]);
      expect(await audit('channel_unban')).toEqual([expect.objectContaining({ actor: 'SYSTEM', targetPlayerId: 3, details: {} })]);
    });

    it('refuses: ONE_ON_ONE 400/100, unknown channel 400/201, bad input 400/100, other keys 401', async () => {
      const pair = (await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200)).body.data.channelId;
      expect((await ban(pair, { playerId: 2 }).expect(400)).body).toEqual(
        fail(100, `channel "${pair}" is a ONE_ON_ONE channel: members cannot be banned or kicked`),
      );
      expect(await members(pair)).toEqual({ count: 2, ids: [1, 2] });
      const ghost = fail(201, 'channel "ghost" does not exist or was deleted');
      expect((await ban('ghost', { playerId: 2 }).expect(400)).body).toEqual(ghost);
      expect((await hive(t).get(`${base}/channels/ghost/bans`).expect(400)).body).toEqual(ghost);
      expect((await unban('ghost', 2).expect(400)).body).toEqual(ghost);

      await createChannel('guild');
      const badBodies: [Record<string, unknown>, string][] = [
        [{}, 'playerId must be an integer'],
        [{ playerId: 2, durationSeconds: 0 }, 'durationSeconds must be between 1 and 31536000'],
        [{ playerId: 2, durationSeconds: 31_536_001 }, 'durationSeconds must be between 1 and 31536000'],
        [{ playerId: 2, reason: 'x'.repeat(201) }, 'reason must be 0-200 characters'],
      ];
      for (const [body, message] of badBodies) {
        const res = await ban('guild', body).expect(400);
        expect(res.body.code).toBe(100);
        expect(res.body.message).toContain(message);
      }
      expect((await unban('guild', 'abc').expect(400)).body).toEqual(fail(100, 'playerId must be a positive integer'));
      for (const call of [
        request(t.url).post(`${base}/channels/guild/bans`).send({ playerId: 2 }),
        request(t.url).get(`${base}/channels/guild/bans`),
        request(t.url).delete(`${base}/channels/guild/bans/2`),
        hive(t, SERVER_KEY_2).post(`${base}/channels/guild/bans`).send({ playerId: 2 }),
      ]) {
        expect((await call.expect(401)).body.code).toBe(101);
      }
      expect(await bans('guild')).toEqual([]);
    });
  });

  describe('KICK_MEMBER (channel owner)', () => {
    it('without a duration: removed (reason "kicked"), NOTIFY_KICKED, free to come back', async () => {
      await createChannel('guild', { playerId: 1 });
      await enter('guild', 2, 3);
      const [owner, bob, cid] = [await connect(1), await connect(2), await connect(3)];
      const before = Date.now();
      expect(await owner.ok('KICK_MEMBER', { channelId: 'guild', playerId: 2, reason: 'afk' })).toEqual({
        channelId: 'guild',
        playerId: 2,
        ban: null,
      });
      expect(await owner.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'kicked'));
      expect(await cid.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'kicked'));
      expect(await bob.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'kicked'));
      const kicked = await bob.nextNotify('NOTIFY_KICKED');
      expect(kicked).toEqual({ channelId: 'guild', reason: 'afk', untilMillis: expect.any(Number) });
      expect(kicked.untilMillis).toBeGreaterThanOrEqual(before);
      expect(kicked.untilMillis).toBeLessThanOrEqual(Date.now());
      expect(await members('guild')).toEqual({ count: 2, ids: [1, 3] });
      expect(await bans('guild')).toEqual([]);
      await bob.ok('ENTER_CHANNEL', { channelId: 'guild' });
      // durationSeconds 0 is a plain kick too.
      expect((await owner.ok('KICK_MEMBER', { channelId: 'guild', playerId: 2, durationSeconds: 0 })).ban).toBeNull();
      expect(await audit('kick')).toEqual([
        expect.objectContaining({ actor: '1', targetPlayerId: 2, channelId: 'guild', details: { reason: null } }),
        expect.objectContaining({ actor: '1', targetPlayerId: 2, channelId: 'guild', details: { reason: 'afk' } }),
      ]);
    });

    it('with a duration: a channel ban (reason "banned"), enter refused 403/311, recorded as channel_ban by the owner', async () => {
      await createChannel('guild', { playerId: 1 });
      await enter('guild', 2);
      const [owner, bob] = [await connect(1), await connect(2)];
      const res = await owner.ok('KICK_MEMBER', { channelId: 'guild', playerId: 2, durationSeconds: 120 });
      expect(res).toEqual({
        channelId: 'guild',
        playerId: 2,
        ban: {
          playerId: 2,
          channelId: 'guild',
          reason: null,
          regTime: expect.any(String),
          regTimeMillis: expect.any(Number),
          untilTime: expect.any(String),
          untilMillis: expect.any(Number),
        },
      });
      expect(res.ban.untilMillis - res.ban.regTimeMillis).toBe(120_000);
      expect(await owner.nextNotify('NOTIFY_EXIT_CHANNEL')).toEqual(exitPush('guild', 2, 'banned'));
      expect(await bob.nextNotify('NOTIFY_KICKED')).toEqual({ channelId: 'guild', reason: null, untilMillis: res.ban.untilMillis });
      expect(await bob.request('ENTER_CHANNEL', { channelId: 'guild' })).toMatchObject({ status: 403, body: { code: 311 } });
      expect(await bans('guild')).toEqual([res.ban]);
      expect(await audit('channel_ban')).toEqual([
        expect.objectContaining({
          actor: '1',
          targetPlayerId: 2,
          details: expect.objectContaining({ durationSeconds: 120, removed: true }),
        }),
      ]);
    });

    it('refuses: not the owner 403/308, oneself 400/100, not a member 400/301, ONE_ON_ONE 400/100, unknown 400/201, bad bodies', async () => {
      await createChannel('guild', { playerId: 1 });
      await createChannel('system');
      await enter('guild', 2);
      await enter('system', 1, 2);
      const [owner, bob] = [await connect(1), await connect(2)];
      expect(await bob.request('KICK_MEMBER', { channelId: 'guild', playerId: 1 })).toMatchObject({
        status: 403,
        message: 'player 2 is not the owner of channel "guild"',
        body: { code: 308 },
      });
      expect(await owner.request('KICK_MEMBER', { channelId: 'system', playerId: 2 })).toMatchObject({ status: 403, body: { code: 308 } });
      expect(await owner.request('KICK_MEMBER', { channelId: 'guild', playerId: 1 })).toMatchObject({
        status: 400,
        message: 'playerId must be another player: the owner cannot kick itself',
        body: { code: 100 },
      });
      for (const durationSeconds of [undefined, 60]) {
        expect(await owner.request('KICK_MEMBER', { channelId: 'guild', playerId: 9, durationSeconds })).toMatchObject({
          status: 400,
          message: 'player 9 is not in channel "guild"',
          body: { code: 301 },
        });
      }
      expect(await bans('guild')).toEqual([]);
      const pair = (await hive(t).post(`${base}/channels/1on1`).send({ playerId: 1, otherPlayerId: 2 }).expect(200)).body.data.channelId;
      expect(await owner.request('KICK_MEMBER', { channelId: pair, playerId: 2 })).toMatchObject({ status: 400, body: { code: 100 } });
      expect(await owner.request('KICK_MEMBER', { channelId: 'ghost', playerId: 2 })).toMatchObject({ status: 400, body: { code: 201 } });
      const bad: [Record<string, unknown>, string][] = [
        [{ channelId: 'guild' }, 'playerId must be an integer'],
        [{ channelId: 'guild', playerId: 2, durationSeconds: -1 }, 'durationSeconds must be between 0 and 31536000'],
        [{ channelId: 'guild', playerId: 2, reason: 'x'.repeat(201) }, 'reason must be 0-200 characters'],
      ];
      for (const [body, message] of bad) {
        const res = await owner.request('KICK_MEMBER', body);
        expect(res).toMatchObject({ status: 400, body: { code: 100 } });
        expect(res.message).toContain(message);
      }
      expect(await members('guild')).toEqual({ count: 2, ids: [1, 2] });
      expect(await audit('kick')).toEqual([]);
    });
  });
});
