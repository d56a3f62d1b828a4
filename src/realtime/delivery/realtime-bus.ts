import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisConnection } from '../../presence/redis-connection.js';

/** What instances tell each other. `f` is a ready-made frame, forwarded byte for byte. */
export type BusMessage =
  /**
   * `t`: on a chat message, the epoch millis it arrived on the sender (for the delivery-time metric);
   * `s`/`q`: the frame's ordered stream (channel id or "@direct") and seq, when it has one.
   */
  | { k: 'players'; g: number; ids: number[]; lang?: string | null; f: string; t?: number; s?: string; q?: number }
  | { k: 'game'; g: number; lang: string | null; f: string }
  /** A player logged in on the sender: older sessions of the player elsewhere close (`duplicated`). */
  | { k: 'claim'; g: number; p: number; sid: string; since: number }
  /** The sender's connected players, restated after messages may have been lost: [game, player, session id, since]. */
  | { k: 'claims'; c: [number, number, string, number][] }
  /** Messages may have been lost (Redis was unreachable): drop caches and restate claims. */
  | { k: 'resync' }
  /** Cached channel facts are stale: membership changed (p entered/left), deleted or updated. */
  | { k: 'channel'; g: number; c: string; op: 'entered' | 'exited' | 'deleted' | 'updated'; p?: number }
  /** The player's block list changed. */
  | { k: 'blocks'; g: number; p: number }
  /** The player was banned (`on`) or unbanned: drop the cached ban check; a ban closes its session (`banned`). */
  | { k: 'ban'; g: number; p: number; on: boolean }
  /** The game's word filter changed: drop the compiled copy. */
  | { k: 'filter'; g: number }
  /** The player's mutes changed: drop the cached mutes. */
  | { k: 'mute'; g: number; p: number };

type Listener = (message: BusMessage) => void;

/**
 * Instance-to-instance messages over one Redis pub/sub channel: each message is published once
 * and every other instance acts on it for its own sockets (no per-recipient round trips).
 * Without Redis there are no other instances and publish does nothing.
 *
 * While Redis is unreachable, publishing drops the message (this instance's own sockets are
 * served directly by the callers). Once both connections are back and the subscription renewed,
 * a `resync` goes to every instance, this one included: what was missed is made good by each
 * listener (caches dropped, login claims restated).
 */
@Injectable()
export class RealtimeBus implements OnModuleInit {
  private readonly logger = new Logger('RealtimeBus');
  private readonly listeners: Listener[] = [];
  private readonly channel: string;
  private subscribed = false;
  private resyncDue = false;

  constructor(private readonly redis: RedisConnection) {
    this.channel = redis.key('bus');
  }

  get distributed(): boolean {
    return this.redis.enabled;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis.enabled) return;
    const sub = this.redis.subscriber();
    sub.on('message', (_channel: string, raw: string) => this.receive(raw));
    await sub.subscribe(this.channel);
    this.subscribed = true;
    sub.on('close', () => {
      this.subscribed = false;
      this.resyncDue = true;
    });
    sub.on('ready', () => void this.subscribedAgain(sub));
    // Publishes are dropped while the command connection is down.
    this.redis.client!.on('close', () => (this.resyncDue = true));
    this.redis.onReconnected(() => this.resync());
  }

  /**
   * A `players` message of an ordered stream whose seq is not known yet, for a sender that
   * publishes it itself (the Redis numbering script): `head + seq + tail + frame` on `channel`.
   */
  streamMessage(g: number, ids: number[], stream: string, t?: number): { channel: string; head: string; tail: string } {
    const header = JSON.stringify({ k: 'players', g, ids, s: stream, t, o: this.redis.instanceId });
    return { channel: this.channel, head: `${header.slice(0, -1)},"q":`, tail: '}\n' };
  }

  onMessage(listener: Listener): void {
    this.listeners.push(listener);
  }

  publish(message: BusMessage): void {
    const client = this.redis.client;
    if (!client) return;
    if (!this.redis.available) return this.redis.warn('delivery to other instances');
    // Header and frame travel as "json\nframe" so the frame is not escaped a second time.
    const { f, ...header } = message as BusMessage & { f?: string };
    const raw = `${JSON.stringify({ ...header, o: this.redis.instanceId })}\n${f ?? ''}`;
    client.publish(this.channel, raw).catch((err) => this.redis.warn('delivery to other instances', err));
  }

  /** ioredis renews the subscription by itself on reconnection; subscribing again (harmless) tells when that is done. */
  private async subscribedAgain(sub: Redis): Promise<void> {
    try {
      await sub.subscribe(this.channel);
    } catch {
      return; // lost again: the next 'ready' tries once more
    }
    this.subscribed = true;
    this.resync();
  }

  /** Once the subscription and the command connection are both back after a loss. */
  private resync(): void {
    if (!this.resyncDue || !this.subscribed || !this.redis.available) return;
    this.resyncDue = false;
    this.logger.log('Redis is back: instances resynchronise');
    this.publish({ k: 'resync' });
    this.dispatch({ k: 'resync' });
  }

  private receive(raw: string): void {
    const newline = raw.indexOf('\n');
    let header: BusMessage & { o?: string };
    try {
      header = JSON.parse(raw.slice(0, newline)) as BusMessage & { o?: string };
    } catch {
      this.logger.warn('ignored a malformed bus message');
      return;
    }
    if (header.o === this.redis.instanceId) return;
    this.dispatch({ ...header, f: raw.slice(newline + 1) } as BusMessage);
  }

  private dispatch(message: BusMessage): void {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.logger.error(`bus listener failed: ${(err as Error)?.stack ?? err}`);
      }
    }
  }
}
