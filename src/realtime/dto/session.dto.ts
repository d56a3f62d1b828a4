import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** CONNECT and RECONNECT body. */
export class ConnectDto {
  @IsString({ message: 'token must be a string' })
  @MinLength(1, { message: 'token must not be empty' })
  @MaxLength(4096, { message: 'token must be at most 4096 characters' })
  token: string;

  /** Language of the connection (notices with a langCode reach only matching connections). */
  @IsOptional()
  @IsString({ message: 'languageCode must be a string' })
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, { message: 'languageCode must be a language code such as "en" or "zh-hans"' })
  languageCode?: string;
}
