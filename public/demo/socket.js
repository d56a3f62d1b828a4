// The realtime connection of the demo: Hive packet framing over one WebSocket (docs/realtime.md).
// Every frame, both ways, is handed to `onFrame` so the page can show the protocol as it travels.

const PING_EVERY_MS = 25_000;

export class HiveSocket {
  constructor({ onFrame, onPush, onClose }) {
    this.onFrame = onFrame;
    this.onPush = onPush;
    this.onClose = onClose;
    this.pending = new Map();
    this.nextId = 1;
  }

  /** Opens `/ws` on this origin and sends CONNECT with the player token; resolves with its response body. */
  async connect(token) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.ws = new WebSocket(`${scheme}://${location.host}/ws`);
    await new Promise((resolve, reject) => {
      this.ws.addEventListener('open', resolve, { once: true });
      this.ws.addEventListener('error', () => reject(new Error('the WebSocket did not open')), { once: true });
    });
    this.ws.addEventListener('message', (event) => this.received(event.data));
    this.ws.addEventListener('close', (event) => {
      clearInterval(this.pinger);
      for (const { reject } of this.pending.values()) reject(new Error('the connection closed'));
      this.pending.clear();
      this.onClose(event);
    });
    const body = await this.request('CONNECT', { token });
    this.pinger = setInterval(() => void this.request('PING').catch(() => undefined), PING_EVERY_MS);
    return body;
  }

  /** Sends a packet; resolves with the response body on status 200, rejects with its message otherwise. */
  request(packetType, body) {
    const correlationId = String(this.nextId++);
    const frame = JSON.stringify(body === undefined ? { packetType, correlationId } : { packetType, correlationId, body });
    this.onFrame('out', frame);
    this.ws.send(frame);
    return new Promise((resolve, reject) => this.pending.set(correlationId, { resolve, reject }));
  }

  received(text) {
    this.onFrame('in', text);
    let packet;
    try {
      packet = JSON.parse(text);
    } catch {
      return;
    }
    const waiting = packet.correlationId === undefined ? undefined : this.pending.get(String(packet.correlationId));
    if (waiting) {
      this.pending.delete(String(packet.correlationId));
      if (packet.status === 200) waiting.resolve(packet.body);
      else waiting.reject(new Error(`${packet.status}/${packet.body?.code}: ${packet.message}`));
    } else if (packet.packetType?.startsWith('NOTIFY_')) {
      this.onPush(packet.packetType, packet.body);
    }
  }
}
