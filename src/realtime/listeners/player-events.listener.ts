import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../../common/events/domain-events.js';
import { PlayerService } from '../../player/player.service.js';
import { RealtimeBus } from '../delivery/realtime-bus.js';
import { SessionRegistry } from '../session/session-registry.js';

/**
 * player.ban, from this instance's server API or from another instance over the bus: every
 * instance drops its cached ban check of the player (so no instance lets a just-banned player
 * back in from its cache), and a ban closes the player's session wherever it is connected with
 * NOTIFY_DISCONNECT `banned`. The close then runs as any disconnect does (PUBLIC channels left,
 * presence offline). Nothing is checked per packet: closing the socket is what stops the chat.
 */
@Injectable()
export class PlayerEventsListener implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly bus: RealtimeBus,
    private readonly players: PlayerService,
    private readonly sessions: SessionRegistry,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('player.ban', (e) => {
      this.apply(e.gameIndex, e.playerId, e.banned);
      this.bus.publish({ k: 'ban', g: e.gameIndex, p: e.playerId, on: e.banned });
    });
    this.bus.onMessage((m) => {
      if (m.k === 'ban') this.apply(m.g, m.p, m.on);
    });
  }

  private apply(gameIndex: number, playerId: number, banned: boolean): void {
    this.players.banChanged(gameIndex, playerId);
    if (banned) this.sessions.get(gameIndex, playerId)?.disconnect('banned');
  }
}
