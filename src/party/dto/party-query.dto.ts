import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { IntField, Optional } from '../../common/validation/decorators.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;
const INT32_MAX = 2_147_483_647;

/** Query strings carry text: "12" becomes 12, "" counts as absent, anything else stays (and fails IsInt). */
const toInt = ({ value }: { value: unknown }) =>
  value === '' || value === undefined ? undefined : typeof value === 'string' && /^-?\d{1,12}$/.test(value) ? Number(value) : value;

/** `?skip&limit` (defaults 0 and 50; above 100 is served as 100). Unknown parameters are ignored. */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @Optional()
  @Transform(toInt)
  @IsInt({ message: 'skip must be a non-negative integer' })
  @Min(0, { message: 'skip must be a non-negative integer' })
  @Max(INT32_MAX, { message: `skip must be at most ${INT32_MAX}` })
  skip?: number;

  @ApiPropertyOptional({ default: DEFAULT_LIMIT, minimum: 0, description: 'above 100 is served as 100' })
  @Optional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be a non-negative integer' })
  @Min(0, { message: 'limit must be a non-negative integer' })
  @Max(INT32_MAX, { message: `limit must be at most ${INT32_MAX}` })
  limit?: number;
}

/** `?query&skip&limit` of the party lists: `query` is a case-insensitive substring of the name. */
export class PartySearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: '' })
  @Optional()
  @IsString({ message: 'query must be a string' })
  @MaxLength(100, { message: 'query must be at most 100 characters' })
  query?: string;
}

export interface Page {
  skip: number;
  limit: number;
}

export function pageOf(q: PageQueryDto): Page {
  return { skip: q.skip ?? 0, limit: Math.min(q.limit ?? DEFAULT_LIMIT, MAX_LIMIT) };
}

/** `PUT /parties/{id}/members/{playerId}`. */
export class SetRoleDto {
  @IntField(1, 3, { description: 'Owner 1 (transfers ownership), Admin 2, Member 3' })
  role: number;
}

export class JoinPartyBodyDoc {
  @ApiPropertyOptional({ description: 'one of the party teams; "" or absent for none' }) team?: string;
  @ApiPropertyOptional({ type: [String], description: 'subset of the party channels' }) channels?: string[];
}

export class CodeJoinBodyDoc extends JoinPartyBodyDoc {
  @ApiProperty({ example: 'K7QX2M', description: "the party's join code, in any case" }) code: string;
}

export class PartyFieldsDoc {
  @ApiProperty() name: string;
  @ApiPropertyOptional() desc?: string;
  @ApiPropertyOptional() image?: string;
  @ApiProperty({ minimum: 1, maximum: 500 }) max_member_count: number;
  @ApiPropertyOptional() is_private?: boolean;
  @ApiPropertyOptional({ type: [String] }) teams?: string[];
  @ApiPropertyOptional({ type: [String] }) channels?: string[];
  @ApiPropertyOptional() data?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) variables?: Record<string, string>;
  @ApiPropertyOptional({ default: false, description: 'Accepted Members may invite too' }) members_can_invite?: boolean;
}

export class CreatePartyBodyDoc {
  @ApiProperty({ type: PartyFieldsDoc, description: 'also accepted as "Data" (Unity SDK)' }) data: PartyFieldsDoc;
}

export class MemberEditBodyDoc {
  @ApiPropertyOptional() team?: string;
  @ApiPropertyOptional({ type: [String] }) channels?: string[];
  @ApiPropertyOptional() data?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) variables?: Record<string, string>;
}

/**
 * A path id (party, membership: int32; player: up to 2^53-1) read straight from the route, so
 * that a bad one is reported as sent (the global pipe would already have made "abc" a NaN).
 */
export const PathId = createParamDecorator((spec: { field: string; max?: number }, context: ExecutionContext): number => {
  const max = spec.max ?? INT32_MAX;
  const value = String(context.switchToHttp().getRequest<{ params: Record<string, string> }>().params[spec.field]);
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new DomainError(ErrorCode.Validation, `${spec.field} must be an integer between 1 and ${max}, got "${value}"`);
  }
  return n;
});
