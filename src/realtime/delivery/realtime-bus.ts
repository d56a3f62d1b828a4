import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import { RedisConnection, type RedisClient } from '../../presence/redis-connection.js';

/** What instances tell each other. `f` is a ready-made frame, forwarded byte for byte. */
export type BusMessage =
  /**
   * `t`: on a chat message, the epoch millis it arrived on the sender (for the delivery-time metric);
   * `s`/`q`: the frame's ordered stream (channel id or "@direct") and seq, when it has one.
   */
  | { k: 'players'; g: number; ids: number[]; lang?: string | null; f: string; t?: number; s?: string; q?: number }
  | { k: 'game'; g: number; lang: string | null; f: string }
  /**
   * A player logged in on the sender: older sessions of the player elsewhere close (`duplicated`).
   * `r`: sent to the one instance whose connection the login replaced (opened at `r`, see
   * PresenceService.markOnline); absent: sent to every instance.
   */
  | { k: 'claim'; g: number; p: number; sid: string; since: number; r?: number }
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

/** How long a request waits for Redis to confirm a subscription before going on without it. */
const FOLLOW_WAIT_MS = 1_000;
const BROADCAST = { channel: 'broadcast' } as const;
const TOPIC = { channel: 'topic' } as const;
const INBOX = { channel: 'inbox' } as const;

/**
 * Instance-to-instance messages over Redis pub/sub, each published once and acted on by every
 * instance that receives it for its own sockets (no per-recipient round trips). Two kinds of
 * channel (docs/realtime.md#several-instances-redis):
 *
 * - the **broadcast** channel `bus`, which every instance receives: control messages (cache
 *   drops, bans...) and pushes other than chat, all at a low rate;
 * - each instance's **inbox** `inbox:{instanceId}`, for what concerns that instance alone (a login
 *   claim for a player connected there);
 * - **topics**, one per chat stream (`to:{game:channel}`, `to:{game:@direct:player}`), which an
 *   instance follows while it holds a connected player who receives that stream: a chat message
 *   reaches only the instances that have recipients. A topic shares its hash tag with the stream's
 *   keys, so the numbering script can publish to it on a Redis Cluster too (sharded pub/sub:
 *   SPUBLISH/SSUBSCRIBE there, PUBLISH/SUBSCRIBE on a single Redis).
 *
 * Without Redis there are no other instances and publish does nothing.
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
  private readonly inbox: string;
  /** The topics followed, each with how many reasons this instance has to follow it and its SUBSCRIBE. */
  private readonly topics = new Map<string, { count: number; ready: Promise<void> }>();
  /** Topics to SUBSCRIBE (single Redis), sent together at the end of this turn of the event loop. */
  private subscribing: { topics: string[]; ready: Promise<void> } | null = null;
  /** Topics to UNSUBSCRIBE, likewise. */
  private unsubscribing: Set<string> | null = null;
  private sub: RedisClient | null = null;
  private subscribed = false;
  private resyncDue = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly metrics: MetricsService,
  ) {
    this.channel = redis.key('bus');
    this.inbox = this.inboxOf(redis.instanceId);
  }

  get distributed(): boolean {
    return this.redis.enabled;
  }

  /** Pub/sub is sharded (Redis Cluster): SPUBLISH and SSUBSCRIBE instead of PUBLISH and SUBSCRIBE. */
  get sharded(): boolean {
    return this.redis.cluster;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis.enabled) return;
    const sub = (this.sub = this.redis.subscriber());
    sub.on(this.sharded ? 'smessage' : 'message', (channel: string, raw: string) => this.receive(channel, raw));
    await Promise.all([this.subscribe(this.channel), this.subscribe(this.inbox)]);
    this.subscribed = true;
    // A cluster's shard subscribers are connections of their own: they report their loss and return so.
    sub.on(this.sharded ? '-subscriber' : 'close', () => {
      this.subscribed = false;
      this.resyncDue = true;
    });
    sub.on(this.sharded ? '+subscriber' : 'ready', () => void this.subscribedAgain());
    // Publishes are dropped while the command connection is down.
    this.redis.client!.on('close', () => (this.resyncDue = true));
    this.redis.onReconnected(() => this.resync());
  }

  /** The topic of a chat stream (its store key, see streams/stream-names.ts): the same hash tag as the stream's keys. */
  topic(streamKey: string): string {
    return this.redis.key(`to:{${streamKey}}`);
  }

  /**
   * Receive the topic's messages from now on; resolves once Redis has confirmed it (at most
   * FOLLOW_WAIT_MS: a request never waits longer for Redis). Counted: each follow is ended by one unfollow.
   */
  follow(topic: string): Promise<void> {
    if (!this.sub) return Promise.resolve();
    const followed = this.topics.get(topic);
    if (followed) {
      followed.count++;
      return followed.ready;
    }
    const ready = this.sharded ? this.confirmed(this.subscribe(topic)) : this.subscribeSoon(topic);
    this.topics.set(topic, { count: 1, ready });
    return ready;
  }

  unfollow(topic: string): void {
    const followed = this.topics.get(topic);
    if (!followed || --followed.count > 0) return;
    this.topics.delete(topic);
    // After its SUBSCRIBE (same connection, so in order); not if it was followed again meanwhile.
    void followed.ready.then(() => {
      if (this.topics.has(topic)) return;
      if (this.sharded) this.unsubscribe(topic).catch((err) => this.redis.warn('following a chat topic', err));
      else this.unsubscribeSoon(topic);
    });
  }

  /** An instance's inbox: its own hash tag, a slot of its own on a cluster. */
  private inboxOf(instanceId: string): string {
    return this.redis.key(`inbox:{${instanceId}}`);
  }

  /** Resolves once the topic's subscription is confirmed (at once when it is not followed). */
  followed(topic: string): Promise<void> {
    return this.topics.get(topic)?.ready ?? Promise.resolve();
  }

  /**
   * A `players` message of an ordered stream whose seq is not known yet, for a sender that
   * publishes it itself (the Redis numbering script): `head + seq + tail + frame` on `channel`
   * (the stream's topic), with `command` (PUBLISH or SPUBLISH).
   */
  streamMessage(
    g: number,
    ids: number[],
    stream: string,
    topic: string,
    t?: number,
  ): { channel: string; head: string; tail: string; command: 'PUBLISH' | 'SPUBLISH' } {
    const header = JSON.stringify({ k: 'players', g, ids, s: stream, t, o: this.redis.instanceId });
    return { channel: topic, head: `${header.slice(0, -1)},"q":`, tail: '}\n', command: this.sharded ? 'SPUBLISH' : 'PUBLISH' };
  }

  onMessage(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** To every instance (the broadcast channel). */
  publish(message: BusMessage): void {
    this.publishOn(this.channel, message);
  }

  /** To one instance (its inbox). */
  publishToInstance(instanceId: string, message: BusMessage): void {
    this.publishOn(this.inboxOf(instanceId), message);
  }

  /** To the instances that follow `topic` (a chat stream's push). */
  publishTo(topic: string, message: BusMessage): void {
    this.publishOn(topic, message);
  }

  private publishOn(channel: string, message: BusMessage): void {
    const client = this.redis.client;
    if (!client) return;
    if (!this.redis.available) return this.redis.warn('delivery to other instances');
    // Header and frame travel as "json\nframe" so the frame is not escaped a second time.
    const { f, ...header } = message as BusMessage & { f?: string };
    const raw = `${JSON.stringify({ ...header, o: this.redis.instanceId })}\n${f ?? ''}`;
    const sent = this.sharded ? client.spublish(channel, raw) : client.publish(channel, raw);
    sent.catch((err) => this.redis.warn('delivery to other instances', err));
  }

  /**
   * A single Redis: the topics followed in this turn of the event loop go out in ONE SUBSCRIBE (a
   * burst of CONNECTs would otherwise write one command each). On a cluster every topic has its own
   * slot, hence its own SSUBSCRIBE.
   */
  private subscribeSoon(topic: string): Promise<void> {
    if (!this.subscribing) {
      const topics: string[] = [];
      const sent = nextTurn().then(() => {
        this.subscribing = null;
        return this.sub!.subscribe(...topics);
      });
      this.subscribing = { topics, ready: this.confirmed(sent) };
    }
    this.subscribing.topics.push(topic);
    return this.subscribing.ready;
  }

  /** Like subscribeSoon: one UNSUBSCRIBE per turn, leaving out the topics followed again meanwhile. */
  private unsubscribeSoon(topic: string): void {
    if (!this.unsubscribing) {
      const topics = (this.unsubscribing = new Set<string>());
      void nextTurn().then(() => {
        this.unsubscribing = null;
        const gone = [...topics].filter((t) => !this.topics.has(t));
        if (gone.length) this.sub!.unsubscribe(...gone).catch((err) => this.redis.warn('following a chat topic', err));
      });
    }
    this.unsubscribing.add(topic);
  }

  /** A subscription's confirmation, waited for at most FOLLOW_WAIT_MS: a request never waits longer for Redis. */
  private confirmed(subscribed: Promise<unknown>): Promise<void> {
    return withTimeout(subscribed, FOLLOW_WAIT_MS).catch((err) => this.redis.warn('following a chat topic', err));
  }

  private async subscribe(channel: string): Promise<void> {
    const sub = this.sub!;
    await (this.sharded ? sub.ssubscribe(channel) : sub.subscribe(channel));
  }

  private async unsubscribe(channel: string): Promise<void> {
    const sub = this.sub!;
    await (this.sharded ? sub.sunsubscribe(channel) : sub.unsubscribe(channel));
  }

  /** ioredis renews the subscriptions by itself on reconnection; subscribing again (harmless) tells when that is done. */
  private async subscribedAgain(): Promise<void> {
    try {
      await this.subscribe(this.channel);
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

  private receive(channel: string, raw: string): void {
    this.metrics.busReceived.inc(channel === this.channel ? BROADCAST : channel === this.inbox ? INBOX : TOPIC);
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

/** Resolves in the next turn of the event loop, after the I/O callbacks of this one. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The promise, or a failure after `ms` (the promise itself goes on). */
function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, late])
    .then(() => undefined)
    .finally(() => clearTimeout(timer));
}
