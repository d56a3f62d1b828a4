import type { HistoryMessage } from '../../channel/chat-history.service.js';
import type { PartyNotifyBodies } from '../../common/events/domain-events.js';

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

export interface MemberChangeNotify {
  channelId: string;
  playerId: number;
  timestamp: string;
  timestampMillis: number;
}

/** Every server push and its one declared body type (the protocol's pushes plus the party events). */
export type NotifyBodies = {
  NOTIFY_CHANNEL_CHAT: ChannelChatNotify;
  NOTIFY_DIRECT_CHAT: DirectChatNotify;
  NOTIFY_ENTER_CHANNEL: MemberChangeNotify;
  NOTIFY_EXIT_CHANNEL: MemberChangeNotify;
  NOTIFY_DELETE_CHANNEL: { channelId: string };
  NOTIFY_CHANNEL_NOTICE: { channelId?: string; message: string; timestamp: string; timestampMillis: number };
  NOTIFY_NOTICE: { message: string };
  NOTIFY_CUSTOM: { channelId?: string; data: string };
  NOTIFY_DISCONNECT: { reason: DisconnectReason };
  NOTIFY_PRESENCE: { playerId: number; online: boolean; lastSeenMillis: number | null };
} & PartyNotifyBodies;

export type NotifyType = keyof NotifyBodies;

/** The one way a push is serialised: the frame string is built once and sent to every recipient. */
export function notifyFrame<K extends NotifyType>(packetType: K, body: NotifyBodies[K]): string {
  return JSON.stringify({ packetType, body });
}

/** Hive time string and millis of one instant. */
export function stamp(millis: number): { timestamp: string; timestampMillis: number } {
  return { timestamp: new Date(millis).toISOString(), timestampMillis: millis };
}
