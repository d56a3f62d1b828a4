import type { PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { MAX_PLAYER_ID } from '../player/player-identity.js';

/** A player id path segment: a positive integer or 400/100 naming the parameter. Use as an instance. */
export class PlayerIdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly name = 'playerId') {}

  transform(value: unknown): number {
    // The global ValidationPipe may already have turned the segment into a number (NaN if not numeric).
    const id = Number(value);
    if (!Number.isInteger(id) || id < 1 || id > MAX_PLAYER_ID) {
      throw new DomainError(ErrorCode.Validation, `${this.name} must be a positive integer`);
    }
    return id;
  }
}
