import { IsIn, IsString, Matches, MinLength } from 'class-validator';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../channel/dto/channel.dto.js';
import { MessageIdField, Optional, PlayerIdField, TextField } from '../../common/validation/decorators.js';
import { MAX_REASON_CHARS, REPORT_CATEGORIES, type ReportCategory } from '../../moderation/reports/report.js';

/** DELETE_MESSAGE. */
export class MessageRefDto {
  @IsString({ message: 'channelId must be a string' })
  @Matches(CHANNEL_ID_PATTERN, { message: `channelId must be ${CHANNEL_ID_RULE}` })
  channelId: string;

  @MessageIdField()
  messageId: string;
}

/** EDIT_MESSAGE. The 200-character limit is checked by the handler (code 204), as for CHANNEL_CHAT. */
export class EditMessageDto extends MessageRefDto {
  @IsString({ message: 'message must be a string' })
  @MinLength(1, { message: 'message must not be empty' })
  message: string;
}

/** REPORT. */
export class ReportDto {
  @PlayerIdField()
  playerId: number;

  @Optional()
  @IsString({ message: 'channelId must be a string' })
  @Matches(CHANNEL_ID_PATTERN, { message: `channelId must be ${CHANNEL_ID_RULE}` })
  channelId?: string;

  @MessageIdField({ optional: true })
  messageId?: string;

  @IsIn(REPORT_CATEGORIES, { message: `category must be one of ${REPORT_CATEGORIES.join(', ')}` })
  category: ReportCategory;

  @TextField(1, MAX_REASON_CHARS)
  reason: string;
}
