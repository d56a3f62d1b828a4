import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { PlayerIdField } from '../../common/validation/decorators.js';
import { MAX_PLAYER_ID } from '../../player/player-identity.js';

/** Longest extraData, in UTF-8 bytes (SPEC 4). The 200-character message limit is checked by the handlers (code 204). */
export const MAX_EXTRA_DATA_BYTES = 256;

function ExtraDataField() {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      validator: { validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= MAX_EXTRA_DATA_BYTES },
    },
    { message: `extraData must be a string of at most ${MAX_EXTRA_DATA_BYTES} UTF-8 bytes` },
  );
}

export class ChannelChatDto {
  @IsString({ message: 'channelId must be a string' })
  @Matches(CHANNEL_ID_PATTERN, { message: `channelId must be ${CHANNEL_ID_RULE}` })
  channelId: string;

  @IsString({ message: 'message must be a string' })
  @MinLength(1, { message: 'message must not be empty' })
  message: string;

  @IsOptional()
  @ExtraDataField()
  extraData?: string;

  @IsOptional()
  @IsString({ message: 'replyMessageId must be a message id string' })
  @Matches(/^\d{1,20}$/, { message: 'replyMessageId must be a message id (a decimal string)' })
  replyMessageId?: string;

  @IsOptional()
  @IsArray({ message: 'mentionedPlayerIds must be an array of player ids' })
  @ArrayMaxSize(100, { message: 'mentionedPlayerIds must list at most 100 players' })
  @IsInt({ each: true, message: 'mentionedPlayerIds must contain integers' })
  @Min(1, { each: true, message: 'mentionedPlayerIds must contain ids of at least 1' })
  @Max(MAX_PLAYER_ID, { each: true, message: `mentionedPlayerIds must contain ids of at most ${MAX_PLAYER_ID}` })
  mentionedPlayerIds?: number[];
}

export class DirectChatDto {
  @PlayerIdField()
  toPlayerId: number;

  @IsString({ message: 'message must be a string' })
  @MinLength(1, { message: 'message must not be empty' })
  message: string;

  @IsOptional()
  @ExtraDataField()
  extraData?: string;
}
