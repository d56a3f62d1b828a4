/** Every action the audit log records (docs/moderation.md#audit-log). */
export const AUDIT_ACTIONS = [
  'filter_update',
  'mute',
  'unmute',
  'channel_ban',
  'channel_unban',
  'kick',
  'message_delete',
  'report_update',
  'player_ban',
  'player_unban',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: the game server (server API) or a player (a channel owner's packet). */
export type AuditActor = 'SYSTEM' | number;

export interface AuditRecord {
  gameIndex: number;
  action: AuditAction;
  actor: AuditActor;
  targetPlayerId?: number | null;
  channelId?: string | null;
  details?: Record<string, unknown>;
}
