import { ChatHistoryService, type StoredMessage } from '../src/channel/chat-history.service.js';
import { hive } from './support/http.js';
import { useRealtimeTestApp } from './support/realtime-test-app.js';
import { WsClient, deleteRedisKeys, resetRealtimeCaches, type Packet } from './support/ws-client.js';

const base = '/api/v1/games/1';

/** Polls `done` every 10 ms for up to 5 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A connection's chat packets are pipelined: the next one is admitted while the previous one waits
 * for its commit, and responses, seq, pushes and history all keep the order the packets were sent in.
 */
describe('chat pipelining on one connection', () => {
  const { t, connect, redisEnv } = useRealtimeTestApp();
  const create = (channelId: string, extra: Record<string, unknown> = {}) =>
    hive(t)
      .post(`${base}/channel`)
      .send({ channelId, channelName: channelId, maxMemberCount: 50, type: 'GROUP', chatHistoryAllowed: true, ...extra })
      .expect(200);
  const enter = (channelId: string, ...playerIds: number[]) =>
    Promise.all(playerIds.map((playerId) => hive(t).post(`${base}/channels/${channelId}/enter`).send({ playerId }).expect(200)));
  const stored = async (channelId: string) =>
    (await t.dataSource.query(`SELECT message, seq FROM chat_messages WHERE channel_id = $1 ORDER BY id`, [channelId])).map(
      (r: { message: string; seq: string }) => [r.message, Number(r.seq)],
    );
  /** The responses (and their order) among the frames a client received. */
  const responses = (client: WsClient) =>
    client.received.filter((p: Packet) => p.status !== undefined && p.packetType !== 'RESPONSE_CONNECT');

  /** The history inserts, each a list of messages; `gate` holds the next insert until released. */
  let batches: StoredMessage[][];
  let gate: Promise<void> | null;
  let release: (() => void) | undefined;
  let failNext: Error | null;
  beforeEach(async () => {
    batches = [];
    gate = null;
    failNext = null;
    const history = t.app.get(ChatHistoryService);
    const append = (messages: StoredMessage[]) => ChatHistoryService.prototype.append.call(history, messages);
    history.append = async (messages: StoredMessage[]) => {
      batches.push([...messages]);
      const [held, fail] = [gate, failNext];
      [gate, failNext] = [null, null];
      if (held) await held;
      if (fail) throw fail;
      return append(messages);
    };
  });
  afterEach(async () => {
    release?.();
    const history: Partial<ChatHistoryService> = t.app.get(ChatHistoryService);
    delete history.append;
  });
  /** A history channel with players 1 and 2 in it, both connected. */
  const annAndBobIn = async (channelId: string) => {
    await create(channelId);
    await enter(channelId, 1, 2);
    return [await connect(1), await connect(2)] as const;
  };
  const holdNextInsert = () => {
    gate = new Promise((resolve) => (release = resolve));
  };

  it('admits the next message while the previous one waits for its commit: one sender fills a batch', async () => {
    const [ann, bob] = await annAndBobIn('p1');
    holdNextInsert();
    const ids = [1, 2, 3, 4, 5].map((i) => ann.send('CHANNEL_CHAT', { channelId: 'p1', message: `m${i}` }));
    // The first insert is held; the four next messages are admitted meanwhile and queue for the next one.
    await until(() => batches.length === 1, 'the first insert');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(responses(ann)).toEqual([]);
    expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    release!();
    const answers = await Promise.all(ids.map((id) => ann.nextResponse(id)));
    expect(batches.map((b) => b.map((m) => m.message))).toEqual([['m1'], ['m2', 'm3', 'm4', 'm5']]);
    expect(answers.map((a) => [a.status, a.body.seq])).toEqual([1, 2, 3, 4, 5].map((seq) => [200, seq]));
    expect(responses(ann).map((r) => r.correlationId)).toEqual(ids);
    for (let i = 1; i <= 5; i++) expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq: i, message: `m${i}` });
    expect(await stored('p1')).toEqual([1, 2, 3, 4, 5].map((i) => [`m${i}`, i]));
  });

  it('keeps packet order for responses of every kind between pipelined messages, errors included', async () => {
    await create('p2');
    await create('other');
    await enter('p2', 1, 2);
    const ann = await connect(1);
    const bob = await connect(2);
    holdNextInsert();
    const sent = [
      ann.send('CHANNEL_CHAT', { channelId: 'p2', message: 'a' }),
      ann.send('PING'),
      ann.send('CHANNEL_CHAT', { channelId: 'other', message: 'refused: not a member' }),
      ann.send('CHANNEL_CHAT', { channelId: 'p2', message: 'b' }),
      ann.send('CHANNEL_HISTORY', { channelId: 'p2', prevSize: 10 }),
      ann.send('CHANNEL_CHAT', { channelId: 'p2', message: 'c' }),
    ];
    await until(() => batches.length === 1, 'the first insert');
    release!();
    const answers = await Promise.all(sent.map((id) => ann.nextResponse(id)));
    expect(responses(ann).map((r) => r.correlationId)).toEqual(sent);
    expect(answers.map((a) => a.packetType)).toEqual([
      'RESPONSE_CHANNEL_CHAT',
      'PONG',
      'RESPONSE_CHANNEL_CHAT',
      'RESPONSE_CHANNEL_CHAT',
      'RESPONSE_CHANNEL_HISTORY',
      'RESPONSE_CHANNEL_CHAT',
    ]);
    expect([answers[2].status, answers[2].body.code]).toEqual([400, 301]);
    expect([answers[0], answers[3], answers[5]].map((a) => a.body.seq)).toEqual([1, 2, 3]);
    for (const [seq, message] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as [number, string][]) {
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq, message });
    }
    expect(await stored('p2')).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('answers every message of a failed insert with an error, pushes none of them, and goes on with the next', async () => {
    const [ann, bob] = await annAndBobIn('p3');
    holdNextInsert();
    const first = ann.send('CHANNEL_CHAT', { channelId: 'p3', message: 'x1' });
    await until(() => batches.length === 1, 'the first insert');
    const failed = [
      ann.send('CHANNEL_CHAT', { channelId: 'p3', message: 'x2' }),
      ann.send('CHANNEL_CHAT', { channelId: 'p3', message: 'x3' }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The insert of x2 and x3 (after the held one) fails as a lost database connection would.
    failNext = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    release!();
    expect((await ann.nextResponse(first)).body.seq).toBe(1);
    for (const id of failed) expect((await ann.nextResponse(id)).status).toBe(503);
    const after = await ann.ok('CHANNEL_CHAT', { channelId: 'p3', message: 'x4' });
    expect(after.message).toBe('x4');
    expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'x1' });
    expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ message: 'x4', seq: after.seq });
    expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    expect((await stored('p3')).map(([m]: [string]) => m)).toEqual(['x1', 'x4']);
  });

  it('holds a push to a pipelining sender only until the responses it was waiting behind are out', async () => {
    await create('mine');
    await create('live', { chatHistoryAllowed: false });
    await enter('mine', 1);
    await enter('live', 1, 2);
    const ann = await connect(1);
    const bob = await connect(2);
    holdNextInsert();
    const first = ann.send('CHANNEL_CHAT', { channelId: 'mine', message: 'm1' });
    await until(() => batches.length === 1, 'the first insert');
    await bob.ok('CHANNEL_CHAT', { channelId: 'live', message: 'from bob' });
    const later = [
      ann.send('CHANNEL_CHAT', { channelId: 'mine', message: 'm2' }),
      ann.send('CHANNEL_CHAT', { channelId: 'mine', message: 'm3' }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ann.pending('NOTIFY_CHANNEL_CHAT')).toEqual([]);
    release!();
    for (const id of later) await ann.nextResponse(id);
    const order = ann.received
      .filter((p: Packet) => p.packetType === 'NOTIFY_CHANNEL_CHAT' || [first, ...later].includes(p.correlationId!))
      .map((p: Packet) => (p.packetType === 'NOTIFY_CHANNEL_CHAT' ? (p.body as { message: string }).message : p.correlationId));
    // Bob's push came while only m1 was awaited: it follows m1's response, not m3's.
    expect(order).toEqual([first, 'from bob', ...later]);
  });

  it('numbers pipelined messages in order when the live numbering must first be read from the database', async () => {
    const [ann, bob] = await annAndBobIn('again');
    for (const m of ['a', 'b']) await ann.ok('CHANNEL_CHAT', { channelId: 'again', message: m });
    // What a restart (or Redis losing its data) leaves: the database only.
    await resetRealtimeCaches(t);
    if (redisEnv.REDIS_URL) await deleteRedisKeys(redisEnv.REDIS_URL, `${redisEnv.REDIS_PREFIX}stream:`);
    const ids = ['c', 'd', 'e', 'f'].map((m) => ann.send('CHANNEL_CHAT', { channelId: 'again', message: m }));
    const answers = await Promise.all(ids.map((id) => ann.nextResponse(id)));
    expect(answers.map((a) => [a.status, a.body.seq])).toEqual([3, 4, 5, 6].map((seq) => [200, seq]));
    for (const [seq, m] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      expect(await bob.nextNotify('NOTIFY_CHANNEL_CHAT')).toMatchObject({ seq: seq + 1, message: m });
    }
    expect(await stored('again')).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((m, i) => [m, i + 1]));
  });

  it('does not let pipelined messages slip past slow mode', async () => {
    await create('slow', { slowModeSeconds: 60 });
    await enter('slow', 1, 2);
    const bob = await connect(2);
    const ann = await connect(1);
    const ids = [1, 2, 3].map((i) => ann.send('CHANNEL_CHAT', { channelId: 'slow', message: `s${i}` }));
    const answers = await Promise.all(ids.map((id) => ann.nextResponse(id)));
    expect(answers[0].body.seq).toBe(1);
    expect(answers.slice(1).map((a) => a.status)).toEqual([429, 429]);
    await bob.flush();
    expect(bob.pending('NOTIFY_CHANNEL_CHAT')).toHaveLength(1);
    expect(await stored('slow')).toEqual([['s1', 1]]);
  });
});
