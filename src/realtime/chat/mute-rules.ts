import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import type { ActiveMute } from '../../moderation/mutes/mute.service.js';

/** The channel a message goes to, as the mute check needs it; null for a direct message. */
export interface MutedScope {
  channelId: string;
  /** When the channel was created: a channel mute made before it belongs to an earlier channel of that id. */
  regTimeMillis: number;
}

/**
 * The mute that stops a message, if any (docs/moderation.md#mutes): for a channel message a mute
 * of that channel or a game-wide one, for a direct message a game-wide one. Of several, the one
 * that ends last. Ended mutes (`endMillis` passed) do not count.
 */
export function stoppingMute(mutes: readonly ActiveMute[], scope: MutedScope | null, now = Date.now()): ActiveMute | null {
  let found: ActiveMute | null = null;
  for (const mute of mutes) {
    if (mute.endMillis <= now) continue;
    if (mute.channelId !== null && (scope === null || mute.channelId !== scope.channelId || mute.sinceMillis < scope.regTimeMillis))
      continue;
    if (found === null || mute.endMillis > found.endMillis) found = mute;
  }
  return found;
}

/** 403/310 with `mutedUntilMillis` (null = until lifted) in the WebSocket response body. */
export function mutedError(playerId: number, mute: ActiveMute): DomainError {
  const finite = Number.isFinite(mute.endMillis);
  const where = mute.channelId === null ? 'game-wide' : `in channel "${mute.channelId}"`;
  const until = finite ? `until ${new Date(mute.endMillis).toISOString()}` : 'until lifted';
  return new DomainError(ErrorCode.Muted, `player ${playerId} is muted ${where} ${until}`, {
    extra: { mutedUntilMillis: finite ? mute.endMillis : null },
  });
}
