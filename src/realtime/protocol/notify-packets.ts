import type { HistoryMessage } from '../../channel/chat-history.service.js';
import type { ChannelExitReason, PartyNotifyBodies } from '../../common/events/domain-events.js';

/** Why the server closes a session (NOTIFY_DISCONNECT). */
export type DisconnectReason = 'idle' | 'invalid' | 'duplicated' | 'unauthorized' | 'banned' | 'shutdown';

/** The same body the history API returns for each message (one declaration, in the channel module). */
export type ChannelChatNotify = HistoryMessage;

export interface DirectChatNotify {
  /** The message's place in the recipient's "@direct" stream. */
  seq: number;
  messageId: string;
  from: number;
  toPlayerId: number;
  message: string;
  extraData: string | null;
  timestamp: string;
  timestampMillis: number;
}

/** A stored channel message changed (docs/moderation.md#editing-and-deleting-messages). */
export interface MessageEditedNotify {
  channelId: string;
  messageId: string;
  message: string;
  editedAtMillis: number;
}

export interface MessageDeletedNotify {
  channelId: string;
  messageId: string;
  /** The player who deleted it, or "SYSTEM" (the server API). */
  deletedBy: number | 'SYSTEM';
}

export interface MemberChangeNotify {
  channelId: string;
  playerId: number;
  timestamp: string;
  timestampMillis: number;
}

/** NOTIFY_EXIT_CHANNEL: why the player left (docs/realtime.md#pushes). */
export interface ExitChannelNotify {
  channelId: string;
  playerId: number;
  reason: ChannelExitReason;
  timestamp: string;
  timestampMillis: number;
}

/** Moderation pushes to the player concerned (docs/moderation.md). `untilMillis` null: until lifted. */
export interface ModerationNotifyBodies {
  /** channelId null: game-wide. */
  NOTIFY_MUTED: { channelId: string | null; untilMillis: number | null; reason: string | null };
  NOTIFY_UNMUTED: { channelId: string | null };
  /** untilMillis: when the player may enter again (a plain kick: the time of the kick). */
  NOTIFY_KICKED: { channelId: string; reason: string | null; untilMillis: number | null };
}

/** Every server push and its one declared body type (the protocol's pushes plus the party events). */
export type NotifyBodies = {
  NOTIFY_CHANNEL_CHAT: ChannelChatNotify;
  NOTIFY_MESSAGE_EDITED: MessageEditedNotify;
  NOTIFY_MESSAGE_DELETED: MessageDeletedNotify;
  NOTIFY_DIRECT_CHAT: DirectChatNotify;
  NOTIFY_ENTER_CHANNEL: MemberChangeNotify;
  NOTIFY_EXIT_CHANNEL: ExitChannelNotify;
  NOTIFY_DELETE_CHANNEL: { channelId: string };
  NOTIFY_CHANNEL_NOTICE: { channelId?: string; message: string; timestamp: string; timestampMillis: number };
  NOTIFY_NOTICE: { message: string };
  NOTIFY_CUSTOM: { channelId?: string; data: string };
  NOTIFY_DISCONNECT: { reason: DisconnectReason };
  NOTIFY_PRESENCE: { playerId: number; online: boolean; lastSeenMillis: number | null };
} & PartyNotifyBodies &
  ModerationNotifyBodies;

export type NotifyType = keyof NotifyBodies;

/** The one way a push is serialised: the frame string is built once and sent to every recipient. */
export function notifyFrame<K extends NotifyType>(packetType: K, body: NotifyBodies[K]): string {
  return JSON.stringify({ packetType, body });
}

/** Hive time string and millis of one instant. */
export function stamp(millis: number): { timestamp: string; timestampMillis: number } {
  return { timestamp: new Date(millis).toISOString(), timestampMillis: millis };
}
