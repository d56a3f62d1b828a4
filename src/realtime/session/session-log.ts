import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '../../observability/metrics/metrics.service.js';
import type { Session } from './session.js';

/**
 * The open-connections gauge and one log line when a session opens (CONNECT or RECONNECT
 * accepted) and when its socket closes, with the reason (docs/operations.md#logs). Nothing the
 * client sent is logged: no token, no packet, not even the close reason a client gives.
 */
@Injectable()
export class SessionLog {
  private readonly logger = new Logger('Session');

  constructor(private readonly metrics: MetricsService) {}

  socketOpened(): void {
    this.metrics.wsConnections.inc();
  }

  connected(session: Session): void {
    const { gameIndex, playerId } = session.player;
    this.logger.log({ msg: 'ws session opened', sessionId: session.id, gameIndex, playerId });
  }

  socketClosed(session: Session): void {
    this.metrics.wsConnections.dec();
    this.logger.log({
      msg: 'ws session closed',
      sessionId: session.id,
      ...(session.identity ? { gameIndex: session.identity.gameIndex, playerId: session.identity.playerId } : {}),
      reason: session.closeReason ?? 'closed by the client',
      durationMs: Date.now() - session.openedAt,
    });
  }
}
