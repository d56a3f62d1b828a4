import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';

export const MAX_MESSAGE_CHARS = 200;

/** Hive counts characters (code points), not UTF-16 units or bytes: code 204 past 200. */
export function assertMessageLength(message: string): void {
  let count = 0;
  for (const _ of message) if (++count > MAX_MESSAGE_CHARS) break;
  if (count > MAX_MESSAGE_CHARS) {
    throw new DomainError(ErrorCode.MessageTooLong, `message must be at most ${MAX_MESSAGE_CHARS} characters`);
  }
}
