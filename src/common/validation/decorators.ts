import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { MAX_PLAYER_ID } from '../../player/player-identity.js';

interface Opts {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

/**
 * An optional field: absent, or `null` (what many client SDKs send for an unset field), both mean
 * "not given"; the DTO then holds undefined, never null.
 */
export function Optional() {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === null ? undefined : value)),
    IsOptional(),
  );
}

function doc(opts: Opts, schema: Record<string, unknown>) {
  return opts.optional
    ? [ApiPropertyOptional({ ...schema, description: opts.description, example: opts.example }), Optional()]
    : [ApiProperty({ ...schema, description: opts.description, example: opts.example })];
}

/** A player id: an integer 1..2^53-1 (a JSON number that survives every client). */
export function PlayerIdField(opts: Opts = {}) {
  return applyDecorators(
    ...doc(opts, { type: 'integer', format: 'int64', minimum: 1 }),
    IsInt({ message: ({ property }) => `${property} must be an integer` }),
    Min(1, { message: ({ property }) => `${property} must be at least 1` }),
    Max(MAX_PLAYER_ID, { message: ({ property }) => `${property} must be at most ${MAX_PLAYER_ID}` }),
  );
}

/** An integer within [min, max]. */
export function IntField(min: number, max: number, opts: Opts = {}) {
  return applyDecorators(
    ...doc(opts, { type: 'integer', minimum: min, maximum: max }),
    IsInt({ message: ({ property }) => `${property} must be an integer` }),
    Min(min, { message: ({ property }) => `${property} must be between ${min} and ${max}` }),
    Max(max, { message: ({ property }) => `${property} must be between ${min} and ${max}` }),
  );
}

/** A string of minLength..maxLength characters, optionally matching a pattern (described in words). */
export function TextField(minLength: number, maxLength: number, opts: Opts & { pattern?: RegExp; patternText?: string } = {}) {
  const lengthMessage = ({ property }: { property: string }) =>
    opts.patternText ? `${property} must be ${opts.patternText}` : `${property} must be ${minLength}-${maxLength} characters`;
  const decorators = [
    ...doc(opts, { type: 'string', minLength, maxLength, pattern: opts.pattern?.source }),
    IsString({ message: ({ property }) => `${property} must be a string` }),
    MinLength(minLength, { message: lengthMessage }),
    MaxLength(maxLength, { message: lengthMessage }),
  ];
  if (opts.pattern) decorators.push(Matches(opts.pattern, { message: lengthMessage }));
  return applyDecorators(...decorators);
}

export function BoolField(opts: Opts = {}) {
  return applyDecorators(...doc(opts, { type: 'boolean' }), IsBoolean({ message: ({ property }) => `${property} must be true or false` }));
}

/** Message ids are PostgreSQL bigints: decimal strings from 0 to 2^63-1. */
export const MAX_MESSAGE_ID = 9223372036854775807n;

export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_MESSAGE_ID;
}

/** A message id string (see isMessageId). */
export function MessageIdField(opts: Opts = {}) {
  return applyDecorators(
    ...doc(opts, { type: 'string', pattern: '^\\d{1,19}$' }),
    ValidateBy(
      { name: 'isMessageId', validator: { validate: isMessageId } },
      { message: ({ property }) => `${property} must be a message id (a decimal integer string from 0 to ${MAX_MESSAGE_ID})` },
    ),
  );
}
