import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { Optional } from '../../common/validation/decorators.js';
import { DIRECT_STREAM } from '../streams/stream-names.js';

const LANGUAGE_CODE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** CONNECT and RECONNECT body. */
export class ConnectDto {
  @IsString({ message: 'token must be a string' })
  @MinLength(1, { message: 'token must not be empty' })
  @MaxLength(4096, { message: 'token must be at most 4096 characters' })
  token: string;

  /** Language of the connection (notices with a langCode reach only matching connections). */
  @Optional()
  @IsString({ message: 'languageCode must be a string' })
  @Matches(LANGUAGE_CODE, { message: 'languageCode must be a language code such as "en" or "zh-hans"' })
  languageCode?: string;
}

/** A stream position the client last saw (docs/realtime.md#resume). */
export class StreamPositionDto {
  @IsString({ message: 'channelId must be a string' })
  @Matches(new RegExp(`${CHANNEL_ID_PATTERN.source}|^${DIRECT_STREAM}$`), {
    message: `channelId must be ${CHANNEL_ID_RULE}, or "${DIRECT_STREAM}"`,
  })
  channelId: string;

  @IsString({ message: 'epoch must be a string' })
  @Length(1, 64, { message: 'epoch must be 1 to 64 characters' })
  epoch: string;

  @IsInt({ message: 'seq must be an integer' })
  @Min(0, { message: 'seq must be at least 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: `seq must be at most ${Number.MAX_SAFE_INTEGER}` })
  seq: number;
}

/** Most positions a RECONNECT may list (a player's channels of every type, and "@direct"). */
export const MAX_POSITIONS = 1_000;

/** RECONNECT: CONNECT's fields and the positions to resume from. */
export class ReconnectDto extends ConnectDto {
  @Optional()
  @IsObject({ each: true, message: 'positions must contain {channelId, epoch, seq} objects' })
  @IsArray({ message: 'positions must be an array of {channelId, epoch, seq}' })
  @ArrayMaxSize(MAX_POSITIONS, { message: `positions must list at most ${MAX_POSITIONS} streams` })
  @ValidateNested({ each: true })
  @Type(() => StreamPositionDto)
  positions?: StreamPositionDto[];
}

/** RECONNECT: the fast check when no positions are listed; with positions, class-validator checks them. */
export function fastReconnectBody(plain: Record<string, unknown>): ReconnectDto | null {
  return plain.positions == null ? fastConnectBody(plain) : null;
}

/**
 * CONNECT/RECONNECT hot path: the body when it plainly satisfies ConnectDto (a token of printable
 * ASCII, as every JWT is), else null (the router then runs class-validator for the exact message).
 */
export function fastConnectBody(plain: Record<string, unknown>): ConnectDto | null {
  const { token, languageCode } = plain;
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096 || !PRINTABLE_ASCII.test(token)) return null;
  if (languageCode != null && (typeof languageCode !== 'string' || !LANGUAGE_CODE.test(languageCode))) return null;
  const dto = new ConnectDto();
  dto.token = token;
  if (languageCode != null) dto.languageCode = languageCode;
  return dto;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
