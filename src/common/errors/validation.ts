import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, ErrorCode } from './domain-error.js';

const TYPE_CONSTRAINTS = new Set(['isDefined', 'isInt', 'isString', 'isBoolean', 'isNumber', 'isArray', 'isObject', 'isEnum', 'isIn']);

/** First constraint message of the first failing field, walking into nested objects. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      // A wrong type explains more than the range checks that also failed because of it.
      const typeCheck = Object.keys(error.constraints).find((k) => TYPE_CONSTRAINTS.has(k));
      const first = error.constraints[typeCheck ?? Object.keys(error.constraints)[0]];
      return first.startsWith(error.property) ? `${path}${first.slice(error.property.length)}` : first;
    }
    if (error.children?.length) return describeValidationErrors(error.children, path);
  }
  return 'payload is not valid';
}

/** Global pipe: unknown fields stripped, bad values refused with a message naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError(ErrorCode.Validation, describeValidationErrors(errors)),
  });
}
