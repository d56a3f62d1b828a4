import { Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { Session } from './session.js';

/** The connected sessions of this instance, by player and by game. */
@Injectable()
export class SessionRegistry {
  private readonly byPlayer = new Map<string, Session>();
  private readonly byGame = new Map<number, Set<Session>>();
  /** Every open socket, connected or not (idle sweep, shutdown). */
  readonly all = new Set<Session>();
  private readonly bySocket = new WeakMap<WebSocket, Session>();
  /** Bumped whenever a player's current session changes (derived recipient lists check it). */
  version = 0;
  private readonly goneListeners: ((gameIndex: number, playerId: number) => void)[] = [];

  /** A new socket (from `address`): its session exists from the first frame on. */
  open(socket: WebSocket, address?: string): Session {
    const session = new Session(socket, address);
    this.bySocket.set(socket, session);
    this.all.add(session);
    return session;
  }

  forSocket(socket: WebSocket): Session | undefined {
    return this.bySocket.get(socket);
  }

  get(gameIndex: number, playerId: number): Session | undefined {
    return this.byPlayer.get(`${gameIndex}:${playerId}`);
  }

  /** Registers a connected session; returns the one it replaces, if any. */
  register(session: Session): Session | undefined {
    const key = session.playerKey!;
    const previous = this.byPlayer.get(key);
    this.byPlayer.set(key, session);
    this.version++;
    const game = session.identity!.gameIndex;
    let set = this.byGame.get(game);
    if (!set) this.byGame.set(game, (set = new Set()));
    if (previous) set.delete(previous);
    set.add(session);
    return previous;
  }

  /** Removes the session if it is still the player's current one; true when it was. */
  unregister(session: Session): boolean {
    const key = session.playerKey;
    if (!key || this.byPlayer.get(key) !== session) return false;
    this.byPlayer.delete(key);
    this.version++;
    this.byGame.get(session.identity!.gameIndex)?.delete(session);
    for (const listener of this.goneListeners) listener(session.identity!.gameIndex, session.identity!.playerId);
    return true;
  }

  /** Runs when a player has no session here any more (not when a newer session of the player replaces one here). */
  onGone(listener: (gameIndex: number, playerId: number) => void): void {
    this.goneListeners.push(listener);
  }

  /** Every connected session (one per player). */
  connected(): Iterable<Session> {
    return this.byPlayer.values();
  }

  inGame(gameIndex: number): Iterable<Session> {
    return this.byGame.get(gameIndex) ?? [];
  }
}
