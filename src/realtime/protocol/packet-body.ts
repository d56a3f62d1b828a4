import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { describeValidationErrors } from '../../common/errors/validation.js';

/**
 * A packet body as class-validator sees it (the rules of the HTTP ValidationPipe): the DTO with
 * unknown fields stripped, or DomainError 400 naming the first problem. The fast body checks of hot
 * packets must never accept what this refuses (see the *.dto.spec.ts tables).
 */
export function validateBody<T extends object>(type: Type<T>, plain: object): T {
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false, validationError: { target: false, value: false } });
  if (errors.length) throw new DomainError(ErrorCode.Validation, describeValidationErrors(errors));
  return instance;
}
