import { Injectable, Logger } from '@nestjs/common';
import { errorText } from '../errors/error-text.js';

/**
 * What the domain modules announce. The realtime gateway subscribes and turns these into
 * NOTIFY_* packets; publishers never import the gateway. `memberIds` are the channel's members
 * after the change (the recipients of the notification).
 */
export interface DomainEventMap {
  'channel.entered': { gameIndex: number; channelId: string; playerId: number; at: Date; memberIds: number[] };
  'channel.exited': {
    gameIndex: number;
    channelId: string;
    playerId: number;
    at: Date;
    memberIds: number[];
    reason: ChannelExitReason;
    /** A kick or ban: what the removed player reads in NOTIFY_KICKED. */
    kick?: ChannelKick;
  };
  'channel.deleted': { gameIndex: number; channelId: string; memberIds: number[] };
  /** Channel settings changed (type, capacity, chatHistoryAllowed...): realtime drops its cached copy. */
  'channel.updated': { gameIndex: number; channelId: string };
  'notice.channel': { gameIndex: number; channelId: string | null; langCode: string | null; message: string; memberIds: number[] | null };
  'notice.user': { gameIndex: number; playerId: number; message: string };
  'custom.channel': { gameIndex: number; channelId: string; data: string; memberIds: number[] };
  'custom.user': { gameIndex: number; playerId: number; data: string };
  /** A block list changed (the realtime gateway drops its cached block pairs). */
  'block.changed': { gameIndex: number; playerId: number; blockedId: number; blocked: boolean };
  /** Party live events: `type` is the NOTIFY_PARTY_* packet type, sent to `recipientIds`. */
  'party.event': PartyEvent;
  /**
   * A player was banned or unbanned (committed): a ban closes the player's socket wherever it is,
   * and every instance drops its cached ban check of the player either way.
   */
  'player.ban': { gameIndex: number; playerId: number; banned: boolean };
  /** The game's word filter was replaced: every instance drops its compiled copy. */
  'filter.changed': { gameIndex: number };
  /** A stored channel message's text was changed by its sender (committed). */
  'message.edited': { gameIndex: number; channelId: string; messageId: string; senderId: number; message: string; editedAtMillis: number };
  /** A stored channel message was deleted (committed): by `deletedBy`, a player or the server API. */
  'message.deleted': { gameIndex: number; channelId: string; messageId: string; senderId: number; deletedBy: number | 'SYSTEM' };
  /**
   * A player was muted (`muted`, channelId null = game-wide; untilMillis null = until lifted) or a
   * mute was lifted (committed): every instance drops its cached mutes of the player.
   */
  'mute.changed': {
    gameIndex: number;
    playerId: number;
    channelId: string | null;
    muted: boolean;
    untilMillis: number | null;
    reason: string | null;
  };
}

/** Why a player left a channel (NOTIFY_EXIT_CHANNEL `reason`, docs/realtime.md#pushes). */
export type ChannelExitReason = 'left' | 'disconnected' | 'kicked' | 'banned';

/**
 * A kick or ban out of a channel: the moderator's reason, and when the player may enter again
 * (a ban's end; null = not until the ban is lifted; a plain kick: the time of the kick).
 */
export interface ChannelKick {
  reason: string | null;
  untilMillis: number | null;
}

export interface PartyEventBody {
  partyId: number;
  playerId?: number;
  membershipId?: number;
  reason?: 'left' | 'kicked';
  party?: Record<string, unknown>;
}

/** To the invitee: `playerId` is the inviter, `party` the Party object. */
export interface PartyInviteBody {
  partyId: number;
  inviteId: number;
  playerId: number;
  party: Record<string, unknown>;
}

/** To the inviter: `playerId` is the invitee, `status` 1 accepted or 2 declined. */
export interface PartyInviteAnsweredBody {
  partyId: number;
  inviteId: number;
  playerId: number;
  status: number;
}

/** `readyCheck` is the ReadyCheck object of docs/party-api.md. */
export interface PartyReadyCheckBody {
  partyId: number;
  readyCheck: Record<string, unknown>;
}

/** Every NOTIFY_PARTY_* packet and its body. */
export interface PartyNotifyBodies {
  NOTIFY_PARTY_JOIN_REQUEST: PartyEventBody;
  NOTIFY_PARTY_MEMBER_JOINED: PartyEventBody;
  NOTIFY_PARTY_MEMBER_LEFT: PartyEventBody;
  NOTIFY_PARTY_UPDATED: PartyEventBody;
  NOTIFY_PARTY_DELETED: PartyEventBody;
  NOTIFY_PARTY_REQUEST_ACCEPTED: PartyEventBody;
  NOTIFY_PARTY_REQUEST_REJECTED: PartyEventBody;
  NOTIFY_PARTY_INVITE: PartyInviteBody;
  NOTIFY_PARTY_INVITE_ANSWERED: PartyInviteAnsweredBody;
  NOTIFY_PARTY_INVITE_CANCELED: { partyId: number; inviteId: number };
  NOTIFY_PARTY_READY_CHECK: PartyReadyCheckBody;
  NOTIFY_PARTY_READY_UPDATE: { partyId: number; playerId: number; ready: boolean };
  NOTIFY_PARTY_READY_CHECK_DONE: PartyReadyCheckBody;
}

export type PartyNotifyType = keyof PartyNotifyBodies;

/** One party live event: the packet type, its recipients and the body declared for that type. */
export type PartyEvent = {
  [K in PartyNotifyType]: { gameIndex: number; type: K; recipientIds: number[]; body: PartyNotifyBodies[K] };
}[PartyNotifyType];

export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

/** The in-process publisher of domain events. Handlers run after the publisher's call returns. */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly handlers = new Map<DomainEventName, Handler<DomainEventName>[]>();

  subscribe<K extends DomainEventName>(name: K, handler: Handler<K>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<DomainEventName>);
    this.handlers.set(name, list);
    return () => {
      const current = this.handlers.get(name) ?? [];
      this.handlers.set(
        name,
        current.filter((h) => h !== handler),
      );
    };
  }

  /** Call after the transaction that caused the event has committed. */
  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    for (const handler of this.handlers.get(name) ?? []) {
      queueMicrotask(() => {
        try {
          const result = handler(payload);
          if (result instanceof Promise) result.catch((err: unknown) => this.logger.error(`${name} handler failed: ${errorText(err)}`));
        } catch (err) {
          this.logger.error(`${name} handler failed: ${(err as Error)?.stack ?? err}`);
        }
      });
    }
  }
}
