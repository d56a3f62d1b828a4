import { ArrayMaxSize, IsArray, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { Optional } from '../../common/validation/decorators.js';
import { ChannelRefDto } from './channel.dto.js';

/** MARK_READ (docs/realtime.md#unread-counts). */
export class MarkReadDto extends ChannelRefDto {
  @IsInt({ message: 'seq must be an integer' })
  @Min(0, { message: 'seq must be at least 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: `seq must be at most ${Number.MAX_SAFE_INTEGER}` })
  seq: number;
}

/** GET_UNREAD: the channels to count (default: every channel the player is in). */
export class GetUnreadDto {
  @Optional()
  @IsArray({ message: 'channelIds must be an array of channel ids' })
  @ArrayMaxSize(1_000, { message: 'channelIds must list at most 1000 channels' })
  @IsString({ each: true, message: 'channelIds must contain strings' })
  @Matches(CHANNEL_ID_PATTERN, { each: true, message: `channelIds must contain channel ids (${CHANNEL_ID_RULE})` })
  channelIds?: string[];
}
