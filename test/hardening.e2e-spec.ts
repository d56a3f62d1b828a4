import request from 'supertest';
import { useTestApp } from './support/test-app.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { WsClient } from './support/ws-client.js';

/**
 * Inputs that once crashed a handler (answered 500) and fidelity details real clients rely on:
 * each cause answered with the documented 4xx of its API family, and nothing stored.
 */
const P = '/api/table/services/parties';
const V1 = '/api/v1/games/1';
const hiveFail = (code: number, message: unknown) => ({ code, message, data: null });

/** `{"a":{"a":...{"a":1}...}}`, `levels` objects deep. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('bad input never answers 500; Hive and DynamicPixels details', () => {
  const t = useTestApp();
  let token: string;

  beforeEach(async () => {
    token = await playerToken(t, 1);
    await hive(t)
      .post(`${V1}/channel`)
      .send({ channelId: 'room', channelName: 'Room', maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
      .expect(200);
    await hive(t).post(`${V1}/channels/room/enter`).send({ playerId: 1 }).expect(200);
  });

  const open: WsClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  const connect = async (playerId = 1) => {
    const c = await WsClient.connect(t, playerId);
    open.push(c);
    return c;
  };

  describe('NUL characters (U+0000)', () => {
    it('are refused in a path, a query and a body on the Hive API', async () => {
      const path = await hive(t).get(`${V1}/channels/a%00b`).expect(400);
      expect(path.body).toEqual(hiveFail(100, 'the path must not contain the NUL character (U+0000)'));
      const query = await hive(t).get(`${V1}/channels?channelName=a%00`).expect(400);
      expect(query.body).toEqual(hiveFail(100, 'channelName must not contain the NUL character (U+0000)'));
      const body = await hive(t)
        .post(`${V1}/channel`)
        .send({ channelId: 'x', channelName: 'a\u0000b', maxMemberCount: 10, type: 'GROUP' })
        .expect(400);
      expect(body.body).toEqual(hiveFail(100, 'channelName must not contain the NUL character (U+0000)'));
      expect((await hive(t).get(`${V1}/channels/x`).expect(400)).body.code).toBe(201);
    });

    it('are refused in a Party API body, nested fields and keys named', async () => {
      const res = await asPlayer(t, token)
        .post(P)
        .send({ data: { name: 'ok', max_member_count: 3, variables: { k: 'v\u0000' } } })
        .expect(400);
      expect(res.body).toMatchObject({
        msg: 'payload is not valid',
        status: false,
        detail: 'data.variables.k must not contain the NUL character (U+0000)',
      });
      const key = await asPlayer(t, token)
        .post(P)
        .send({ data: { name: 'ok', max_member_count: 3, variables: { 'k\u0000': 'v' } } })
        .expect(400);
      expect(key.body.detail).toBe('data.variables must not have a key containing the NUL character (U+0000)');
      const list = await asPlayer(t, token)
        .post(P)
        .send({ data: { name: 'ok', max_member_count: 3, teams: ['red', 'b\u0000'] } })
        .expect(400);
      expect(list.body.detail).toBe('data.teams[1] must not contain the NUL character (U+0000)');
      expect((await asPlayer(t, token).get(P).expect(200)).body.totalCount).toBe(0);
    });

    it('are refused in chat text over the WebSocket, and nothing is stored', async () => {
      const c = await connect();
      const res = await c.request('CHANNEL_CHAT', { channelId: 'room', message: 'hi\u0000there' });
      expect(res).toMatchObject({ status: 400, message: 'message must not contain the NUL character (U+0000)', body: { code: 100 } });
      const history = await hive(t).get('/api/v2/games/1/channels/room/messages?prevSize=10').expect(200);
      expect(history.body.data.content).toEqual([]);
    });
  });

  describe('deeply nested JSON', () => {
    it('is refused on both API families without a stack overflow', async () => {
      const deep = nested(3000);
      const hiveRes = await hive(t).post(`${V1}/channel`).set('Content-Type', 'application/json').send(deep).expect(400);
      expect(hiveRes.body).toEqual(hiveFail(100, 'body is nested too deeply (at most 32 levels)'));
      const dpRes = await asPlayer(t, token).post(P).set('Content-Type', 'application/json').send(`{"data":${deep}}`).expect(400);
      expect(dpRes.body).toMatchObject({ msg: 'payload is not valid', detail: 'body is nested too deeply (at most 32 levels)' });
    });

    it('is refused in a packet body; the socket stays usable', async () => {
      const c = await connect();
      const res = await c.request('CHANNEL_CHAT', JSON.parse(nested(3000)));
      expect(res).toMatchObject({ status: 400, message: 'body is nested too deeply (at most 32 levels)', body: { code: 100 } });
      await c.flush();
    });

    it('accepts a body of ordinary depth', async () => {
      await asPlayer(t, token)
        .post(P)
        .send({ data: { name: 'ok', max_member_count: 3, variables: { a: 'b' } } })
        .expect(200);
    });

    it('refuses a body over the size limit with 400', async () => {
      const res = await hive(t)
        .post(`${V1}/custom/channel`)
        .send({ channelId: 'room', data: 'x'.repeat(600_000) })
        .expect(400);
      expect(res.body).toEqual(hiveFail(100, 'body is larger than 524288 bytes'));
    });
  });

  describe('null for an optional field means "not given"', () => {
    it('on token issue and PUT /users', async () => {
      const issued = await hive(t).post(`${V1}/users/token`).send({ playerId: 4243, name: null, image: null }).expect(200);
      const me = asPlayer(t, issued.body.data.token);
      const put = await me.put('/api/table/services/users').send({ name: null, image: 'pic' }).expect(200);
      expect(put.body.row).toMatchObject({ id: 4243, image: 'pic' });
      await me
        .put('/api/table/services/users')
        .send({ data: { name: null } })
        .expect(200);
    });

    it('on CHANNEL_CHAT (mentionedPlayerIds, replyMessageId, extraData)', async () => {
      const c = await connect();
      const res = await c.request('CHANNEL_CHAT', {
        channelId: 'room',
        message: 'hi',
        mentionedPlayerIds: null,
        replyMessageId: null,
        extraData: null,
      });
      expect(res.status).toBe(200);
      const [stored] = (await hive(t).get('/api/v2/games/1/channels/room/messages?prevSize=1').expect(200)).body.data.content;
      expect(stored).toMatchObject({ message: 'hi', mentionedPlayerIds: [], replyMessageId: null, extraData: null });
    });

    it('on channel create and party edit', async () => {
      await hive(t)
        .post(`${V1}/channel`)
        .send({
          channelId: 'n1',
          channelName: 'N',
          maxMemberCount: 10,
          type: 'GROUP',
          password: null,
          playerId: null,
          chatHistoryAllowed: null,
        })
        .expect(200);
      const party = (
        await asPlayer(t, token)
          .post(P)
          .send({ data: { name: 'p', max_member_count: 3, teams: ['red'] } })
          .expect(200)
      ).body.row;
      const edited = await asPlayer(t, token)
        .put(`${P}/${party.id}`)
        .send({ data: { name: null, desc: 'd', teams: null, max_member_count: null } })
        .expect(200);
      expect(edited.body.row).toMatchObject({ name: 'p', desc: 'd', teams: '["red"]', max_member_count: 3 });
    });
  });

  describe('message ids beyond 2^63 - 1', () => {
    it('are refused on the history route', async () => {
      const res = await hive(t).get('/api/v2/games/1/channels/room/messages?messageId=9223372036854775808').expect(400);
      expect(res.body).toEqual(hiveFail(100, 'messageId must be a message id (a decimal integer string from 0 to 9223372036854775807)'));
      await hive(t).get('/api/v2/games/1/channels/room/messages?messageId=9223372036854775807&prevSize=1').expect(200);
    });

    it('are refused as messageId and replyMessageId over the WebSocket', async () => {
      const c = await connect();
      const history = await c.request('CHANNEL_HISTORY', { channelId: 'room', messageId: '99999999999999999999' });
      expect(history).toMatchObject({
        status: 400,
        body: { code: 100 },
        message: expect.stringContaining('messageId must be a message id'),
      });
      const reply = await c.request('CHANNEL_CHAT', { channelId: 'room', message: 'x', replyMessageId: '9223372036854775808' });
      expect(reply).toMatchObject({
        status: 400,
        body: { code: 100 },
        message: expect.stringContaining('replyMessageId must be a message id'),
      });
    });
  });

  it('drops prototype keys in a packet body instead of failing (constructor, __proto__)', async () => {
    const c = await connect();
    const ctor = await c.request('CHANNEL_CHAT', { channelId: { constructor: {} }, message: 'hi' });
    expect(ctor).toMatchObject({ status: 400, body: { code: 100 }, message: 'channelId must be a string' });
    c.sendRaw(
      '{"packetType":"CHANNEL_CHAT","correlationId":"p1","body":{"__proto__":{"x":1},"channelId":"room","message":"hi","constructor":{"a":1}}}',
    );
    expect(await c.nextResponse('p1')).toMatchObject({ status: 200 });
    const enter = await c.request('ENTER_CHANNEL', { channelId: 'room', password: { constructor: { name: 'x' } } });
    expect(enter).toMatchObject({ status: 400, message: 'password must be a string' });
  });

  describe('party edit with the SDK blank Party object', () => {
    it('keeps teams and channels on "" and clears them only on [] or "[]"', async () => {
      const party = (
        await asPlayer(t, token)
          .post(P)
          .send({ data: { name: 'p', max_member_count: 3, teams: ['red'], channels: ['general'] } })
          .expect(200)
      ).body.row;
      const blank = await asPlayer(t, token)
        .put(`${P}/${party.id}`)
        .send({ partyId: party.id, party: { name: 'renamed', teams: '', channels: '' } })
        .expect(200);
      expect(blank.body.row).toMatchObject({ name: 'renamed', teams: '["red"]', channels: '["general"]' });
      // The party chat channel still exists.
      await hive(t).get(`${V1}/channels/party:${party.id}:general`).expect(200);
      const bad = await asPlayer(t, token)
        .put(`${P}/${party.id}`)
        .send({ data: { teams: 'red' } })
        .expect(400);
      expect(bad.body).toMatchObject({
        msg: 'payload is not valid',
        detail: 'data.teams must be an array of strings or a JSON-array string',
      });
      const cleared = await asPlayer(t, token)
        .put(`${P}/${party.id}`)
        .send({ data: { teams: [], channels: '[]' } })
        .expect(200);
      expect(cleared.body.row).toMatchObject({ teams: '[]', channels: '[]' });
      expect((await hive(t).get(`${V1}/channels/party:${party.id}:general`).expect(400)).body.code).toBe(201);
    });
  });

  describe('Hive fidelity', () => {
    it('a success with nothing to return has no data key', async () => {
      const res = await hive(t).post(`${V1}/channels/room/exit`).send({ playerId: 1 }).expect(200);
      expect(res.body).toEqual({ code: 0, message: 'Success.' });
      expect(Object.keys(res.body)).not.toContain('data');
    });

    it('a method the path does not serve is 405/104 with an Allow header; an unknown path stays 404/103', async () => {
      const res = await hive(t).put(`${V1}/channels/room`).send({}).expect(405);
      expect(res.body).toEqual(hiveFail(104, 'PUT is not allowed on /api/v1/games/1/channels/room; allowed: DELETE, GET, PATCH'));
      expect(res.headers.allow).toBe('DELETE, GET, PATCH');
      expect((await hive(t).get(`${V1}/nothing/here`).expect(404)).body.code).toBe(103);
      const dp = await request(t.url).patch(P).set('Authorization', `bearer ${token}`).send({}).expect(405);
      expect(dp.body).toMatchObject({ status: false, detail: 'PATCH is not allowed on /api/table/services/parties; allowed: GET, POST' });
    });

    it('a response comes before the push its own request caused (ENTER_CHANNEL)', async () => {
      await hive(t)
        .post(`${V1}/channel`)
        .send({ channelId: 'lobby', channelName: 'Lobby', maxMemberCount: 10, type: 'PUBLIC' })
        .expect(200);
      const c = await connect();
      const res = await c.request('ENTER_CHANNEL', { channelId: 'lobby' });
      expect(res.status).toBe(200);
      await c.nextNotify('NOTIFY_ENTER_CHANNEL', (b) => b.playerId === 1 && b.channelId === 'lobby');
      const order = c.received.map((p) => p.packetType);
      expect(order.indexOf('RESPONSE_ENTER_CHANNEL')).toBeLessThan(order.indexOf('NOTIFY_ENTER_CHANNEL'));
    });

    it('a request without correlationId gets a response without that key', async () => {
      const c = await connect();
      c.sendRaw('{"packetType":"PING"}');
      c.sendRaw('{"packetType":"PING","correlationId":null}');
      await c.flush();
      const pongs = c.received.filter((p) => p.packetType === 'PONG');
      expect(pongs[0]).toEqual({ packetType: 'PONG', status: 200, message: 'OK', body: {} });
      expect(pongs[1]).toEqual({ packetType: 'PONG', correlationId: null, status: 200, message: 'OK', body: {} });
    });

    it('a packet before CONNECT (PING included) gets RESPONSE_<TYPE> 401/101, then the close', async () => {
      for (const type of ['PING', 'CHANNEL_CHAT', 'NO_SUCH_PACKET']) {
        const c = await WsClient.open(t);
        const res = await c.request(type, {});
        expect(res).toEqual({
          packetType: `RESPONSE_${type}`,
          correlationId: expect.any(String),
          status: 401,
          message: 'the first packet must be CONNECT or RECONNECT',
          body: { code: 101 },
        });
        expect((await c.closed).code).toBe(1008);
      }
    });
  });
});
