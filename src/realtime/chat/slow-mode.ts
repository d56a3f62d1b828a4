import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import type { ChannelView } from '../../channel/channel.service.js';
import { MetricsService } from '../../observability/metrics/metrics.service.js';

/** The label of a slow-mode refusal in partychat_rate_limited_total (docs/operations.md#metrics). */
const SLOW_MODE = { limit: 'slow_mode' } as const;

/** Past this many remembered senders, the expired ones are forgotten (then at twice the size left). */
const SWEEP_AT_LEAST = 10_000;

/**
 * Slow mode (docs/realtime.md#chat-rules): in a channel with `slowModeSeconds` > 0, a member other
 * than the owner may send one CHANNEL_CHAT per that many seconds; a faster one gets 429 with
 * `retryAfterMillis`. Kept in memory by the instance that holds the sender's connection (a player
 * has one connection), per (channel, member); only accepted messages count.
 */
@Injectable()
export class SlowMode {
  /** `game:channel:player` → when its last accepted message was sent, and when that stops mattering. */
  private readonly lastSent = new Map<string, { at: number; until: number }>();
  private sweepAt = SWEEP_AT_LEAST;

  constructor(private readonly metrics: MetricsService) {}

  /**
   * Throws 429 (code 108, `retryAfterMillis`) when the player must wait; otherwise returns the key
   * to pass to `accepted` once the message is accepted, or null when slow mode does not apply.
   */
  check(gameIndex: number, channel: ChannelView, playerId: number): string | null {
    const seconds = channel.slowModeSeconds;
    if (!seconds || channel.owner === String(playerId)) return null;
    const key = `${gameIndex}:${channel.channelId}:${playerId}`;
    const last = this.lastSent.get(key);
    // The channel's current setting decides, also for a message sent under an older one.
    const wait = last ? last.at + seconds * 1000 - Date.now() : 0;
    if (wait > 0) {
      this.metrics.rateLimited.inc(SLOW_MODE);
      throw new DomainError(
        ErrorCode.SlowMode,
        `channel "${channel.channelId}" is in slow mode: one message per ${seconds} s; retry in ${wait} ms`,
        { retryAfterMillis: wait },
      );
    }
    return key;
  }

  /** The message checked under `key` was accepted: the member's next one waits from now. */
  accepted(key: string, channel: ChannelView): void {
    const now = Date.now();
    this.lastSent.set(key, { at: now, until: now + channel.slowModeSeconds * 1000 });
    if (this.lastSent.size >= this.sweepAt) this.sweep(now);
  }

  /** Forgets every sender (tests that empty the database and reuse channel ids). */
  clear(): void {
    this.lastSent.clear();
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.lastSent) if (entry.until <= now) this.lastSent.delete(key);
    this.sweepAt = Math.max(SWEEP_AT_LEAST, this.lastSent.size * 2);
  }
}
