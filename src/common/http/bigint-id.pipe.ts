import type { PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from '../errors/domain-error.js';
import { MAX_MESSAGE_ID, isMessageId } from '../validation/decorators.js';

/**
 * A path segment holding a bigint id (a message id, a report id): a decimal string from 0 to
 * 2^63-1, or 400/100 naming the parameter. Use as an instance: `new BigintIdPipe('messageId')`.
 */
export class BigintIdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    const text = typeof value === 'number' ? String(value) : value;
    if (!isMessageId(text))
      throw new DomainError(ErrorCode.Validation, `${this.name} must be a decimal integer from 0 to ${MAX_MESSAGE_ID}`);
    return text;
  }
}
