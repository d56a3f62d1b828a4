import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import { SessionRegistry } from '../session/session-registry.js';
import type { Frame } from '../session/session.js';
import { DIRECT_STREAM, channelStream, directStream, streamKey } from '../streams/stream-names.js';
import { RealtimeBus } from './realtime-bus.js';

/**
 * Sends ready-made frames to players wherever they are connected: this instance's sockets
 * directly, the others through one bus message per send (never one per recipient). A chat
 * stream's push goes to the stream's topic, so only the instances with recipients receive it;
 * anything else goes to every instance (RealtimeBus). A chat
 * message passes `arrivedAt` (its `performance.now()` arrival) for the delivery metrics: counted
 * once per message on each instance that writes it (docs/operations.md#metrics).
 */
@Injectable()
export class DeliveryService implements OnModuleInit {
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly bus: RealtimeBus,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.bus.onMessage((m) => {
      if (m.k === 'players' && m.s !== undefined) this.deliverInStreamLocal(m.g, m.ids, m.f, m.s, m.q!, m.t);
      else if (m.k === 'players') this.deliverLocal(m.g, m.ids, m.f, m.lang ?? null, m.t);
      else if (m.k === 'game') this.deliverToGameLocal(m.g, m.lang, m.f);
    });
  }

  /** `langCode` given: only to sessions connected with that language code. */
  toPlayers(gameIndex: number, playerIds: Iterable<number>, frame: string, langCode: string | null = null, arrivedAt?: number): void {
    const remote: number[] = [];
    // Encoded to UTF-8 once, not once per socket.
    const bytes = Buffer.from(frame, 'utf8');
    let writes = 0;
    for (const id of playerIds) {
      const session = this.sessions.get(gameIndex, id);
      if (!session) remote.push(id);
      else if (langCode === null || sameLanguage(session.languageCode, langCode)) {
        session.send(bytes);
        writes++;
      }
    }
    if (arrivedAt !== undefined) this.metrics.delivered(arrivedAt, writes);
    this.toRemote(gameIndex, remote, frame, langCode, arrivedAt);
  }

  /**
   * Players known not to be connected here: one bus message for all of them (nothing without
   * Redis). A chat message's arrival travels as epoch millis, the one clock instances share.
   */
  toRemote(gameIndex: number, playerIds: number[], frame: string, langCode: string | null = null, arrivedAt?: number): void {
    if (!playerIds.length || !this.bus.distributed) return;
    const t = arrivedAt === undefined ? undefined : performance.timeOrigin + arrivedAt;
    this.bus.publish({ k: 'players', g: gameIndex, ids: playerIds, lang: langCode, f: frame, t });
  }

  /**
   * A push of an ordered stream (`stream` = channel id or "@direct", with its seq) to players known
   * not to be connected here, on the stream's topic (a direct stream's: one per player); a session
   * that a RECONNECT replay already gave it drops it.
   */
  toRemoteInStream(gameIndex: number, playerIds: number[], frame: string, stream: string, seq: number, arrivedAt?: number): void {
    if (!playerIds.length || !this.bus.distributed) return;
    const t = arrivedAt === undefined ? undefined : performance.timeOrigin + arrivedAt;
    if (stream === DIRECT_STREAM) {
      for (const id of playerIds)
        this.bus.publishTo(this.topicOf(gameIndex, stream, id), { k: 'players', g: gameIndex, ids: [id], f: frame, s: stream, q: seq, t });
    } else {
      this.bus.publishTo(this.topicOf(gameIndex, stream), { k: 'players', g: gameIndex, ids: playerIds, f: frame, s: stream, q: seq, t });
    }
  }

  /**
   * What the stream store needs to publish a push for remote players itself, on the stream's topic
   * (undefined without other instances, and for a direct stream with several players).
   */
  remoteInStream(
    gameIndex: number,
    playerIds: number[],
    stream: string,
    arrivedAt?: number,
  ): { channel: string; head: string; tail: string; command: 'PUBLISH' | 'SPUBLISH' } | undefined {
    if (!playerIds.length || !this.bus.distributed) return undefined;
    if (stream === DIRECT_STREAM && playerIds.length > 1) return undefined;
    const t = arrivedAt === undefined ? undefined : performance.timeOrigin + arrivedAt;
    return this.bus.streamMessage(gameIndex, playerIds, stream, this.topicOf(gameIndex, stream, playerIds[0]), t);
  }

  /** The topic of a channel's stream, or of a player's direct stream. */
  private topicOf(gameIndex: number, stream: string, playerId = 0): string {
    return this.bus.topic(
      streamKey(stream === DIRECT_STREAM ? directStream(gameIndex, playerId) : channelStream(gameIndex, stream, false)),
    );
  }

  /** One player's push of an ordered stream, wherever the player is connected (a chat message passes `arrivedAt`). */
  toPlayerInStream(gameIndex: number, playerId: number, frame: string, stream: string, seq: number, arrivedAt?: number): void {
    const session = this.sessions.get(gameIndex, playerId);
    if (session) {
      session.sendInStream(stream, seq, frame);
      if (arrivedAt !== undefined) this.metrics.delivered(arrivedAt, 1);
    } else this.toRemoteInStream(gameIndex, [playerId], frame, stream, seq, arrivedAt);
  }

  toPlayer(gameIndex: number, playerId: number, frame: string, arrivedAt?: number): void {
    this.toPlayers(gameIndex, [playerId], frame, null, arrivedAt);
  }

  /** Every connected player of the game (only those connected with `langCode` when given). */
  toGame(gameIndex: number, langCode: string | null, frame: string): void {
    this.deliverToGameLocal(gameIndex, langCode, frame);
    this.bus.publish({ k: 'game', g: gameIndex, lang: langCode, f: frame });
  }

  /** `sentAt`: the epoch millis a chat message arrived on the instance that published it. */
  private deliverLocal(gameIndex: number, playerIds: number[], text: string, langCode: string | null, sentAt?: number): void {
    const frame: Frame = playerIds.length > 1 ? Buffer.from(text, 'utf8') : text;
    let writes = 0;
    for (const id of playerIds) {
      const session = this.sessions.get(gameIndex, id);
      if (session && (langCode === null || sameLanguage(session.languageCode, langCode))) {
        session.send(frame);
        writes++;
      }
    }
    if (sentAt !== undefined) this.metrics.delivered(sentAt - performance.timeOrigin, writes);
  }

  private deliverInStreamLocal(gameIndex: number, playerIds: number[], text: string, stream: string, seq: number, sentAt?: number): void {
    const frame: Frame = playerIds.length > 1 ? Buffer.from(text, 'utf8') : text;
    let writes = 0;
    for (const id of playerIds) {
      const session = this.sessions.get(gameIndex, id);
      if (session) {
        session.sendInStream(stream, seq, frame);
        writes++;
      }
    }
    if (sentAt !== undefined) this.metrics.delivered(sentAt - performance.timeOrigin, writes);
  }

  private deliverToGameLocal(gameIndex: number, langCode: string | null, text: string): void {
    const frame = Buffer.from(text, 'utf8');
    for (const session of this.sessions.inGame(gameIndex)) {
      if (langCode === null || sameLanguage(session.languageCode, langCode)) session.send(frame);
    }
  }
}

function sameLanguage(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
