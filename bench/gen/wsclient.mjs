// A minimal Hive-framing WebSocket client for the generators (docs/realtime.md): requests with a
// correlationId resolve with their RESPONSE_*; every other frame goes to `onPush` raw (a Buffer),
// so that the hot path (thousands of NOTIFY frames a second) parses nothing it does not need.
import WebSocket from 'ws';

let nextCorrelation = 1;

export class HiveClient {
  constructor(url, { localAddress, onPush } = {}) {
    this.url = url;
    this.localAddress = localAddress;
    this.onPush = onPush ?? (() => {});
    this.pending = new Map();
    this.closed = false;
  }

  open(timeoutMs = 15_000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        perMessageDeflate: false,
        localAddress: this.localAddress,
        handshakeTimeout: timeoutMs,
      });
      this.ws = ws;
      const fail = (err) => {
        this.closed = true;
        reject(err);
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        ws.on('error', () => {});
        resolve(this);
      });
      ws.on('close', () => {
        this.closed = true;
        for (const { reject: rej } of this.pending.values()) rej(new Error('socket closed'));
        this.pending.clear();
      });
      ws.on('message', (data) => this.handle(data));
    });
  }

  handle(data) {
    // Responses are few (one per request); pushes are many and stay unparsed here.
    if (this.pending.size > 0 && data.includes('"RESPONSE_')) {
      const packet = JSON.parse(data.toString());
      const waiter = this.pending.get(String(packet.correlationId));
      if (waiter && typeof packet.packetType === 'string' && packet.packetType.startsWith('RESPONSE_')) {
        this.pending.delete(String(packet.correlationId));
        waiter.resolve(packet);
        return;
      }
    }
    this.onPush(data);
  }

  /** Sends a request; resolves with the whole response packet (whatever its status). */
  request(packetType, body, timeoutMs = 30_000) {
    const correlationId = String(nextCorrelation++);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('socket closed'));
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`${packetType} timed out`));
      }, timeoutMs);
      this.pending.set(correlationId, {
        resolve: (packet) => {
          clearTimeout(timer);
          resolve(packet);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.ws.send(JSON.stringify({ packetType, correlationId, body }));
    });
  }

  /** CONNECT with a player token; throws unless the response status is 200. */
  async connect(token) {
    const response = await this.request('CONNECT', { token });
    if (response.status !== 200) throw new Error(`CONNECT refused: ${response.status} ${response.message}`);
    return response;
  }

  terminate() {
    this.closed = true;
    try {
      this.ws?.terminate();
    } catch {
      /* gone */
    }
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; returns the errors. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const errors = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return errors;
}
