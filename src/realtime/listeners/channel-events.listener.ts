import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { BlockCache } from '../chat/block-cache.js';
import { ChannelCache } from '../chat/channel-cache.js';
import { DeliveryService } from '../delivery/delivery.service.js';
import { type BusMessage, RealtimeBus } from '../delivery/realtime-bus.js';
import { notifyFrame, stamp } from '../protocol/notify-packets.js';

/**
 * channel.* and block.changed, whichever door caused them (HTTP, WebSocket, purge, party):
 * NOTIFY_ENTER/EXIT/DELETE_CHANNEL to the members (the player who entered or left included; a
 * kicked or banned one also gets NOTIFY_KICKED),
 * and the caches of every instance brought up to date.
 */
@Injectable()
export class ChannelEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly bus: RealtimeBus,
    private readonly delivery: DeliveryService,
    private readonly channels: ChannelCache,
    private readonly blocks: BlockCache,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('channel.entered', (e) => {
      this.apply({ k: 'channel', g: e.gameIndex, c: e.channelId, op: 'entered', p: e.playerId }, true);
      const body = { channelId: e.channelId, playerId: e.playerId, ...stamp(e.at.getTime()) };
      this.delivery.toPlayers(e.gameIndex, e.memberIds, notifyFrame('NOTIFY_ENTER_CHANNEL', body));
    });
    this.events.subscribe('channel.exited', (e) => {
      this.apply({ k: 'channel', g: e.gameIndex, c: e.channelId, op: 'exited', p: e.playerId }, true);
      const body = { channelId: e.channelId, playerId: e.playerId, reason: e.reason, ...stamp(e.at.getTime()) };
      this.delivery.toPlayers(e.gameIndex, [...e.memberIds, e.playerId], notifyFrame('NOTIFY_EXIT_CHANNEL', body));
      if (e.kick) {
        const kicked = { channelId: e.channelId, reason: e.kick.reason, untilMillis: e.kick.untilMillis };
        this.delivery.toPlayer(e.gameIndex, e.playerId, notifyFrame('NOTIFY_KICKED', kicked));
      }
    });
    this.events.subscribe('channel.deleted', (e) => {
      this.apply({ k: 'channel', g: e.gameIndex, c: e.channelId, op: 'deleted' }, true);
      this.delivery.toPlayers(e.gameIndex, e.memberIds, notifyFrame('NOTIFY_DELETE_CHANNEL', { channelId: e.channelId }));
    });
    this.events.subscribe('channel.updated', (e) => this.apply({ k: 'channel', g: e.gameIndex, c: e.channelId, op: 'updated' }, true));
    this.events.subscribe('block.changed', (e) => this.apply({ k: 'blocks', g: e.gameIndex, p: e.playerId }, true));
    this.bus.onMessage((m) => {
      if (m.k !== 'resync') return this.apply(m, false);
      // Changes announced while Redis was unreachable never arrived: start again from the database.
      this.channels.clear();
      this.blocks.clear();
    });
  }

  /** Applies a cache change here and, for a local event, on every other instance. */
  private apply(m: BusMessage, local: boolean): void {
    if (m.k === 'channel') {
      if (m.op === 'entered') this.channels.memberEntered(m.g, m.c, m.p!);
      else if (m.op === 'exited') this.channels.memberExited(m.g, m.c, m.p!);
      else this.channels.drop(m.g, m.c);
    } else if (m.k === 'blocks') {
      this.blocks.drop(m.g, m.p);
    } else {
      return;
    }
    if (local) this.bus.publish(m);
  }
}
