import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../common/validation/decorators.js';

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
