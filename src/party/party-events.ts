import { Injectable } from '@nestjs/common';
import { DomainEvents, type PartyEventBody, type PartyNotifyType } from '../common/events/domain-events.js';
import type { Tx } from '../infra/database/transaction.js';

/** Publishes NOTIFY_PARTY_* (SPEC 2.3) through the domain-event seam, once the transaction commits. */
@Injectable()
export class PartyEvents {
  constructor(private readonly events: DomainEvents) {}

  emit(tx: Tx, gameIndex: number, type: PartyNotifyType, recipientIds: number[], body: PartyEventBody): void {
    const recipients = [...new Set(recipientIds)];
    if (recipients.length === 0) return;
    tx.afterCommit(() => this.events.publish('party.event', { gameIndex, type, recipientIds: recipients, body }));
  }
}
