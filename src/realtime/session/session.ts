import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { type DisconnectReason, notifyFrame } from '../protocol/notify-packets.js';

const OPEN = 1;
/** A Buffer frame is still a text frame (ws would send a Buffer as binary by default). */
const TEXT = { binary: false } as const;

/** A ready-made frame: a string, or its UTF-8 bytes when it goes to many sockets (encoded once). */
export type Frame = string | Buffer;
/** Requests of one connection are handled in order; past this many waiting, new ones get 429. */
export const MAX_PENDING_PACKETS = 256;

/** One WebSocket connection and what the protocol knows about it. */
export class Session {
  readonly id = randomUUID();
  identity: PlayerIdentity | null = null;
  languageCode: string | null = null;
  /** Epoch millis CONNECT succeeded (the presence `connectedTimeMillis`). */
  connectedAt = 0;
  lastActivity = Date.now();
  /** Closed by the server because a newer login of the same player took over. */
  superseded = false;
  closing = false;
  /** Packets of this connection run one after another, so replies and messages keep their order. */
  private queue: Promise<void> = Promise.resolve();
  pending = 0;

  constructor(readonly socket: WebSocket) {}

  get playerKey(): string | null {
    return this.identity ? `${this.identity.gameIndex}:${this.identity.playerId}` : null;
  }

  /** The identity of a connected session (handlers other than CONNECT/RECONNECT only run on those). */
  get player(): PlayerIdentity {
    if (!this.identity) throw new Error('session is not connected');
    return this.identity;
  }

  send(frame: Frame): void {
    if (this.socket.readyState === OPEN) this.socket.send(frame, TEXT);
  }

  enqueue(work: () => Promise<void>): void {
    this.pending++;
    this.queue = this.queue.then(work).finally(() => this.pending--);
  }

  /** NOTIFY_DISCONNECT then close (1000 normal for idle/duplicated, 1008 policy for invalid/unauthorized/banned). */
  disconnect(reason: DisconnectReason): void {
    if (this.closing) return;
    this.closing = true;
    this.send(notifyFrame('NOTIFY_DISCONNECT', { reason }));
    this.socket.close(reason === 'idle' || reason === 'duplicated' ? 1000 : 1008, reason);
  }

  /** Close after an error response (failed CONNECT, packet before CONNECT). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(code, reason);
  }
}
