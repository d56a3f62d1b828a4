import { useTestApp } from './support/test-app.js';
import { asPlayer, playerToken } from './support/http.js';
import { WsClient, connectAll } from './support/ws-client.js';

const P = '/api/table/services/parties';

/** Party chat and party live events over the real WebSocket gateway (docs/party-api.md, docs/realtime.md). */
describe('parties over the realtime gateway', () => {
  const t = useTestApp();
  let clients: WsClient[] = [];
  const tokens = new Map<number, string>();
  const as = (id: number) => asPlayer(t, tokens.get(id)!);

  beforeEach(async () => {
    for (const id of [1, 2, 3]) tokens.set(id, await playerToken(t, id));
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });

  async function connect(...ids: number[]): Promise<WsClient[]> {
    const list = await connectAll(t, ids);
    clients.push(...list);
    return list;
  }

  it('delivers party chat to members; a kicked member no longer receives it', async () => {
    const party = (
      await as(1)
        .post(P)
        .send({ data: { name: 'Chat', max_member_count: 5, channels: ['general'] } })
        .expect(200)
    ).body.row;
    const channelId = `party:${party.id}:general`;
    await as(2)
      .post(`${P}/${party.id}`)
      .send({ channels: ['general'] })
      .expect(200);
    await as(3)
      .post(`${P}/${party.id}`)
      .send({ channels: ['general'] })
      .expect(200);
    const [owner, ann, bob] = await connect(1, 2, 3);
    expect(bob.connectBody.channelIds).toContain(channelId);

    const sent = await owner.ok('CHANNEL_CHAT', { channelId, message: 'hello party' });
    for (const member of [ann, bob]) {
      const chat = await member.nextNotify('NOTIFY_CHANNEL_CHAT', (b) => b.messageId === sent.messageId);
      expect(chat).toMatchObject({ channelId, from: 1, message: 'hello party' });
    }

    await as(1).delete(`${P}/${party.id}/members/3`).expect(200);
    const left = await bob.nextNotify('NOTIFY_PARTY_MEMBER_LEFT');
    expect(left).toEqual({ partyId: party.id, playerId: 3, membershipId: expect.any(Number), reason: 'kicked' });
    expect(await ann.nextNotify('NOTIFY_PARTY_MEMBER_LEFT')).toMatchObject({ playerId: 3, reason: 'kicked' });

    const second = await owner.ok('CHANNEL_CHAT', { channelId, message: 'after the kick' });
    await ann.nextNotify('NOTIFY_CHANNEL_CHAT', (b) => b.messageId === second.messageId);
    await bob.flush();
    expect(bob.pending('NOTIFY_CHANNEL_CHAT').filter((b) => b.messageId === second.messageId)).toEqual([]);
    const refused = await bob.request('CHANNEL_CHAT', { channelId, message: 'let me in' });
    expect(refused.status).not.toBe(200);

    await as(1).post(`${P}/${party.id}/disband`).expect(200);
    expect(await ann.nextNotify('NOTIFY_PARTY_DELETED')).toEqual({ partyId: party.id });
    expect(await ann.nextNotify('NOTIFY_DELETE_CHANNEL')).toEqual({ channelId });
  });

  it('pushes the private-party flow to the right players and reports who is online', async () => {
    const party = (
      await as(1)
        .post(P)
        .send({ data: { name: 'VIP', max_member_count: 5, is_private: true } })
        .expect(200)
    ).body.row;
    const [owner, ann] = await connect(1, 2);

    const request = (await as(2).post(`${P}/${party.id}`).send({}).expect(200)).body.row;
    expect(await owner.nextNotify('NOTIFY_PARTY_JOIN_REQUEST')).toEqual({ partyId: party.id, playerId: 2, membershipId: request.id });

    await as(1).put(`${P}/${party.id}/waiting/${request.id}`).send({}).expect(200);
    expect(await ann.nextNotify('NOTIFY_PARTY_REQUEST_ACCEPTED')).toEqual({ partyId: party.id, playerId: 2, membershipId: request.id });
    expect(await owner.nextNotify('NOTIFY_PARTY_MEMBER_JOINED')).toEqual({ partyId: party.id, playerId: 2, membershipId: request.id });

    const members = (await as(1).get(`${P}/${party.id}/members`).expect(200)).body.list;
    expect(members.map((m: { id: number; online: boolean }) => [m.id, m.online])).toEqual([
      [1, true],
      [2, true],
    ]);
    // The party (no chat channel here) makes the owner part of ann's presence audience.
    await ann.close();
    clients = clients.filter((c) => c !== ann);
    expect(await owner.nextNotify('NOTIFY_PRESENCE', (b) => b.playerId === 2 && b.online === false)).toMatchObject({
      playerId: 2,
      online: false,
    });
    const after = (await as(1).get(`${P}/${party.id}/members`).expect(200)).body.list;
    expect(after.map((m: { id: number; online: boolean }) => [m.id, m.online])).toEqual([
      [1, true],
      [2, false],
    ]);

    await as(1)
      .put(`${P}/${party.id}`)
      .send({ data: { desc: 'changed' } })
      .expect(200);
    expect((await owner.nextNotify('NOTIFY_PARTY_UPDATED')).party).toMatchObject({ id: party.id, desc: 'changed' });

    const [bob] = await connect(3);
    const rejected = (await as(3).post(`${P}/${party.id}`).send({}).expect(200)).body.row;
    await as(1).delete(`${P}/${party.id}/waiting/${rejected.id}`).expect(200);
    expect(await bob.nextNotify('NOTIFY_PARTY_REQUEST_REJECTED')).toEqual({ partyId: party.id, playerId: 3, membershipId: rejected.id });

    await as(1).post(`${P}/${party.id}/disband`).expect(200);
    expect(await owner.nextNotify('NOTIFY_PARTY_DELETED')).toEqual({ partyId: party.id });
  });
});
