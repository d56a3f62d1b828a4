import { Injectable } from '@nestjs/common';
import { DomainEvents, type PartyEvent, type PartyNotifyBodies, type PartyNotifyType } from '../common/events/domain-events.js';
import type { Tx } from '../infra/database/transaction.js';

/**
 * Publishes NOTIFY_PARTY_* through the domain-event seam, and only once the transaction commits:
 * a change that rolls back (or is run again after a deadlock) must not be announced.
 */
@Injectable()
export class PartyEvents {
  constructor(private readonly events: DomainEvents) {}

  emit<K extends PartyNotifyType>(tx: Tx, gameIndex: number, type: K, recipientIds: number[], body: PartyNotifyBodies[K]): void {
    const recipients = [...new Set(recipientIds)];
    if (recipients.length === 0) return;
    const event = { gameIndex, type, recipientIds: recipients, body } as PartyEvent;
    tx.afterCommit(() => this.events.publish('party.event', event));
  }
}
