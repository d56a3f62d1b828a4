import { randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { TYPE_CAPACITY, type ChannelType } from './channel.entity.js';
import type { ChannelRow } from './dto/channel.dto.js';
import { verifyPassword } from './password.js';

/** Pure checks and values of the channel rules (no database), used by ChannelService. */

/** Extension of the Hive API: a call made on behalf of a player must come from the owner (403/308). */
export interface ActingAs {
  playerId?: number;
}

export function assertCapacity(type: ChannelType, max: number): void {
  const cap = TYPE_CAPACITY[type];
  if (max < 2 || max > cap)
    throw new DomainError(ErrorCode.Validation, `maxMemberCount must be between 2 and ${cap} for a ${type} channel, got ${max}`);
}

export function assertOwner(channel: ChannelRow, acting: ActingAs): void {
  if (acting.playerId !== undefined && Number(channel.owner_id) !== acting.playerId) {
    throw new DomainError(ErrorCode.NotChannelOwner, `player ${acting.playerId} is not the owner of channel "${channel.channel_id}"`);
  }
}

/** The channel's hash once the password matches it (scrypt: slow, so never run under a lock). */
export async function checkPassword(channel: ChannelRow, password: string | undefined): Promise<string | null> {
  if (!password) throw new DomainError(ErrorCode.WrongPassword, `password is required to enter PRIVATE channel "${channel.channel_id}"`);
  if (!channel.password_hash || !(await verifyPassword(password, channel.password_hash))) {
    throw new DomainError(ErrorCode.WrongPassword, `wrong password for channel "${channel.channel_id}"`);
  }
  return channel.password_hash;
}

/** Ends an enter attempt (rolled back) so the password is checked with no lock held. */
export class PasswordCheckFirst extends Error {
  constructor(readonly channel: ChannelRow) {
    super('password check first');
  }
}

export function alreadyIn(playerId: number, channelId: string): DomainError {
  return new DomainError(ErrorCode.AlreadyInChannel, `player ${playerId} is already in channel "${channelId}"`);
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 15-character id like Hive's ("V0FQBKSa9bWC33v"). */
export function randomChannelId(): string {
  return [...randomBytes(15)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}
