import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { notifyFrame, stamp } from '../protocol/notify-packets.js';

/** Notices and custom messages of the server API (docs/chat-api.md) to connected players. */
@Injectable()
export class NoticeEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly delivery: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('notice.channel', (e) => {
      const at = stamp(Date.now());
      if (e.channelId === null || e.memberIds === null) {
        this.delivery.toGame(e.gameIndex, e.langCode, notifyFrame('NOTIFY_CHANNEL_NOTICE', { message: e.message, ...at }));
      } else {
        const frame = notifyFrame('NOTIFY_CHANNEL_NOTICE', { channelId: e.channelId, message: e.message, ...at });
        this.delivery.toPlayers(e.gameIndex, e.memberIds, frame, e.langCode);
      }
    });
    this.events.subscribe('notice.user', (e) => {
      this.delivery.toPlayer(e.gameIndex, e.playerId, notifyFrame('NOTIFY_NOTICE', { message: e.message }));
    });
    this.events.subscribe('custom.channel', (e) => {
      this.delivery.toPlayers(e.gameIndex, e.memberIds, notifyFrame('NOTIFY_CUSTOM', { channelId: e.channelId, data: e.data }));
    });
    this.events.subscribe('custom.user', (e) => {
      this.delivery.toPlayer(e.gameIndex, e.playerId, notifyFrame('NOTIFY_CUSTOM', { data: e.data }));
    });
  }
}
