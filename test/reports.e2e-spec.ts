import request from 'supertest';
import { hive, playerToken } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { SERVER_KEY, SERVER_KEY_2 } from './support/test-app.js';
import { WsClient } from './support/ws-client.js';

/** Reports (docs/moderation.md#reports): the REPORT packet, the queue's list and status changes, their audit entries. */
describe('reports', () => {
  const { t, connect: connectWith } = useRealtimeTestApp();
  const base = '/api/v1/games/1';
  const connect = async (playerId: number, gameIndex = 1) =>
    connectWith(playerId, { token: await playerToken(t, playerId, gameIndex, gameIndex === 1 ? SERVER_KEY : SERVER_KEY_2) });
  const list = async (query = '') => (await hive(t).get(`${base}/reports${query}`).expect(200)).body.data;
  const report = async (client: WsClient, body: Record<string, unknown>): Promise<string> => (await client.ok('REPORT', body)).reportId;
  const failure = (code: number, message: string) => ({ status: 400, message, body: { code } });
  const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  /** Channel `g` (history on) with players 1 and 2; player 2 has said something. */
  const withMessage = async () => {
    await hive(t)
      .post(`${base}/channel`)
      .send({ channelId: 'g', playerId: 1, channelName: 'G', maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
      .expect(200);
    await hive(t).post(`${base}/channels/g/enter`).send({ playerId: 2 }).expect(200);
    const [reporter, offender] = [await connect(1), await connect(2)];
    const messageId: string = (await offender.ok('CHANNEL_CHAT', { channelId: 'g', message: 'buy gold at example.com' })).messageId;
    return { reporter, offender, messageId };
  };

  describe('REPORT', () => {
    it('stores a report about a message with a copy of its text that later edits and deletes leave alone', async () => {
      const { reporter, offender, messageId } = await withMessage();
      const res = await reporter.request('REPORT', { playerId: 2, channelId: 'g', messageId, category: 'spam', reason: 'gold seller' });
      expect(res).toEqual({
        packetType: 'RESPONSE_REPORT',
        correlationId: expect.any(String),
        status: 200,
        message: 'OK',
        body: { reportId: expect.stringMatching(/^\d+$/) },
      });
      await offender.ok('EDIT_MESSAGE', { channelId: 'g', messageId, message: 'hello friends' });
      await offender.ok('DELETE_MESSAGE', { channelId: 'g', messageId });
      const { content, page } = await list();
      expect(page).toEqual({ size: 20, currentPage: 1, totalElements: 1, totalPages: 1 });
      expect(content).toEqual([
        {
          reportId: res.body.reportId,
          reporterId: 1,
          playerId: 2,
          channelId: 'g',
          messageId,
          messageText: 'buy gold at example.com',
          category: 'spam',
          reason: 'gold seller',
          status: 'open',
          note: null,
          regTime: expect.stringMatching(ISO_MS),
          regTimeMillis: expect.any(Number),
          updatedTime: expect.stringMatching(ISO_MS),
          updatedTimeMillis: expect.any(Number),
        },
      ]);
      expect(new Date(content[0].regTime).getTime()).toBe(content[0].regTimeMillis);
      expect(content[0].updatedTimeMillis).toBe(content[0].regTimeMillis);
      const [row] = await t.dataSource.query(`SELECT message_sender FROM reports`);
      expect(Number(row.message_sender)).toBe(2);
    });

    it('keeps a report without a copy when there is no such message; takes the channel from a found message', async () => {
      const { reporter, messageId } = await withMessage();
      const plain = await report(reporter, { playerId: 2, category: 'cheating', reason: 'wall hack' });
      const unknown = await report(reporter, { playerId: 2, channelId: 'g', messageId: '12345', category: 'abuse', reason: 'x' });
      const wrongChannel = await report(reporter, { playerId: 2, channelId: 'elsewhere', messageId, category: 'abuse', reason: 'y' });
      const noChannel = await report(reporter, { playerId: 2, messageId, category: 'other', reason: 'z', channelId: null });
      const byId = new Map((await list()).content.map((r: { reportId: string }) => [r.reportId, r]));
      expect(byId.get(plain)).toMatchObject({ channelId: null, messageId: null, messageText: null, category: 'cheating' });
      expect(byId.get(unknown)).toMatchObject({ channelId: 'g', messageId: '12345', messageText: null });
      expect(byId.get(wrongChannel)).toMatchObject({ channelId: 'elsewhere', messageId, messageText: null });
      expect(byId.get(noChannel)).toMatchObject({ channelId: 'g', messageId, messageText: 'buy gold at example.com' });
    });

    it('refuses reporting oneself and bad fields with 400/100', async () => {
      const reporter = await connect(1);
      const ok = { playerId: 2, category: 'spam', reason: 'r' };
      const refused = (body: Record<string, unknown>) => reporter.request('REPORT', { ...ok, ...body });
      expect(await refused({ playerId: 1 })).toMatchObject(
        failure(100, 'playerId must be another player: players cannot report themselves'),
      );
      expect(await refused({ category: 'rude' })).toMatchObject(failure(100, 'category must be one of spam, abuse, cheating, other'));
      expect(await refused({ reason: '' })).toMatchObject(failure(100, 'reason must be 1-500 characters'));
      expect(await refused({ reason: 'é'.repeat(501) })).toMatchObject(failure(100, 'reason must be 1-500 characters'));
      expect(await refused({ playerId: 'two' })).toMatchObject(failure(100, 'playerId must be an integer'));
      expect(await refused({ messageId: 'abc' })).toMatchObject({ status: 400, body: { code: 100 } });
      expect(await refused({ channelId: 'bad channel' })).toMatchObject({ status: 400, body: { code: 100 } });
      expect((await reporter.request('REPORT', { playerId: 2, reason: 'r' })).status).toBe(400);
      expect((await refused({ reason: '😀'.repeat(500) })).status).toBe(200);
      expect((await list()).page.totalElements).toBe(1);
    });
  });

  describe('GET /reports', () => {
    it('lists newest first, filtered by status and player, in pages; each game apart', async () => {
      const reporter = await connect(1);
      const ids: string[] = [];
      for (const playerId of [2, 3, 2, 4, 2])
        ids.push(await report(reporter, { playerId, category: 'abuse', reason: `about ${playerId}` }));
      await hive(t).patch(`${base}/reports/${ids[0]}`).send({ status: 'resolved' }).expect(200);
      const reportIds = (data: { content: { reportId: string }[] }) => data.content.map((r) => r.reportId);
      expect(reportIds(await list())).toEqual([...ids].reverse());
      expect(reportIds(await list('?playerId=2'))).toEqual([ids[4], ids[2], ids[0]]);
      expect(reportIds(await list('?status=open'))).toEqual([ids[4], ids[3], ids[2], ids[1]]);
      expect(reportIds(await list('?status=resolved&playerId=2'))).toEqual([ids[0]]);
      expect(reportIds(await list('?status=dismissed'))).toEqual([]);
      const second = await list('?size=2&page=2');
      expect(reportIds(second)).toEqual([ids[2], ids[1]]);
      expect(second.page).toEqual({ size: 2, currentPage: 2, totalElements: 5, totalPages: 3 });
      expect((await list('?size=2&page=9')).content).toEqual([]);
      // Another game's queue is empty.
      const other = await connect(1, 2);
      await report(other, { playerId: 5, category: 'spam', reason: 'game 2' });
      const game2 = (await hive(t, SERVER_KEY_2).get('/api/v1/games/2/reports').expect(200)).body.data;
      expect(game2.content.map((r: { playerId: number }) => r.playerId)).toEqual([5]);
      expect((await list()).page.totalElements).toBe(5);
    });

    it('refuses bad queries (400/100) and missing or foreign keys (401)', async () => {
      expect((await request(t.url).get(`${base}/reports`).expect(401)).body.code).toBe(101);
      expect((await hive(t, SERVER_KEY_2).get(`${base}/reports`).expect(401)).body.code).toBe(101);
      const bad = async (query: string) => (await hive(t).get(`${base}/reports${query}`).expect(400)).body;
      expect(await bad('?status=closed')).toEqual({ code: 100, message: 'status must be one of open, resolved, dismissed', data: null });
      expect((await bad('?size=101')).message).toContain('size must be between 1 and 100');
      expect((await bad('?size=0')).message).toContain('size must be between 1 and 100');
      expect((await bad('?page=0')).message).toContain('page must be between 1 and 1000000');
      expect((await bad('?playerId=abc')).message).toContain('playerId must be an integer');
    });
  });

  describe('PATCH /reports/{reportId}', () => {
    it('changes the status and note, answers the report, and records report_update with the previous status', async () => {
      const { reporter, messageId } = await withMessage();
      const id = await report(reporter, { playerId: 2, channelId: 'g', messageId, category: 'spam', reason: 'gold seller' });
      const [before] = (await list()).content;
      const res = await hive(t).patch(`${base}/reports/${id}`).send({ status: 'resolved', note: 'muted for a day' }).expect(200);
      expect(res.body).toEqual({
        code: 0,
        message: 'Success.',
        data: {
          ...before,
          status: 'resolved',
          note: 'muted for a day',
          updatedTime: expect.stringMatching(ISO_MS),
          updatedTimeMillis: expect.any(Number),
        },
      });
      expect(res.body.data.updatedTimeMillis).toBeGreaterThanOrEqual(before.updatedTimeMillis);
      expect((await list()).content[0]).toEqual(res.body.data);
      // A note left out is kept; "" clears it.
      expect((await hive(t).patch(`${base}/reports/${id}`).send({ status: 'dismissed' }).expect(200)).body.data).toMatchObject({
        status: 'dismissed',
        note: 'muted for a day',
      });
      expect((await hive(t).patch(`${base}/reports/${id}`).send({ status: 'open', note: '' }).expect(200)).body.data).toMatchObject({
        status: 'open',
        note: null,
      });
      const audit = (await hive(t).get(`${base}/audit?action=report_update`).expect(200)).body.data.content;
      expect(audit.map((e: { details: unknown }) => e.details)).toEqual([
        { reportId: id, status: 'open', previousStatus: 'dismissed', note: null },
        { reportId: id, status: 'dismissed', previousStatus: 'resolved', note: 'muted for a day' },
        { reportId: id, status: 'resolved', previousStatus: 'open', note: 'muted for a day' },
      ]);
      expect(audit[0]).toMatchObject({ action: 'report_update', actor: 'SYSTEM', targetPlayerId: 2, channelId: 'g' });
    });

    it('refuses: unknown report 404/103, bad body or id 400/100, missing or foreign key 401; nothing recorded', async () => {
      const reporter = await connect(1);
      const id = await report(reporter, { playerId: 2, category: 'other', reason: 'r' });
      expect((await hive(t).patch(`${base}/reports/999999`).send({ status: 'resolved' }).expect(404)).body).toEqual({
        code: 103,
        message: 'report 999999 does not exist',
        data: null,
      });
      // Another game's report is not found.
      expect((await hive(t, SERVER_KEY_2).patch(`/api/v1/games/2/reports/${id}`).send({ status: 'resolved' }).expect(404)).body.code).toBe(
        103,
      );
      const bad = async (path: string, body: unknown) =>
        (
          await hive(t)
            .patch(path)
            .send(body as object)
            .expect(400)
        ).body;
      expect(await bad(`${base}/reports/${id}`, { status: 'closed' })).toEqual({
        code: 100,
        message: 'status must be one of open, resolved, dismissed',
        data: null,
      });
      expect((await bad(`${base}/reports/${id}`, {})).message).toContain('status must be one of');
      expect((await bad(`${base}/reports/${id}`, { status: 'resolved', note: 'n'.repeat(501) })).message).toBe(
        'note must be 0-500 characters',
      );
      expect((await bad(`${base}/reports/abc`, { status: 'resolved' })).message).toBe(
        'reportId must be a decimal integer from 0 to 9223372036854775807',
      );
      expect((await request(t.url).patch(`${base}/reports/${id}`).send({ status: 'resolved' }).expect(401)).body.code).toBe(101);
      expect((await hive(t, SERVER_KEY_2).patch(`${base}/reports/${id}`).send({ status: 'resolved' }).expect(401)).body.code).toBe(101);
      expect((await list()).content[0].status).toBe('open');
      expect((await hive(t).get(`${base}/audit`).expect(200)).body.data.content).toEqual([]);
    });
  });
});
