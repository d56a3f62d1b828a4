import WebSocket from 'ws';
import { playerToken } from './http.js';
import type { TestApp } from './test-app.js';

export { resetRealtimeCaches } from './realtime-caches.js';

/** Any frame the server sends. */
export interface Packet {
  packetType: string;
  correlationId?: string | number | null;
  status?: number;
  message?: string;
  body?: any;
}

/** A RESPONSE_<TYPE> (or PONG) frame. */
export interface ResponsePacket extends Packet {
  correlationId: string | number | null;
  status: number;
  message: string;
  body: any;
}

interface Waiter {
  match: (p: Packet) => boolean;
  resolve: (p: Packet) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  what: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** How WsClient.connect signs in: the game (default 1), the language, or a token of the caller's own. */
export interface ConnectOptions {
  gameIndex?: number;
  languageCode?: string;
  token?: string;
}

/**
 * A WebSocket client for e2e tests speaking the Hive packet framing.
 *
 *   const ann = await WsClient.connect(t, 1);                 // token for player 1 + CONNECT
 *   const res = await ann.request('CHANNEL_CHAT', { channelId: 'c', message: 'hi' });
 *   expect(res.status).toBe(200);
 *   const body = await bob.nextNotify('NOTIFY_CHANNEL_CHAT');  // waits, or takes one already received
 *   await ann.close();
 *
 * Every frame is kept in `received`. Pushes (frames without a correlationId) are queued until a
 * `nextNotify` takes them, so a test never misses a push that arrived before it started waiting.
 * `timeoutMs` only turns a hang into a readable failure; it is not a timing assertion.
 */
export class WsClient {
  readonly received: Packet[] = [];
  /** Pushes not yet taken by nextNotify. */
  private readonly unread: Packet[] = [];
  private readonly waiters = new Set<Waiter>();
  private counter = 0;
  /** Resolves when the socket closes, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Body of RESPONSE_CONNECT / RESPONSE_RECONNECT after connect()/reconnect(). */
  connectBody: any = null;
  playerId: number | null = null;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data: Buffer) => this.onFrame(data.toString()));
    socket.on('close', () => {
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`socket closed while waiting for ${w.what}; received: ${this.describeReceived()}`));
      }
      this.waiters.clear();
    });
  }

  /** `ws://host:port/ws` of a test app (or a base URL string). */
  static urlOf(target: TestApp | string): string {
    const base = typeof target === 'string' ? target : target.url;
    return `${base.replace(/^http/, 'ws')}/ws`;
  }

  /** Opens a socket (no CONNECT yet), with extra upgrade request headers if given (e.g. X-Forwarded-For). */
  static open(target: TestApp | string, headers?: Record<string, string>): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(WsClient.urlOf(target), headers ? { headers } : undefined);
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Opens a socket and sends CONNECT for the player (token issued through the server API); fails unless 200. */
  static async connect(t: TestApp, playerId: number, options: ConnectOptions = {}): Promise<WsClient> {
    const token = options.token ?? (await playerToken(t, playerId, options.gameIndex ?? 1));
    const client = await WsClient.open(t);
    client.playerId = playerId;
    client.connectBody = await client.ok('CONNECT', { token, ...(options.languageCode ? { languageCode: options.languageCode } : {}) });
    return client;
  }

  /** Opens a socket and sends RECONNECT (with `positions` to resume from, if given); the response body is in connectBody. */
  static async reconnect(
    t: TestApp,
    playerId: number,
    options: { gameIndex?: number; languageCode?: string; token?: string; positions?: unknown[] } = {},
  ): Promise<WsClient> {
    const token = options.token ?? (await playerToken(t, playerId, options.gameIndex ?? 1));
    const client = await WsClient.open(t);
    client.playerId = playerId;
    client.connectBody = await client.ok('RECONNECT', {
      token,
      ...(options.languageCode ? { languageCode: options.languageCode } : {}),
      ...(options.positions ? { positions: options.positions } : {}),
    });
    return client;
  }

  /** Sends a packet without waiting; returns the correlationId used. */
  send(packetType: string, body?: unknown, correlationId: string | number = `c${++this.counter}`): string | number {
    this.sendRaw(JSON.stringify(body === undefined ? { packetType, correlationId } : { packetType, correlationId, body }));
    return correlationId;
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends a packet and resolves with the response carrying the same correlationId (any status). */
  async request(packetType: string, body?: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ResponsePacket> {
    const correlationId = `c${++this.counter}`;
    const response = this.waitFor(
      (p) => p.correlationId === correlationId && p.status !== undefined,
      `response to ${packetType}`,
      timeoutMs,
    );
    this.send(packetType, body, correlationId);
    return (await response) as ResponsePacket;
  }

  /** The response carrying this correlationId (for frames sent with sendRaw), already received or awaited. */
  async nextResponse(correlationId: string | number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ResponsePacket> {
    const match = (p: Packet) => p.correlationId === correlationId && p.status !== undefined;
    const seen = this.received.find(match);
    return (seen ?? (await this.waitFor(match, `response ${correlationId}`, timeoutMs))) as ResponsePacket;
  }

  /** request() that must succeed (status 200); resolves with the response body. */
  async ok(packetType: string, body?: unknown): Promise<any> {
    const res = await this.request(packetType, body);
    if (res.status !== 200) throw new Error(`${packetType} failed: ${JSON.stringify(res)}`);
    return res.body;
  }

  /** The next push of this type (optionally matching `where`), taking an already received one first. */
  async nextNotify(packetType: string, where: (body: any) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<any> {
    const match = (p: Packet) => p.packetType === packetType && where(p.body);
    const index = this.unread.findIndex(match);
    if (index >= 0) return this.unread.splice(index, 1)[0].body;
    const packet = await this.waitFor((p) => p.correlationId === undefined && match(p), packetType, timeoutMs, true);
    return packet.body;
  }

  /** Pushes of this type received and not yet taken (without waiting). */
  pending(packetType: string): any[] {
    return this.unread.filter((p) => p.packetType === packetType).map((p) => p.body);
  }

  /**
   * A PING round trip: once it returns, every frame the server sent before the PONG has been
   * received. Use it to assert that something did NOT arrive, without sleeping.
   */
  async flush(): Promise<void> {
    await this.ok('PING');
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }

  /** Drops the TCP connection without a close handshake (a crashed client). */
  async terminate(): Promise<void> {
    this.socket.terminate();
    await this.closed;
  }

  private waitFor(match: (p: Packet) => boolean, what: string, timeoutMs: number, consume = false): Promise<Packet> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState === WebSocket.CLOSED) {
        reject(new Error(`socket is closed; cannot wait for ${what}; received: ${this.describeReceived()}`));
        return;
      }
      const waiter: Waiter = {
        match: (p) => {
          if (!match(p)) return false;
          if (consume) {
            const i = this.unread.indexOf(p);
            if (i >= 0) this.unread.splice(i, 1);
          }
          return true;
        },
        resolve,
        reject,
        what,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${this.describeReceived()}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private onFrame(text: string): void {
    let packet: Packet;
    try {
      packet = JSON.parse(text);
    } catch {
      packet = { packetType: 'UNPARSABLE', body: text };
    }
    this.received.push(packet);
    if (packet.correlationId === undefined) this.unread.push(packet);
    for (const w of this.waiters) {
      if (w.match(packet)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(packet);
        break;
      }
    }
  }

  private describeReceived(): string {
    const last = this.received.slice(-5).map((p) => JSON.stringify(p).slice(0, 300));
    return `${this.received.length} frame(s)${last.length ? `, last: ${last.join(' | ')}` : ''}`;
  }
}

/** Connects several players at once. */
export function connectAll(
  t: TestApp,
  playerIds: number[],
  options: { gameIndex?: number; languageCode?: string } = {},
): Promise<WsClient[]> {
  return Promise.all(playerIds.map((id) => WsClient.connect(t, id, options)));
}

/**
 * When TEST_REDIS_URL is set (CI's PostgreSQL pass), the environment that puts a test app in
 * Redis mode under a fresh key prefix; otherwise {} (single-instance mode).
 */
export function optionalRedisEnvironment(): Record<string, string> {
  const url = process.env.TEST_REDIS_URL;
  return url ? redisTestEnvironment(url) : {};
}

/** After the app closed: removes the keys of optionalRedisEnvironment() (no-op without Redis). */
export async function cleanOptionalRedis(env: Record<string, string>): Promise<void> {
  if (env.REDIS_URL && env.REDIS_PREFIX) await deleteRedisKeys(env.REDIS_URL, env.REDIS_PREFIX);
}

/**
 * Environment for an app in Redis mode with keys under a prefix of its own (the Redis is shared):
 * `startTestApp(redisTestEnvironment(url))`. Remove the keys afterwards with `deleteRedisKeys`.
 */
export function redisTestEnvironment(
  url: string,
  prefix = `pctest:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`,
): { REDIS_URL: string; REDIS_PREFIX: string } {
  return { REDIS_URL: url, REDIS_PREFIX: prefix };
}

/** Deletes every key under the prefix (test clean-up); on a Redis Cluster, on every primary. */
/** A client of the test Redis: a cluster client (ready) when the URL names a Redis Cluster node. */
export async function openRedis(url: string): Promise<import('ioredis').Redis | import('ioredis').Cluster> {
  const { Cluster, Redis } = await import('ioredis');
  const { detectCluster } = await import('../../src/presence/redis-connection.js');
  if (!(await detectCluster(url))) return new Redis(url);
  const { hostname, port } = new URL(url);
  const cluster = new Cluster([{ host: hostname, port: Number(port || 6379) }]);
  await new Promise((resolve) => cluster.once('ready', resolve));
  return cluster;
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { Cluster, Redis } = await import('ioredis');
  const { detectCluster } = await import('../../src/presence/redis-connection.js');
  if (!(await detectCluster(url))) return deleteKeysOn(new Redis(url), prefix, true);
  const { hostname, port } = new URL(url);
  const cluster = new Cluster([{ host: hostname, port: Number(port || 6379) }]);
  try {
    await new Promise((resolve) => cluster.once('ready', resolve));
    // Each key alone: a DEL of several keys must stay within one slot.
    for (const node of cluster.nodes('master')) await deleteKeysOn(node, prefix, false);
  } finally {
    cluster.disconnect();
  }
}

async function deleteKeysOn(redis: import('ioredis').Redis, prefix: string, own: boolean): Promise<void> {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await (own ? redis.del(...keys) : Promise.all(keys.map((key) => redis.del(key))));
      cursor = next;
    } while (cursor !== '0');
  } finally {
    if (own) redis.disconnect();
  }
}

/**
 * Closes the clients and waits until each app has seen every socket close and finished the
 * cleanup (PUBLIC exits, presence): use it in afterEach so that cleanup never overlaps the next
 * test's TRUNCATE or data.
 */
export async function closeClients(apps: TestApp | TestApp[], clients: WsClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
  const { RealtimeGateway } = await import('../../src/realtime/realtime.gateway.js');
  for (const app of Array.isArray(apps) ? apps : [apps]) {
    const gateway = app.app.get(RealtimeGateway, { strict: false });
    // The server sees a close a moment after the client does; wait for the condition, bounded.
    for (let i = 0; i < 1000 && gateway.busyConnections > 0; i++) {
      await gateway.settled();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
