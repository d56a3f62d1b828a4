import { randomInt } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { MemberRole, MemberStatus, type PartyMember } from './party-member.entity.js';

/** Owner and Admins manage the party: edit it, decide on requests, kick Members. */
export const MANAGERS = [MemberRole.Owner, MemberRole.Admin];

/** The caller's membership if it is Accepted with one of the roles, else 403. */
export function assertRole(partyId: number, mine: PartyMember | null, roles: MemberRole[], action: string): PartyMember {
  if (!mine || mine.status !== MemberStatus.Accepted || !roles.includes(mine.role)) {
    const who = roles.length === 1 ? 'the Owner' : 'the Owner or an Admin';
    throw new DomainError(ErrorCode.Forbidden, `only ${who} of party ${partyId} may ${action}`);
  }
  return mine;
}

export function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The names of `a` that are not in `b`, in `a`'s order. */
export const minus = (a: string[], b: string[]): string[] => a.filter((x) => !b.includes(x));

/** Join codes are read aloud and typed: no 0/O or 1/I to confuse. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}
