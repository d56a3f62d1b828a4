import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { PageQuery, type HivePage } from '../../common/http/page.js';
import { Optional, PlayerIdField } from '../../common/validation/decorators.js';
import { Type } from 'class-transformer';
import { AUDIT_ACTIONS, type AuditAction } from '../audit-action.js';

/** One audit entry as the API returns it. */
export interface AuditEntryView {
  auditId: string;
  action: AuditAction;
  actor: string;
  targetPlayerId: number | null;
  channelId: string | null;
  details: Record<string, unknown>;
  regTime: string;
  regTimeMillis: number;
}

export interface AuditPage {
  content: AuditEntryView[];
  page: HivePage;
}

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @Optional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ description: '"SYSTEM" (the server API) or a player id' })
  @Optional()
  @IsString({ message: 'actorId must be a string' })
  @Matches(/^(SYSTEM|[1-9]\d{0,15})$/, { message: 'actorId must be "SYSTEM" or a player id' })
  actorId?: string;

  @Type(() => Number)
  @PlayerIdField({ optional: true, description: 'entries whose target is this player' })
  targetPlayerId?: number;
}
