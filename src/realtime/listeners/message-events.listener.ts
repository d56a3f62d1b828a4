import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { errorText } from '../../common/errors/error-text.js';
import { type DomainEventMap, DomainEvents } from '../../common/events/domain-events.js';
import { BlockCache } from '../chat/block-cache.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { notifyFrame } from '../protocol/notify-packets.js';

/**
 * message.edited / message.deleted, from a packet or the server API: NOTIFY_MESSAGE_EDITED /
 * NOTIFY_MESSAGE_DELETED to the channel's members wherever they are connected, never to the
 * player who acted (it has its response). An edit carries text, so it skips blocks either way
 * with the sender, as the message itself did; a delete carries none and reaches every other
 * member, so that a copy read from history goes too.
 */
@Injectable()
export class MessageEventsListener implements OnModuleInit {
  private readonly logger = new Logger('MessageEvents');

  constructor(
    private readonly events: DomainEvents,
    private readonly channels: ChannelCache,
    private readonly blocks: BlockCache,
    private readonly delivery: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('message.edited', (e) => this.edited(e).catch((err) => this.failed('NOTIFY_MESSAGE_EDITED', err)));
    this.events.subscribe('message.deleted', (e) => this.deleted(e).catch((err) => this.failed('NOTIFY_MESSAGE_DELETED', err)));
  }

  private async edited(e: DomainEventMap['message.edited']): Promise<void> {
    const members = [...(await this.channels.get(e.gameIndex, e.channelId)).members].filter((id) => id !== e.senderId);
    const lists = await this.blocks.ofMany(e.gameIndex, [e.senderId, ...members]);
    const blockedBySender = lists.get(e.senderId);
    const recipients = members.filter((id) => !blockedBySender?.has(id) && !lists.get(id)?.has(e.senderId));
    const body = { channelId: e.channelId, messageId: e.messageId, message: e.message, editedAtMillis: e.editedAtMillis };
    this.delivery.toPlayers(e.gameIndex, recipients, notifyFrame('NOTIFY_MESSAGE_EDITED', body));
  }

  private async deleted(e: DomainEventMap['message.deleted']): Promise<void> {
    const members = [...(await this.channels.get(e.gameIndex, e.channelId)).members].filter((id) => id !== e.deletedBy);
    const body = { channelId: e.channelId, messageId: e.messageId, deletedBy: e.deletedBy };
    this.delivery.toPlayers(e.gameIndex, members, notifyFrame('NOTIFY_MESSAGE_DELETED', body));
  }

  /** The change is committed; only its pushes are lost (e.g. the channel was deleted meanwhile). */
  private failed(push: string, err: unknown): void {
    this.logger.warn(`${push} not sent: ${errorText(err)}`);
  }
}
