import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, ValidateBy } from 'class-validator';
import { Optional } from '../../common/validation/decorators.js';
import { FILTER_ACTIONS, type FilterAction } from '../word-filter.entity.js';
import { wordsOf } from '../word-matcher.js';

export const MAX_FILTER_WORDS = 5000;
export const MAX_FILTER_WORD_CHARS = 50;

/** What is wrong with a `words` value, or null when it is a valid list. */
export function wordListProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'words must be an array of strings';
  if (value.length > MAX_FILTER_WORDS) return `words must have at most ${MAX_FILTER_WORDS} entries, got ${value.length}`;
  for (const [i, entry] of value.entries()) {
    if (typeof entry !== 'string') return `words[${i}] must be a string`;
    // Counted in characters (code points), as chat messages are.
    let chars = 0;
    for (const _ of entry) if (++chars > MAX_FILTER_WORD_CHARS) break;
    if (chars < 1 || chars > MAX_FILTER_WORD_CHARS) return `words[${i}] must be 1-${MAX_FILTER_WORD_CHARS} characters`;
    if (wordsOf(entry).length === 0) return `words[${i}] must contain a letter or a digit`;
  }
  return null;
}

/** `PUT /filter`: the whole list, replacing the game's current one. */
export class PutWordFilterDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_FILTER_WORDS,
    description: `at most ${MAX_FILTER_WORDS} entries of 1-${MAX_FILTER_WORD_CHARS} characters; an entry of several words is a phrase`,
    example: ['noob', 'kill yourself'],
  })
  @ValidateBy(
    { name: 'wordList', validator: { validate: (value: unknown) => wordListProblem(value) === null } },
    { message: ({ value }) => wordListProblem(value) ?? 'words must be an array of strings' },
  )
  words: string[];

  @ApiPropertyOptional({ enum: FILTER_ACTIONS, default: 'mask' })
  @Optional()
  @IsIn(FILTER_ACTIONS, { message: 'action must be "mask" or "refuse"' })
  action?: FilterAction;
}

/** A game's word filter as the API returns it. */
export interface WordFilterView {
  words: string[];
  action: FilterAction;
}
