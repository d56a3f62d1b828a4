import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the rate-limited counter's `limit` label names (docs/operations.md#rate-limits). */
export const LIMIT_NAMES = ['chat', 'packets', 'rest', 'login', 'connect', 'slow_mode'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/**
 * Every metric of `GET /metrics` (docs/operations.md#metrics) but the two read from the database
 * pool and Redis at scrape time (infra-gauges.ts). One registry per app instance, not prom-client's
 * global one: tests run several instances in one process, and each counts only its own traffic.
 * Label values come from closed sets (packet types the router knows, route patterns, result
 * codes), never from what a client sent.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly wsConnections = new Gauge({ name: 'partychat_ws_connections', help: 'Open WebSocket connections', registers: [this.registry] });
  readonly wsConnects = new Counter({
    name: 'partychat_ws_connects_total',
    help: 'CONNECT and RECONNECT packets by outcome',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly wsPackets = new Counter({
    name: 'partychat_ws_packets_total',
    help: 'Client packets answered, by packet type (unknown for a type the server does not know) and response status',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'partychat_messages_total',
    help: 'Chat messages accepted (CHANNEL_CHAT, DIRECT_CHAT)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'partychat_deliveries_total',
    help: 'Chat messages written to sockets of this instance (one per recipient)',
    registers: [this.registry],
  });
  readonly deliverySeconds = new Histogram({
    name: 'partychat_delivery_seconds',
    help: "From a chat message's arrival to its last write to a socket of this instance",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly busReceived = new Counter({
    name: 'partychat_bus_received_total',
    help: "Messages from other instances received through Redis pub/sub: on the broadcast channel, on this instance's inbox, or on a chat topic this instance follows",
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'partychat_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'partychat_http_request_duration_seconds',
    help: 'HTTP request duration, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'partychat_rate_limited_total',
    help: 'Requests and packets refused by a rate limit or slow mode',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly moderationActions = new Counter({
    name: 'partychat_moderation_actions_total',
    help: 'Moderation actions recorded in the audit log',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly purgeDeleted = new Counter({
    name: 'partychat_purge_deleted_total',
    help: 'Rows deleted by the purge job',
    labelNames: ['what'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Present from the first scrape, so rate() and alerts see a 0 before the first event.
    for (const result of ['ok', 'refused']) this.wsConnects.inc({ result }, 0);
    for (const kind of ['channel', 'direct']) this.messages.inc({ kind }, 0);
    for (const what of ['channels', 'messages']) this.purgeDeleted.inc({ what }, 0);
    for (const limit of LIMIT_NAMES) this.rateLimited.inc({ limit }, 0);
  }

  /**
   * A chat message was written to `writes` sockets of this instance; `arrivedAt` is when it arrived,
   * in `performance.now()` time of this process (or of another instance, converted by the caller).
   * One histogram observation per message, not per recipient.
   */
  delivered(arrivedAt: number, writes: number): void {
    if (writes === 0) return;
    this.deliveries.inc(writes);
    this.deliverySeconds.observe(Math.max(0, performance.now() - arrivedAt) / 1000);
  }
}
