import request from 'supertest';
import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events.js';
import { PresenceService } from '../src/presence/presence.service.js';
import { type TestApp, SERVER_KEY_2, startTestApp, truncateAll } from './support/test-app.js';
import { hive } from './support/http.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const OK = { code: 0, message: 'Success.', data: null };
const base = '/api/v1/games/1';

describe('chat channels: the Hive server API (SPEC 3.3)', () => {
  let t: TestApp;
  let events: { name: string; payload: unknown }[];

  beforeAll(async () => {
    t = await startTestApp();
    const bus = t.app.get(DomainEvents);
    for (const name of ['channel.entered', 'channel.exited', 'channel.deleted', 'channel.updated'] as const) {
      bus.subscribe(name, (payload: DomainEventMap[typeof name]) => {
        events.push({ name, payload });
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await truncateAll(t.dataSource);
    events = [];
  });

  const online = (playerId: number, gameIndex = 1) => t.app.get(PresenceService).markOnline(gameIndex, playerId, Date.now());
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  const createGroup = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t).post(`${base}/channel`).send({ channelId, channelName: `name of ${channelId}`, maxMemberCount: 50, type: 'GROUP', ...extra });

  describe('POST /channel', () => {
    it('creates the seed sample as written (owner SYSTEM)', async () => {
      const res = await hive(t)
        .post(`${base}/channel`)
        .send({ channelId: 'open:12345', channelName: 'Open Chat Room', maxMemberCount: 100, type: 'PUBLIC', chatHistoryAllowed: true })
        .expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          channelId: 'open:12345',
          type: 'PUBLIC',
          gameIndex: 1,
          owner: 'SYSTEM',
          channelName: 'Open Chat Room',
          maxMemberCount: 100,
          chatHistoryAllowed: true,
          regTime: expect.stringMatching(ISO_MS),
          regTimeMillis: expect.any(Number),
        },
      });
      expect(new Date(res.body.data.regTime).getTime()).toBe(res.body.data.regTimeMillis);
    });

    it('with playerId: the player owns it and is entered', async () => {
      const res = await createGroup('guild:1', { playerId: 1001 }).expect(200);
      expect(res.body.data).toMatchObject({ owner: '1001', chatHistoryAllowed: false, type: 'GROUP' });
      const members = await hive(t).get(`${base}/channels/guild:1/members`).expect(200);
      expect(members.body.data).toEqual({ members: [{ playerId: 1001, connectedTimeMillis: null }] });
      await flush();
      expect(events).toEqual([
        { name: 'channel.entered', payload: { gameIndex: 1, channelId: 'guild:1', playerId: 1001, at: expect.any(Date), memberIds: [1001] } },
      ]);
    });

    it('refuses a duplicate channelId with 400/200', async () => {
      await createGroup('dup').expect(200);
      const res = await createGroup('dup').expect(400);
      expect(res.body).toEqual({ code: 200, message: 'channelId "dup" already exists', data: null });
    });
  });
});
