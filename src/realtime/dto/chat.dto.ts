import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsInt, IsString, Length, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { MessageIdField, Optional, PlayerIdField, isMessageId } from '../../common/validation/decorators.js';
import { MAX_PLAYER_ID } from '../../player/player-identity.js';

/** Longest extraData, in UTF-8 bytes. The 200-character message limit is checked by the handlers (code 204). */
export const MAX_EXTRA_DATA_BYTES = 256;

/**
 * A character that surely makes class-validator's length at least 1. Its length leaves out a
 * U+FE0E/U+FE0F variation selector that follows a character, so a message of selectors only is
 * left to class-validator (fast-body.spec.ts has the cases).
 */
const COUNTED_CHARACTER = /[^\uFE0E\uFE0F]/;

function ExtraDataField() {
  return ValidateBy(
    {
      name: 'maxUtf8Bytes',
      validator: { validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= MAX_EXTRA_DATA_BYTES },
    },
    { message: `extraData must be a string of at most ${MAX_EXTRA_DATA_BYTES} UTF-8 bytes` },
  );
}

/** Longest clientMessageId (docs/realtime.md#idempotent-sends). */
export const MAX_CLIENT_MESSAGE_ID = 64;

function ClientMessageIdField() {
  return applyDecorators(
    Optional(),
    IsString({ message: 'clientMessageId must be a string' }),
    Length(1, MAX_CLIENT_MESSAGE_ID, { message: `clientMessageId must be 1 to ${MAX_CLIENT_MESSAGE_ID} characters` }),
  );
}

export class ChannelChatDto {
  @IsString({ message: 'channelId must be a string' })
  @Matches(CHANNEL_ID_PATTERN, { message: `channelId must be ${CHANNEL_ID_RULE}` })
  channelId: string;

  @IsString({ message: 'message must be a string' })
  @MinLength(1, { message: 'message must not be empty' })
  message: string;

  @Optional()
  @ExtraDataField()
  extraData?: string;

  @MessageIdField({ optional: true })
  replyMessageId?: string;

  @Optional()
  @IsArray({ message: 'mentionedPlayerIds must be an array of player ids' })
  @ArrayMaxSize(100, { message: 'mentionedPlayerIds must list at most 100 players' })
  @IsInt({ each: true, message: 'mentionedPlayerIds must contain integers' })
  @Min(1, { each: true, message: 'mentionedPlayerIds must contain ids of at least 1' })
  @Max(MAX_PLAYER_ID, { each: true, message: `mentionedPlayerIds must contain ids of at most ${MAX_PLAYER_ID}` })
  mentionedPlayerIds?: number[];

  /** The same id from the same player within RECONNECT_WINDOW returns the first answer and delivers nothing. */
  @ClientMessageIdField()
  clientMessageId?: string;
}

/**
 * CHANNEL_CHAT hot path: the body when it plainly satisfies every ChannelChatDto rule, else null
 * (the router then runs class-validator for the exact error message).
 */
export function fastChannelChatBody(plain: Record<string, unknown>): ChannelChatDto | null {
  const { channelId, message, extraData, replyMessageId, mentionedPlayerIds, clientMessageId } = plain;
  if (typeof channelId !== 'string' || !CHANNEL_ID_PATTERN.test(channelId)) return null;
  if (typeof message !== 'string' || !COUNTED_CHARACTER.test(message)) return null;
  if (extraData != null && (typeof extraData !== 'string' || Buffer.byteLength(extraData, 'utf8') > MAX_EXTRA_DATA_BYTES)) return null;
  if (replyMessageId != null && !isMessageId(replyMessageId)) return null;
  if (
    clientMessageId != null &&
    (typeof clientMessageId !== 'string' || clientMessageId.length < 1 || clientMessageId.length > MAX_CLIENT_MESSAGE_ID)
  )
    return null;
  if (mentionedPlayerIds != null) {
    if (!Array.isArray(mentionedPlayerIds) || mentionedPlayerIds.length > 100) return null;
    for (const id of mentionedPlayerIds) if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_PLAYER_ID) return null;
  }
  const dto = new ChannelChatDto();
  dto.channelId = channelId;
  dto.message = message;
  // null means "not given", as in the DTO.
  if (extraData != null) dto.extraData = extraData;
  if (replyMessageId != null) dto.replyMessageId = replyMessageId;
  if (mentionedPlayerIds != null) dto.mentionedPlayerIds = [...(mentionedPlayerIds as number[])];
  if (clientMessageId != null) dto.clientMessageId = clientMessageId;
  return dto;
}

export class DirectChatDto {
  @PlayerIdField()
  toPlayerId: number;

  @IsString({ message: 'message must be a string' })
  @MinLength(1, { message: 'message must not be empty' })
  message: string;

  @Optional()
  @ExtraDataField()
  extraData?: string;

  @ClientMessageIdField()
  clientMessageId?: string;
}
