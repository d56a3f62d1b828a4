import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { unavailableError } from '../../common/errors/error-bodies.js';
import { HIVE_CODES } from '../../common/errors/error-tables.js';
import type { RateLimits } from '../../common/rate-limit/rate-limits.js';
import { inspectJson } from '../../common/validation/json-guard.js';
import { MAX_PENDING_PACKETS, type Session } from '../session/session.js';
import { validateBody } from './packet-body.js';
import { Later, PACKET_HANDLER, type PacketHandler, type PacketHandlerOptions } from './packet-handler.js';
import { type CorrelationId, errorFrame, okFrame, tooManyFrame } from './response.js';
import { errorText } from '../../common/errors/error-text.js';
import type { MetricsService } from '../../observability/metrics/metrics.service.js';

/** The packet type label of a type no handler serves (a client's arbitrary string never becomes a label). */
const UNKNOWN_TYPE = 'unknown';

interface Route {
  options: PacketHandlerOptions;
  handler: PacketHandler<unknown>;
}

/**
 * Turns one text frame into one handler call: JSON check, the CONNECT-first rule, the rate limit,
 * body validation, and a RESPONSE_<TYPE> for every outcome. Handlers are the providers marked with
 * @Packet; this class knows none of them by name.
 */
export class PacketRouter {
  private readonly logger = new Logger('PacketRouter');
  private readonly routes = new Map<string, Route>();

  constructor(
    handlers: PacketHandler<unknown>[],
    private readonly limits: RateLimits,
    private readonly metrics: MetricsService,
  ) {
    for (const handler of handlers) {
      const options = Reflect.getMetadata(PACKET_HANDLER, handler.constructor) as PacketHandlerOptions | undefined;
      if (!options) throw new Error(`${handler.constructor.name} lacks @Packet()`);
      if (this.routes.has(options.type)) throw new Error(`two handlers for packet type ${options.type}`);
      this.routes.set(options.type, { options, handler });
    }
  }

  get packetTypes(): string[] {
    return [...this.routes.keys()];
  }

  onFrame(session: Session, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (session.closing) return;
    session.lastActivity = Date.now();
    let packet: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data).toString('utf8');
      packet = JSON.parse(text);
    } catch {
      session.disconnect('invalid');
      return;
    }
    if (packet === null || typeof packet !== 'object' || Array.isArray(packet)) {
      session.disconnect('invalid');
      return;
    }
    const { packetType, correlationId: rawId, body } = packet as { packetType?: unknown; correlationId?: unknown; body?: unknown };
    // Echoed as sent (a string, a number or null); absent or of another type: the response has none.
    const correlationId: CorrelationId = typeof rawId === 'string' || typeof rawId === 'number' || rawId === null ? rawId : undefined;
    const type = typeof packetType === 'string' ? packetType : 'UNKNOWN';
    if (session.pending + session.awaited >= MAX_PENDING_PACKETS) {
      session.refuse(tooManyFrame(type, correlationId));
      this.count(this.routes.has(type) ? type : UNKNOWN_TYPE, 429);
      return;
    }
    session.enqueue(() => this.run(session, type, correlationId, typeof packetType === 'string', body));
  }

  private async run(session: Session, type: string, correlationId: CorrelationId, typed: boolean, body: unknown): Promise<void> {
    if (session.closing) return;
    const route = this.routes.get(type);
    const label = route ? type : UNKNOWN_TYPE;
    session.holdPushes();
    if (!session.identity && !route?.options.opensSession) {
      // Anything but CONNECT/RECONNECT first (PING included) gets RESPONSE_<TYPE> 401/101, then the close.
      const error = new DomainError(ErrorCode.InvalidToken, 'the first packet must be CONNECT or RECONNECT');
      session.respond(errorFrame(type, correlationId, error, undefined, `RESPONSE_${type}`));
      this.count(label, HIVE_CODES[error.code][0]);
      session.close(1008, 'not connected');
      return;
    }
    try {
      // Before validation and any database work: a refused packet costs one counter increment
      // (in memory; in Redis for CONNECT/RECONNECT when REDIS_URL is set).
      const limit = this.limits.forPacket(type);
      if (limit) await limit.take(limit.keyedBy === 'player' ? session.playerKey! : session.address);
      if (!typed) throw new DomainError(ErrorCode.Validation, 'packetType must be a string');
      if (!route) throw new DomainError(ErrorCode.Validation, `packetType ${type} is not supported`);
      const result = await route.handler.handle(session, this.validate(route.options, body));
      if (result instanceof Later) {
        session.respondLater(
          result.answer.then(
            (answer) => {
              this.count(label, 200);
              return okFrame(type, correlationId, answer ?? {});
            },
            (err: unknown) => this.failed(type, label, correlationId, err),
          ),
        );
        return;
      }
      session.respond(okFrame(type, correlationId, result ?? {}));
      this.count(label, 200, route.options.opensSession && 'ok');
    } catch (err) {
      session.respond(this.failed(type, label, correlationId, err, route?.options.opensSession));
      if (route?.options.opensSession && !session.identity) {
        // 1013 "try again later": a CONNECT refused by the connect rate limit may be retried after retryAfterMillis.
        if (err instanceof DomainError && err.code === ErrorCode.RateLimited) session.close(1013, 'too many requests');
        else session.close(1008, 'authentication failed');
      }
    }
  }

  /** The failure response of a packet (counted; `opensSession`: a refused CONNECT/RECONNECT). */
  private failed(type: string, label: string, correlationId: CorrelationId, err: unknown, opensSession?: boolean): string {
    const error = err instanceof DomainError ? err : (unavailableError(err) ?? this.unexpected(type, err));
    this.count(label, HIVE_CODES[error.code][0], opensSession && 'refused');
    return errorFrame(type, correlationId, error);
  }

  /** partychat_ws_packets_total, and partychat_ws_connects_total for CONNECT/RECONNECT (docs/operations.md#metrics). */
  private count(type: string, status: number, connect?: 'ok' | 'refused' | false): void {
    this.metrics.wsPackets.inc({ type, status });
    if (connect) this.metrics.wsConnects.inc({ result: connect });
  }

  private validate(options: PacketHandlerOptions, body: unknown): unknown {
    if (!options.body) return undefined;
    const plain = body ?? {};
    if (typeof plain !== 'object' || Array.isArray(plain)) throw new DomainError(ErrorCode.Validation, 'body must be an object');
    const problem = inspectJson(plain, 'body');
    if (problem) throw new DomainError(ErrorCode.Validation, problem);
    return options.fastBody?.(plain as Record<string, unknown>) ?? validateBody(options.body, plain);
  }

  private unexpected(type: string, err: unknown): DomainError {
    this.logger.error(`${type} failed: ${errorText(err)}`);
    return new DomainError(ErrorCode.Internal, `internal error while handling ${type}`);
  }
}
