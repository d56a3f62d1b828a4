import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { notifyFrame } from '../protocol/notify-packets.js';

/** Party live events (docs/party-api.md): `{packetType: type, body}` to each connected recipient. */
@Injectable()
export class PartyEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly delivery: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('party.event', (e) => {
      this.delivery.toPlayers(e.gameIndex, e.recipientIds, notifyFrame(e.type, e.body));
    });
  }
}
