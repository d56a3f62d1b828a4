import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_PLAYER_ID } from '../../player/player-identity.js';

interface Opts {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

function doc(opts: Opts, schema: Record<string, unknown>) {
  return opts.optional
    ? [ApiPropertyOptional({ ...schema, description: opts.description, example: opts.example }), IsOptional()]
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
  return applyDecorators(
    ...doc(opts, { type: 'boolean' }),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}
