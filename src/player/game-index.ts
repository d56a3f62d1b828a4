import { DomainError, ErrorCode } from '../common/errors/domain-error.js';

/** Parses a gameIndex path segment; a bad one is a validation error naming it. */
export function parseGameIndex(raw: unknown, where = 'gameIndex'): number {
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 2_147_483_647) {
    throw new DomainError(ErrorCode.Validation, `${where} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}
