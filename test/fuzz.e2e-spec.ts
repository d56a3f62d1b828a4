import { getMetadataStorage } from 'class-validator';
import { PacketRouter } from '../src/realtime/protocol/packet-router.js';
import { SERVER_KEY, useTestApp } from './support/test-app.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { type Packet, WsClient } from './support/ws-client.js';

/**
 * Generated hostile input on every route of the OpenAPI document and every packet type the
 * gateway knows: wrong types, NUL characters, deep nesting, huge numbers, null, prototype keys,
 * malformed escapes. Nothing may answer 500 (or WebSocket code 105), and every answer must have
 * its API family's shape. Routes and packets are discovered, so new ones are fuzzed too.
 */

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** Values that broke handlers once or might: every body field gets each of them. */
const HOSTILE: unknown[] = [
  null,
  '',
  '\u0000',
  'a\u0000b',
  -1,
  0,
  1.5,
  1e308,
  2 ** 64,
  '9223372036854775808',
  '99999999999999999999999',
  true,
  [],
  [null],
  ['\u0000'],
  {},
  { constructor: {} },
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  deep(40),
  'x'.repeat(5000),
];

/** Path parameter values. */
const PATH_VALUES = [
  '1',
  'room',
  '0',
  '-1',
  '99999999999999999999999',
  '9223372036854775808',
  'a%00b',
  '%zz',
  'x'.repeat(300),
  '__proto__',
];

/** Fields the DynamicPixels readers take by hand (no DTO), fuzzed besides every DTO field. */
const HAND_READ_FIELDS = [
  'data',
  'Data',
  'party',
  'name',
  'desc',
  'max_member_count',
  'is_private',
  'teams',
  'channels',
  'variables',
  'team',
  'role',
  'query',
  'skip',
  'limit',
  'device_id',
  'device_info',
  'token',
];

/** Every property name of every class-validator DTO of the app (HTTP bodies and packet bodies). */
function dtoFields(): string[] {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<unknown, { propertyName: string }[]> | { propertyName: string }[];
  };
  const all = storage.validationMetadatas instanceof Map ? [...storage.validationMetadatas.values()].flat() : storage.validationMetadatas;
  return [...new Set(all.map((m) => m.propertyName))];
}

/** Bodies for one request: each field set to each hostile value, plus hostile whole bodies. */
function bodies(fields: string[], next: () => number, budget: number): unknown[] {
  const out: unknown[] = [null, [], 'text', 42, deep(3000), JSON.parse('{"__proto__": {"x": 1}, "constructor": {"prototype": 1}}')];
  const base = { channelId: 'room', playerId: 1, data: { name: 'n', max_member_count: 3 } };
  for (let i = 0; i < budget; i++) {
    const field = fields[Math.floor(next() * fields.length)];
    const value = HOSTILE[Math.floor(next() * HOSTILE.length)];
    out.push(next() < 0.3 ? { data: { name: 'n', [field]: value } } : { ...base, [field]: value });
  }
  return out;
}

interface Operation {
  method: string;
  path: string;
  family: 'hive' | 'dp' | 'plain';
}

function familyOf(path: string): Operation['family'] {
  if (/^\/api\/v\d+\/games\//.test(path)) return 'hive';
  if (path.startsWith('/api/')) return 'dp';
  return 'plain';
}

function expectShape(op: Operation, status: number, body: any, what: string): void {
  if (status >= 500) throw new Error(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  if (op.family === 'hive') {
    if (typeof body?.code !== 'number' || typeof body?.message !== 'string')
      throw new Error(`${what}: not a Hive envelope: ${JSON.stringify(body).slice(0, 300)}`);
    if ((status === 200) !== (body.code === 0)) throw new Error(`${what}: status ${status} with code ${body.code}`);
  } else if (op.family === 'dp' && status >= 400) {
    const ok = body?.status === false && typeof body.msg === 'string' && typeof body.detail === 'string' && body.message === body.msg;
    if (!ok) throw new Error(`${what}: not a DynamicPixels error body: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

describe('fuzz: no route or packet answers 500, every answer has its family shape', () => {
  let token: string;
  let operations: Operation[];
  const t = useTestApp({
    env: { RATE_LIMITS: 'off' },
    ready: async (app) => {
      const doc = (await (await fetch(`${app.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path, family: familyOf(path) })),
      );
    },
  });

  beforeEach(async () => {
    token = await playerToken(t, 1);
    await playerToken(t, 2);
    await hive(t)
      .post('/api/v1/games/1/channel')
      .send({ channelId: 'room', channelName: 'Room', maxMemberCount: 10, type: 'GROUP', chatHistoryAllowed: true })
      .expect(200);
    await hive(t).post('/api/v1/games/1/channels/room/enter').send({ playerId: 1 }).expect(200);
    await asPlayer(t, token)
      .post('/api/table/services/parties')
      .send({ data: { name: 'p', max_member_count: 5, teams: ['red'], channels: ['general'] } })
      .expect(200);
  });

  it('finds the routes of both API families in the OpenAPI document', () => {
    expect(operations.filter((o) => o.family === 'hive').length).toBeGreaterThan(15);
    expect(operations.filter((o) => o.family === 'dp').length).toBeGreaterThan(15);
  });

  it('HTTP: hostile paths, queries and bodies on every route', async () => {
    const next = random(20261130);
    const fields = [...new Set([...dtoFields(), ...HAND_READ_FIELDS])];
    let sent = 0;
    for (const op of operations) {
      const auth = op.family === 'hive' ? `Bearer ${SERVER_KEY}` : `bearer ${token}`;
      const paths = PATH_VALUES.map((value) => op.path.replace(/\{gameIndex\}/g, next() < 0.8 ? '1' : value).replace(/\{[^}]+\}/g, value));
      const queries = [
        '',
        ...fields
          .slice(0, 40)
          .map((f) => `?${encodeURIComponent(f)}=${['%00', '99999999999999999999', '-1', '', '%zz', 'a'][Math.floor(next() * 6)]}`),
      ];
      const requests: { path: string; body?: string }[] = [
        ...paths.map((path) => ({ path })),
        ...queries.map((query) => ({ path: paths[0] + query })),
        ...(op.method === 'GET'
          ? []
          : bodies(fields, next, 60).map((body) => ({ path: paths[Math.floor(next() * 2)], body: JSON.stringify(body) }))),
        ...(op.method === 'GET' ? [] : [{ path: paths[0], body: '{"unterminated": ' }]),
      ];
      for (const r of requests) {
        const res = await fetch(`${t.url}${r.path}`, {
          method: op.method,
          headers: { Authorization: auth, ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
          body: r.body,
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // The shape check below reports a non-JSON answer.
        }
        expectShape(op, res.status, body, `${op.method} ${r.path} ${r.body?.slice(0, 200) ?? ''}`);
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(2000);
  }, 240_000);

  it('WebSocket: hostile bodies and frames for every packet type; the socket survives', async () => {
    const types = t.app.get(PacketRouter).packetTypes;
    expect(types).toEqual(expect.arrayContaining(['CHANNEL_CHAT', 'DIRECT_CHAT', 'ENTER_CHANNEL', 'GET_PRESENCE']));
    const next = random(42);
    const fields = dtoFields();
    let client = await WsClient.connect(t, 1);
    let checked = 0;
    try {
      for (const type of types) {
        for (const body of bodies(fields, next, 40)) {
          const res = await client.request(type, body);
          if (res.status >= 500 || res.body?.code === 105)
            throw new Error(`${type} ${JSON.stringify(body).slice(0, 200)} answered ${JSON.stringify(res)}`);
          if (res.status !== 200 && typeof res.body?.code !== 'number')
            throw new Error(`${type}: error without body.code: ${JSON.stringify(res)}`);
          checked++;
          // CONNECT/RECONNECT on an open session may close it (a refused login); start a new one.
          if (client.socket.readyState !== 1) client = await WsClient.connect(t, 1);
        }
      }
      // Frames that are not a proper request.
      const frames = [
        '{"packetType": 7, "correlationId": "f1"}',
        '{"correlationId": "f2", "body": {}}',
        '{"packetType": "CHANNEL_CHAT", "correlationId": "f3", "body": "text"}',
        '{"packetType": "CHANNEL_CHAT", "correlationId": "f4", "body": [1]}',
      ];
      for (const frame of frames) {
        client.sendRaw(frame);
        const id = JSON.parse(frame).correlationId as string;
        const res = await client.nextResponse(id);
        expect(res.status).toBe(400);
      }
      const answered = client.received.filter((p: Packet) => p.status !== undefined);
      expect(answered.every((p) => p.status! < 500)).toBe(true);
    } finally {
      await client.close();
    }
    expect(checked).toBeGreaterThan(300);
  }, 240_000);
});
