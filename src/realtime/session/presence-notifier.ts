import { Injectable } from '@nestjs/common';
import { PresenceAudience } from '../../presence/presence-audience.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { notifyFrame } from '../protocol/notify-packets.js';

/** NOTIFY_PRESENCE to the players who share a channel or a party with the one that changed. */
@Injectable()
export class PresenceNotifier {
  constructor(
    private readonly audience: PresenceAudience,
    private readonly delivery: DeliveryService,
  ) {}

  /** The audience is computed by the caller before the change (a disconnect leaves PUBLIC channels). */
  audienceOf(gameIndex: number, playerId: number): Promise<Set<number>> {
    return this.audience.of(gameIndex, playerId);
  }

  send(gameIndex: number, playerId: number, online: boolean, lastSeenMillis: number, audience: Set<number>): void {
    if (audience.size === 0) return;
    this.delivery.toPlayers(gameIndex, audience, notifyFrame('NOTIFY_PRESENCE', { playerId, online, lastSeenMillis }));
  }
}
