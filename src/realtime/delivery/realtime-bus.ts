import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RedisConnection } from '../../presence/redis-connection.js';

/** What instances tell each other. `f` is a ready-made frame, forwarded byte for byte. */
export type BusMessage =
  | { k: 'players'; g: number; ids: number[]; lang?: string | null; f: string }
  | { k: 'game'; g: number; lang: string | null; f: string }
  /** A player logged in on the sender: older sessions of the player elsewhere close (`duplicated`). */
  | { k: 'claim'; g: number; p: number; sid: string; since: number }
  /** Cached channel facts are stale: membership changed (p entered/left), deleted or updated. */
  | { k: 'channel'; g: number; c: string; op: 'entered' | 'exited' | 'deleted' | 'updated'; p?: number }
  /** The player's block list changed. */
  | { k: 'blocks'; g: number; p: number }
  /** The player was banned (`on`) or unbanned: drop the cached ban check; a ban closes its session (`banned`). */
  | { k: 'ban'; g: number; p: number; on: boolean };

type Listener = (message: BusMessage) => void;

/**
 * Instance-to-instance messages over one Redis pub/sub channel: each message is published once
 * and every other instance acts on it for its own sockets (no per-recipient round trips).
 * Without Redis there are no other instances and publish does nothing.
 */
@Injectable()
export class RealtimeBus implements OnModuleInit {
  private readonly logger = new Logger('RealtimeBus');
  private readonly listeners: Listener[] = [];
  private readonly channel: string;

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
  }

  onMessage(listener: Listener): void {
    this.listeners.push(listener);
  }

  publish(message: BusMessage): void {
    if (!this.redis.client) return;
    // Header and frame travel as "json\nframe" so the frame is not escaped a second time.
    const { f, ...header } = message as BusMessage & { f?: string };
    const raw = `${JSON.stringify({ ...header, o: this.redis.instanceId })}\n${f ?? ''}`;
    this.redis.client.publish(this.channel, raw).catch((err) => this.logger.warn(`publish failed: ${err.message}`));
  }

  private receive(raw: string): void {
    const newline = raw.indexOf('\n');
    let header: BusMessage & { o?: string };
    try {
      header = JSON.parse(raw.slice(0, newline));
    } catch {
      this.logger.warn('ignored a malformed bus message');
      return;
    }
    if (header.o === this.redis.instanceId) return;
    const message = { ...header, f: raw.slice(newline + 1) } as BusMessage;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        this.logger.error(`bus listener failed: ${(err as Error)?.stack ?? err}`);
      }
    }
  }
}
