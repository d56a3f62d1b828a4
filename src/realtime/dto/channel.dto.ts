import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { MessageIdField, Optional } from '../../common/validation/decorators.js';

export class ChannelRefDto {
  @IsString({ message: 'channelId must be a string' })
  @Matches(CHANNEL_ID_PATTERN, { message: `channelId must be ${CHANNEL_ID_RULE}` })
  channelId: string;
}

export class EnterChannelDto extends ChannelRefDto {
  @Optional()
  @IsString({ message: 'password must be a string' })
  @MaxLength(50, { message: 'password must be at most 50 characters' })
  password?: string;
}

export class ChannelHistoryDto extends ChannelRefDto {
  @MessageIdField({ optional: true })
  messageId?: string;

  @Optional()
  @IsInt({ message: 'prevSize must be an integer' })
  @Min(0, { message: 'prevSize must be between 0 and 50' })
  @Max(50, { message: 'prevSize must be between 0 and 50' })
  prevSize?: number;

  @Optional()
  @IsInt({ message: 'nextSize must be an integer' })
  @Min(0, { message: 'nextSize must be between 0 and 50' })
  @Max(50, { message: 'nextSize must be between 0 and 50' })
  nextSize?: number;
}
