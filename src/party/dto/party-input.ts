import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';

/**
 * Hand-written readers for the party bodies: the real SDKs send the same fields in several
 * shapes (`data` or `Data` wrapper, `{partyId, party}` on edit, teams/channels as arrays or
 * JSON-array strings), which a single class-validator DTO cannot express. Every refusal is a
 * Validation error naming the field and the rule.
 */

export const MAX_TEAMS = 50;
export const MAX_CHANNELS = 20;
const CHANNEL_NAME = /^[A-Za-z0-9\-._~]{1,50}$/;

export interface PartyFields {
  name?: string;
  desc?: string;
  image?: string;
  maxMemberCount?: number;
  isPrivate?: boolean;
  teams?: string[];
  channels?: string[];
  data?: string;
  variables?: Record<string, string>;
  membersCanInvite?: boolean;
}

export interface CreatePartyInput extends PartyFields {
  name: string;
  maxMemberCount: number;
}

export interface JoinInput {
  team: string;
  channels: string[];
}

/** Joining through a code or an invite: team/channels left out keep a Waiting request's (else none). */
export interface AdmitInput {
  team?: string;
  channels?: string[];
}

export interface CodeJoinInput extends AdmitInput {
  /** Upper-cased: codes are case-insensitive. */
  code: string;
}

export interface MemberEditInput {
  team?: string;
  channels?: string[];
  data?: string;
  variables?: Record<string, string>;
}

function invalid(message: string): never {
  throw new DomainError(ErrorCode.Validation, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') invalid(`${field} must be a string`);
  if (value.length < min || value.length > max) invalid(`${field} must be ${min}-${max} characters`);
  return value;
}

function names(value: unknown, field: string, maxItems: number, check: (name: string) => boolean, rule: string): string[] {
  let list = value;
  if (value === null || value === '') list = [];
  else if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      invalid(`${field} must be an array of strings or a JSON-array string`);
    }
  }
  if (!Array.isArray(list)) invalid(`${field} must be an array of strings or a JSON-array string`);
  if (list.length > maxItems) invalid(`${field} must have at most ${maxItems} names`);
  for (const [i, name] of list.entries()) {
    if (typeof name !== 'string') invalid(`${field}[${i}] must be a string`);
    if (!check(name)) invalid(`${field}[${i}] must be ${rule}`);
  }
  if (new Set(list).size !== list.length) invalid(`${field} must not repeat a name`);
  return list as string[];
}

const teamList = (v: unknown, field = 'teams') => names(v, field, MAX_TEAMS, (n) => n.length >= 1 && n.length <= 50, '1-50 characters');
const channelList = (v: unknown, field = 'channels') =>
  names(v, field, MAX_CHANNELS, (n) => CHANNEL_NAME.test(n), '1-50 characters of A-Z a-z 0-9 - . _ ~');

function variables(value: unknown, field = 'variables'): Record<string, string> {
  if (!isPlainObject(value)) invalid(`${field} must be an object of string values`);
  const entries = Object.entries(value);
  if (entries.length > 100) invalid(`${field} must have at most 100 keys`);
  for (const [key, v] of entries) {
    if (key.length < 1 || key.length > 100) invalid(`${field} keys must be 1-100 characters`);
    if (typeof v !== 'string') invalid(`${field}.${key} must be a string`);
    if (v.length > 1000) invalid(`${field}.${key} must be at most 1000 characters`);
  }
  return { ...(value as Record<string, string>) };
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) invalid(`${field} must be an integer`);
  if (value < min || value > max) invalid(`${field} must be between ${min} and ${max}`);
  return value;
}

function bool(value: unknown, field: string): boolean {
  // UE models is_private as an int.
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'boolean') invalid(`${field} must be true or false`);
  return value;
}

/**
 * Reads the party fields present in `src`; absent or null ones stay undefined ("not given"). On
 * edit, `teams`/`channels` given as "" (what the SDKs' blank Party object sends) also mean "not
 * given": only [] or "[]" clears them. On create "" is an empty list.
 */
function partyFields(src: Record<string, unknown>, prefix: string, mode: 'create' | 'edit'): PartyFields {
  const out: PartyFields = {};
  const has = (k: string) =>
    src[k] !== undefined && src[k] !== null && !(mode === 'edit' && (k === 'teams' || k === 'channels') && src[k] === '');
  if (has('name')) out.name = text(src.name, `${prefix}name`, 1, 100);
  if (has('desc')) out.desc = text(src.desc, `${prefix}desc`, 0, 1000);
  if (has('image')) out.image = text(src.image, `${prefix}image`, 0, 500);
  if (has('max_member_count')) out.maxMemberCount = integer(src.max_member_count, `${prefix}max_member_count`, 1, 500);
  if (has('is_private')) out.isPrivate = bool(src.is_private, `${prefix}is_private`);
  if (has('teams')) out.teams = teamList(src.teams, `${prefix}teams`);
  if (has('channels')) out.channels = channelList(src.channels, `${prefix}channels`);
  if (has('data')) out.data = text(src.data, `${prefix}data`, 0, 10_000);
  if (has('variables')) out.variables = variables(src.variables, `${prefix}variables`);
  if (has('members_can_invite')) out.membersCanInvite = bool(src.members_can_invite, `${prefix}members_can_invite`);
  return out;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (!isPlainObject(body)) invalid('body must be a JSON object');
  return body;
}

/** `POST /parties`: `{data: {...}}` (TS, UE, docs) or `{Data: {...}}` (Unity). */
export function readCreateBody(body: unknown): CreatePartyInput {
  const b = bodyObject(body);
  const key = isPlainObject(b.data) ? 'data' : isPlainObject(b.Data) ? 'Data' : null;
  if (!key) invalid('data must be an object holding the party fields (name, max_member_count, ...)');
  const fields = partyFields(b[key] as Record<string, unknown>, `${key}.`, 'create');
  if (fields.name === undefined) invalid(`${key}.name is required (1-100 characters)`);
  if (fields.maxMemberCount === undefined) invalid(`${key}.max_member_count is required (an integer between 1 and 500)`);
  return fields as CreatePartyInput;
}

/** `PUT /parties/{id}`: `{data: {...}}`, `{Data: {...}}` or `{partyId, party: {...}}` (TS, UE); partial. */
export function readEditBody(body: unknown): PartyFields {
  const b = bodyObject(body);
  for (const key of ['party', 'data', 'Data']) {
    if (isPlainObject(b[key])) return partyFields(b[key], `${key}.`, 'edit');
  }
  invalid('data must be an object holding the party fields to change');
}

/** `POST /parties/{id}` (join): `{team?, channels?}`, extra keys such as partyId ignored. */
export function readJoinBody(body: unknown): JoinInput {
  const b = bodyObject(body);
  const team = b.team === undefined || b.team === null ? '' : text(b.team, 'team', 0, 50);
  const channels = b.channels === undefined ? [] : channelList(b.channels);
  return { team, channels };
}

/** `PUT /parties/{id}/members/me`: `{team?, channels?, data?, variables?}`, also wrapped in `data`/`Data`. */
export function readMemberEditBody(body: unknown): MemberEditInput {
  let b = bodyObject(body);
  if (isPlainObject(b.data)) b = b.data;
  else if (isPlainObject(b.Data)) b = b.Data;
  const out: MemberEditInput = {};
  if (b.team !== undefined) out.team = b.team === null ? '' : text(b.team, 'team', 0, 50);
  if (b.channels !== undefined) out.channels = channelList(b.channels);
  if (b.data !== undefined && b.data !== null) out.data = text(b.data, 'data', 0, 10_000);
  if (b.variables !== undefined && b.variables !== null) out.variables = variables(b.variables);
  return out;
}

function admitFields(b: Record<string, unknown>): AdmitInput {
  const out: AdmitInput = {};
  if (b.team !== undefined && b.team !== null) out.team = text(b.team, 'team', 0, 50);
  if (b.channels !== undefined && b.channels !== null) out.channels = channelList(b.channels);
  return out;
}

/** `POST /parties/join`: `{code, team?, channels?}`; the code in any case. */
export function readCodeJoinBody(body: unknown): CodeJoinInput {
  const b = bodyObject(body);
  if (b.code === undefined || b.code === null) invalid('code is required (the 6-character join code)');
  return { code: text(b.code, 'code', 1, 20).toUpperCase(), ...admitFields(b) };
}

/** `PUT /parties/invites/{inviteId}`: `{team?, channels?}`. */
export function readAdmitBody(body: unknown): AdmitInput {
  return admitFields(bodyObject(body));
}
