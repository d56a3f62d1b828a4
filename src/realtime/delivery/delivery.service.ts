import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SessionRegistry } from '../session/session-registry.js';
import type { Frame } from '../session/session.js';
import { RealtimeBus } from './realtime-bus.js';

/**
 * Sends ready-made frames to players wherever they are connected: this instance's sockets
 * directly, the others through one bus message per send (never one per recipient).
 */
@Injectable()
export class DeliveryService implements OnModuleInit {
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly bus: RealtimeBus,
  ) {}

  onModuleInit(): void {
    this.bus.onMessage((m) => {
      if (m.k === 'players' && m.s !== undefined) this.deliverInStreamLocal(m.g, m.ids, m.f, m.s, m.q!);
      else if (m.k === 'players') this.deliverLocal(m.g, m.ids, m.f, m.lang ?? null);
      else if (m.k === 'game') this.deliverToGameLocal(m.g, m.lang, m.f);
    });
  }

  /** `langCode` given: only to sessions connected with that language code. */
  toPlayers(gameIndex: number, playerIds: Iterable<number>, frame: string, langCode: string | null = null): void {
    const remote: number[] = [];
    // Encoded to UTF-8 once, not once per socket.
    const bytes = Buffer.from(frame, 'utf8');
    for (const id of playerIds) {
      const session = this.sessions.get(gameIndex, id);
      if (!session) remote.push(id);
      else if (langCode === null || sameLanguage(session.languageCode, langCode)) session.send(bytes);
    }
    this.toRemote(gameIndex, remote, frame, langCode);
  }

  /** Players known not to be connected here: one bus message for all of them (nothing without Redis). */
  toRemote(gameIndex: number, playerIds: number[], frame: string, langCode: string | null = null): void {
    if (playerIds.length && this.bus.distributed)
      this.bus.publish({ k: 'players', g: gameIndex, ids: playerIds, lang: langCode, f: frame });
  }

  /**
   * A push of an ordered stream (`stream` = channel id or "@direct", with its seq) to players known
   * not to be connected here; a session that a RECONNECT replay already gave it drops it.
   */
  toRemoteInStream(gameIndex: number, playerIds: number[], frame: string, stream: string, seq: number): void {
    if (playerIds.length && this.bus.distributed)
      this.bus.publish({ k: 'players', g: gameIndex, ids: playerIds, f: frame, s: stream, q: seq });
  }

  /** What the stream store needs to publish a push for remote players itself (undefined without other instances). */
  remoteInStream(gameIndex: number, playerIds: number[], stream: string): { channel: string; head: string; tail: string } | undefined {
    return playerIds.length && this.bus.distributed ? this.bus.streamMessage(gameIndex, playerIds, stream) : undefined;
  }

  /** One player's push of an ordered stream, wherever the player is connected. */
  toPlayerInStream(gameIndex: number, playerId: number, frame: string, stream: string, seq: number): void {
    const session = this.sessions.get(gameIndex, playerId);
    if (session) session.sendInStream(stream, seq, frame);
    else this.toRemoteInStream(gameIndex, [playerId], frame, stream, seq);
  }

  toPlayer(gameIndex: number, playerId: number, frame: string): void {
    this.toPlayers(gameIndex, [playerId], frame);
  }

  /** Every connected player of the game (only those connected with `langCode` when given). */
  toGame(gameIndex: number, langCode: string | null, frame: string): void {
    this.deliverToGameLocal(gameIndex, langCode, frame);
    this.bus.publish({ k: 'game', g: gameIndex, lang: langCode, f: frame });
  }

  private deliverLocal(gameIndex: number, playerIds: number[], text: string, langCode: string | null): void {
    const frame: Frame = playerIds.length > 1 ? Buffer.from(text, 'utf8') : text;
    for (const id of playerIds) {
      const session = this.sessions.get(gameIndex, id);
      if (session && (langCode === null || sameLanguage(session.languageCode, langCode))) session.send(frame);
    }
  }

  private deliverInStreamLocal(gameIndex: number, playerIds: number[], text: string, stream: string, seq: number): void {
    const frame: Frame = playerIds.length > 1 ? Buffer.from(text, 'utf8') : text;
    for (const id of playerIds) this.sessions.get(gameIndex, id)?.sendInStream(stream, seq, frame);
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
