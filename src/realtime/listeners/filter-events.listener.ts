import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { WordFilterService } from '../../moderation/word-filter.service.js';
import { RealtimeBus } from '../delivery/realtime-bus.js';

/**
 * filter.changed: the instance that stored the new list has dropped its own copy; this forwards
 * the news over the bus so every other instance drops its copy too (the next message reads the
 * new list). After a Redis outage every copy is dropped, since news may have been lost.
 */
@Injectable()
export class FilterEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly bus: RealtimeBus,
    private readonly filter: WordFilterService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('filter.changed', (e) => this.bus.publish({ k: 'filter', g: e.gameIndex }));
    this.bus.onMessage((m) => {
      if (m.k === 'filter') this.filter.drop(m.g);
      else if (m.k === 'resync') this.filter.clear();
    });
  }
}
