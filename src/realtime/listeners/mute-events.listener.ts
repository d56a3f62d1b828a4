import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { MuteCache } from '../chat/mute-cache.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { RealtimeBus } from '../delivery/realtime-bus.js';
import { notifyFrame } from '../protocol/notify-packets.js';

/**
 * mute.changed: every instance drops its cached mutes of the player (this one at once, the others
 * through the bus), then the player gets NOTIFY_MUTED or NOTIFY_UNMUTED wherever it is connected.
 * The bus message goes out before the push, so an instance has dropped its copy by the time the
 * player reads the push. After a Redis outage every cached mute is dropped.
 */
@Injectable()
export class MuteEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly bus: RealtimeBus,
    private readonly cache: MuteCache,
    private readonly delivery: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('mute.changed', (e) => {
      this.cache.drop(e.gameIndex, e.playerId);
      this.bus.publish({ k: 'mute', g: e.gameIndex, p: e.playerId });
      const frame = e.muted
        ? notifyFrame('NOTIFY_MUTED', { channelId: e.channelId, untilMillis: e.untilMillis, reason: e.reason })
        : notifyFrame('NOTIFY_UNMUTED', { channelId: e.channelId });
      this.delivery.toPlayer(e.gameIndex, e.playerId, frame);
    });
    this.bus.onMessage((m) => {
      if (m.k === 'mute') this.cache.drop(m.g, m.p);
      else if (m.k === 'resync') this.cache.clear();
    });
  }
}
