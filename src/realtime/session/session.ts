import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { PlayerIdentity } from '../../player/player-identity.js';
import { type DisconnectReason, notifyFrame } from '../protocol/notify-packets.js';

const OPEN = 1;
/** A Buffer frame is still a text frame (ws would send a Buffer as binary by default). */
const TEXT = { binary: false } as const;

/** A ready-made frame: a string, or its UTF-8 bytes when it goes to many sockets (encoded once). */
export type Frame = string | Buffer;
/** A push of an ordered stream (see Session.sendInStream). */
interface StreamPush {
  stream: string;
  seq: number;
  frame: Frame;
}

/** Requests of one connection are handled in order; past this many waiting, new ones get 429. */
export const MAX_PENDING_PACKETS = 256;

/** One WebSocket connection and what the protocol knows about it. */
export class Session {
  readonly id = randomUUID();
  identity: PlayerIdentity | null = null;
  languageCode: string | null = null;
  /** Epoch millis CONNECT succeeded (the presence `connectedTimeMillis`). */
  connectedAt = 0;
  readonly openedAt = Date.now();
  lastActivity = this.openedAt;
  /** Closed by the server because a newer login of the same player took over. */
  superseded = false;
  /** Closed by a shutdown whose grace keeps the player's PUBLIC channels and presence (docs/operations.md#shutdown). */
  handedOver = false;
  closing = false;
  /** Why the server closed the socket (for the log); null when the client closed it. */
  closeReason: string | null = null;
  /**
   * Packets of this connection are admitted one after another (validation, checks, numbering), so
   * replies and messages keep their order. A packet may finish later (a chat message waiting for its
   * commit): the next one is admitted meanwhile, and responses still leave in packet order.
   */
  private queue: Promise<void> = Promise.resolve();
  pending = 0;
  /** Responses promised by admitted packets and not yet written (they are written in order). */
  awaited = 0;
  private responses: Promise<void> = Promise.resolve();
  /** Packets taken up (holdPushes) and responses written, counted from the start. */
  private promised = 0;
  private written = 0;
  /**
   * Pushes sent while a request of this connection is being handled (or its response awaited) wait
   * here until that response is out (`after`: its number), so a client always reads the response
   * before the pushes its own request caused (RESPONSE_ENTER_CHANNEL before NOTIFY_ENTER_CHANNEL
   * about itself). A push waits only for the responses promised when it came, so a connection that
   * keeps messages in flight still gets its pushes.
   */
  private held: { after: number; item: Frame | StreamPush }[] = [];
  /** Frames that go right after the response being prepared, before the held pushes (RECONNECT's replay). */
  private afterResponse: Frame[] | null = null;
  /**
   * Per stream (channel id or "@direct"), the latest seq a RECONNECT replayed: a push of that
   * stream up to it is a duplicate and is dropped. Null: nothing was replayed.
   */
  private replayed: Map<string, number> | null = null;

  constructor(
    readonly socket: WebSocket,
    /** Where the connection came from (the connect rate limit's key; see common/rate-limit/client-address.ts). */
    readonly address = 'unknown',
  ) {}

  get playerKey(): string | null {
    return this.identity ? `${this.identity.gameIndex}:${this.identity.playerId}` : null;
  }

  /** The identity of a connected session (handlers other than CONNECT/RECONNECT only run on those). */
  get player(): PlayerIdentity {
    if (!this.identity) throw new Error('session is not connected');
    return this.identity;
  }

  /** A push (or any frame that may wait behind the response of the request being handled). */
  send(frame: Frame): void {
    if (this.promised > this.written) this.held.push({ after: this.promised, item: frame });
    else this.write(frame);
  }

  /** A push with its place in an ordered stream (dropped when a replay already delivered it). */
  sendInStream(stream: string, seq: number, frame: Frame): void {
    if (this.replayed !== null && seq <= (this.replayed.get(stream) ?? 0)) return;
    if (this.promised > this.written) this.held.push({ after: this.promised, item: { stream, seq, frame } });
    else this.write(frame);
  }

  /** RECONNECT: these frames follow the response at once; pushes of the stream up to `seq` are duplicates from now on. */
  replay(stream: string, seq: number, frames: Frame[]): void {
    (this.replayed ??= new Map()).set(stream, seq);
    (this.afterResponse ??= []).push(...frames);
  }

  /** From now until the response of the packet being handled is out, pushes wait (see `held`). */
  holdPushes(): void {
    this.promised++;
  }

  /**
   * The response of the packet being handled: written now, or after the responses still awaited
   * by earlier packets; then the frames of `afterResponse` and the pushes held for it.
   */
  respond(frame: Frame): void {
    if (this.awaited > 0) return this.respondLater(Promise.resolve(frame));
    this.writeResponse(frame, this.takeAfterResponse());
  }

  /**
   * The packet being handled was admitted and answers later (`frame` must not reject): the next
   * packet may be admitted now; this response is written in its turn, after the earlier ones.
   */
  respondLater(frame: Promise<Frame>): void {
    const after = this.takeAfterResponse();
    this.awaited++;
    this.responses = Promise.all([frame, this.responses]).then(([written]) => {
      this.awaited--;
      this.writeResponse(written, after);
    });
  }

  /** Out of turn (a packet refused before it was queued): written at once, nothing else changes. */
  refuse(frame: Frame): void {
    this.write(frame);
  }

  private takeAfterResponse(): Frame[] | null {
    const after = this.afterResponse;
    this.afterResponse = null;
    return after;
  }

  private writeResponse(frame: Frame, after: Frame[] | null): void {
    this.write(frame);
    if (after) for (const replayed of after) this.write(replayed);
    this.written++;
    let due = 0;
    while (due < this.held.length && this.held[due].after <= this.written) due++;
    if (due > 0) this.writeHeld(this.held.splice(0, due));
  }

  /** Every held push, now (the socket is closing). */
  private flush(): void {
    this.writeHeld(this.held.splice(0));
  }

  private writeHeld(due: { item: Frame | StreamPush }[]): void {
    for (const { item } of due) {
      if (typeof item === 'string' || Buffer.isBuffer(item)) this.write(item);
      else if (this.replayed === null || item.seq > (this.replayed.get(item.stream) ?? 0)) this.write(item.frame);
    }
  }

  private write(frame: Frame): void {
    if (this.socket.readyState === OPEN) this.socket.send(frame, TEXT);
  }

  /** Resolves when the packets queued so far have been answered. */
  async settled(): Promise<void> {
    await this.queue;
    await this.responses;
  }

  enqueue(work: () => Promise<void>): void {
    this.pending++;
    this.queue = this.queue.then(work).finally(() => this.pending--);
  }

  /** NOTIFY_DISCONNECT then close (1000 normal for idle/duplicated, 1001 going away for shutdown, 1008 policy otherwise). */
  disconnect(reason: DisconnectReason): void {
    if (this.closing) return;
    this.closing = true;
    this.closeReason = reason;
    this.flush();
    this.write(notifyFrame('NOTIFY_DISCONNECT', { reason }));
    this.socket.close(reason === 'idle' || reason === 'duplicated' ? 1000 : reason === 'shutdown' ? 1001 : 1008, reason);
  }

  /** Close after an error response (failed CONNECT, packet before CONNECT). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.closeReason = reason;
    this.flush();
    this.socket.close(code, reason);
  }
}
