import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { hiveTime } from '../../../common/http/hive-envelope.js';
import { type HivePage, PageQuery } from '../../../common/http/page.js';
import { Optional, PlayerIdField, TextField } from '../../../common/validation/decorators.js';
import { MAX_NOTE_CHARS, type ReportCategory, REPORT_STATUSES, type ReportStatus } from '../report.js';

/** A report as the API returns it; absent values are null. */
export interface ReportView {
  reportId: string;
  reporterId: number;
  playerId: number;
  channelId: string | null;
  messageId: string | null;
  /** The reported message's text when the report was made (later edits and deletes leave it). */
  messageText: string | null;
  category: ReportCategory;
  reason: string;
  status: ReportStatus;
  note: string | null;
  regTime: string;
  regTimeMillis: number;
  updatedTime: string;
  updatedTimeMillis: number;
}

export interface ReportPage {
  content: ReportView[];
  page: HivePage;
}

/** A reports row as the service selects it. */
export interface ReportRow {
  id: string;
  reporter_id: string;
  player_id: string;
  channel_id: string | null;
  message_id: string | null;
  message_text: string | null;
  category: ReportCategory;
  reason: string;
  status: ReportStatus;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

export function mapReport(row: ReportRow): ReportView {
  return {
    reportId: String(row.id),
    reporterId: Number(row.reporter_id),
    playerId: Number(row.player_id),
    channelId: row.channel_id,
    messageId: row.message_id === null ? null : String(row.message_id),
    messageText: row.message_text,
    category: row.category,
    reason: row.reason,
    status: row.status,
    note: row.note,
    regTime: hiveTime(row.created_at),
    regTimeMillis: row.created_at.getTime(),
    updatedTime: hiveTime(row.updated_at),
    updatedTimeMillis: row.updated_at.getTime(),
  };
}

export class ReportQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @Optional()
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status?: ReportStatus;

  @Type(() => Number)
  @PlayerIdField({ optional: true, description: 'reports about this player' })
  playerId?: number;
}

/** `PATCH /reports/{reportId}`. */
export class PatchReportDto {
  @ApiProperty({ enum: REPORT_STATUSES })
  @IsIn(REPORT_STATUSES, { message: `status must be one of ${REPORT_STATUSES.join(', ')}` })
  status: ReportStatus;

  @TextField(0, MAX_NOTE_CHARS, { optional: true, description: 'left out: the note is kept; "" clears it' })
  note?: string;
}
