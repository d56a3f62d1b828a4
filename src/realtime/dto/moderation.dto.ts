import { IntField, PlayerIdField, TextField } from '../../common/validation/decorators.js';
import { MAX_REASON_CHARS, MAX_RESTRICTION_SECONDS } from '../../moderation/restriction.js';
import { ChannelRefDto } from './channel.dto.js';

/** UNMUTE_MEMBER: a member of the caller's channel (the caller must own it). */
export class ChannelMemberDto extends ChannelRefDto {
  @PlayerIdField()
  playerId: number;
}

/** MUTE_MEMBER: durationSeconds absent = until lifted. */
export class MuteMemberDto extends ChannelMemberDto {
  @IntField(1, MAX_RESTRICTION_SECONDS, { optional: true })
  durationSeconds?: number;

  @TextField(0, MAX_REASON_CHARS, { optional: true })
  reason?: string;
}

/** KICK_MEMBER: durationSeconds 0 or absent = removed, not banned. */
export class KickMemberDto extends ChannelMemberDto {
  @IntField(0, MAX_RESTRICTION_SECONDS, { optional: true })
  durationSeconds?: number;

  @TextField(0, MAX_REASON_CHARS, { optional: true })
  reason?: string;
}
