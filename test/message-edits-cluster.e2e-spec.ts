import { hive, playerToken } from './support/http.js';
import type { TestApp } from './support/test-app.js';
import { describeWithRedis, sharedDatabase, useTwoTestApps } from './support/two-apps.js';
import { WsClient, closeClients } from './support/ws-client.js';

/**
 * Edits and deletes made through one instance reach members connected to another: two app
 * instances in one process sharing one Redis (TEST_REDIS_URL, else the local one) and, with
 * DATABASE_URL, one PostgreSQL. The messages live in A's database (on the embedded pass B has its
 * own): everything is done through A, and what must reach B is the push. B's database lists the
 * channel and its members too: an instance follows the chat topics of its players' channels as its
 * database lists them (docs/realtime.md#several-instances-redis).
 */
const suite = await describeWithRedis('message-edits-cluster');

suite(
  `message edits and deletes across two instances, one Redis${sharedDatabase ? ', one PostgreSQL' : ' (own embedded databases)'}`,
  () => {
    let a: TestApp;
    let b: TestApp;
    const apps = useTwoTestApps();
    const open: WsClient[] = [];
    const track = <T extends WsClient>(c: T): T => {
      open.push(c);
      return c;
    };

    beforeAll(() => {
      a = apps.a;
      b = apps.b;
    });
    afterEach(async () => {
      await closeClients([a, b], open.splice(0));
    });

    it('an edit and deletes through A (packets and the server API) push to a member connected to B', async () => {
      for (const app of apps.databases()) {
        await hive(app)
          .post('/api/v1/games/1/channel')
          .send({ channelId: 'g', playerId: 1, channelName: 'G', maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
          .expect(200);
        await hive(app).post('/api/v1/games/1/channels/g/enter').send({ playerId: 2 }).expect(200);
      }
      const owner = track(await WsClient.connect(a, 1));
      const onB = track(await WsClient.connect(b, 2, { token: await playerToken(b, 2) }));

      const first: string = (await owner.ok('CHANNEL_CHAT', { channelId: 'g', message: 'draft' })).messageId;
      expect(await onB.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ messageId: first, editedAtMillis: null });
      const edited = await owner.ok('EDIT_MESSAGE', { channelId: 'g', messageId: first, message: 'final' });
      expect(await onB.nextNotify('NOTIFY_MESSAGE_EDITED')).toEqual({
        channelId: 'g',
        messageId: first,
        message: 'final',
        editedAtMillis: edited.editedAtMillis,
      });

      await owner.ok('DELETE_MESSAGE', { channelId: 'g', messageId: first });
      expect(await onB.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual({ channelId: 'g', messageId: first, deletedBy: 1 });

      const second: string = (await owner.ok('CHANNEL_CHAT', { channelId: 'g', message: 'again' })).messageId;
      await hive(a).delete(`/api/v2/games/1/channels/g/messages/${second}`).expect(200);
      expect(await onB.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual({ channelId: 'g', messageId: second, deletedBy: 'SYSTEM' });
      expect(await owner.nextNotify('NOTIFY_MESSAGE_DELETED')).toEqual({ channelId: 'g', messageId: second, deletedBy: 'SYSTEM' });
      expect((await hive(a).get('/api/v2/games/1/channels/g/messages?prevSize=10').expect(200)).body.data.content).toEqual([]);
    });
  },
);
