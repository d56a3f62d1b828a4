import { IsString } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, PlayerIdField, TextField } from '../../common/validation/decorators.js';

const asString = { message: ({ property }: { property: string }) => `${property} must be a string` };

export class ChannelNoticeDto {
  @ApiPropertyOptional({ description: 'no channelId = every connected player of the game' })
  @Optional()
  @IsString(asString)
  channelId?: string;

  @TextField(1, 20, { optional: true, description: 'only players connected with this language code' })
  langCode?: string;

  @ApiProperty({ description: 'at most 200 characters (else 400/204)' })
  @IsString(asString)
  message: string;
}

export class UserNoticeDto {
  @PlayerIdField()
  playerId: number;

  @ApiProperty({ description: 'at most 200 characters (else 400/204)' })
  @IsString(asString)
  message: string;
}

export class ChannelCustomDto {
  @ApiProperty()
  @IsString(asString)
  channelId: string;

  @ApiProperty({ description: 'at most 8,000 bytes of UTF-8 (else 400/400)' })
  @IsString(asString)
  data: string;
}

export class UserCustomDto {
  @PlayerIdField()
  playerId: number;

  @ApiProperty({ description: 'at most 8,000 bytes of UTF-8 (else 400/400)' })
  @IsString(asString)
  data: string;
}
