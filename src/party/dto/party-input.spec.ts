import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { readCreateBody, readEditBody, readJoinBody, readMemberEditBody } from './party-input.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.Validation);
    return (err as DomainError).message;
  }
  throw new Error('expected a refusal');
}

describe('party bodies as the SDKs send them', () => {
  it('reads create from data or Data', () => {
    expect(readCreateBody({ data: { name: 'a', max_member_count: 3, teams: ['x'] } })).toEqual({
      name: 'a',
      maxMemberCount: 3,
      teams: ['x'],
    });
    expect(readCreateBody({ Data: { name: 'a', max_member_count: 3, is_private: 1 } })).toEqual({
      name: 'a',
      maxMemberCount: 3,
      isPrivate: true,
    });
    expect(refusal(() => readCreateBody('text'))).toBe('body must be a JSON object');
  });

  it('reads edit from party, data or Data, with teams/channels as arrays or JSON strings', () => {
    expect(readEditBody({ partyId: 1, party: { teams: '["a","b"]', channels: [] } })).toEqual({ teams: ['a', 'b'], channels: [] });
    expect(readEditBody({ data: { desc: null, channels: '[]', teams: [] } })).toEqual({ channels: [], teams: [] });
    expect(refusal(() => readEditBody({ data: { teams: 'red' } }))).toBe('data.teams must be an array of strings or a JSON-array string');
    expect(refusal(() => readEditBody({ data: { channels: '{"a":1}' } }))).toBe(
      'data.channels must be an array of strings or a JSON-array string',
    );
    expect(refusal(() => readEditBody({ name: 'x' }))).toBe('data must be an object holding the party fields to change');
    expect(refusal(() => readEditBody({ data: { channels: '[1]' } }))).toBe('data.channels[0] must be a string');
  });

  it('leaves teams and channels unchanged on edit when the SDK blank Party sends "" (or null)', () => {
    // The SDKs' Party object serialises unset teams/channels as "": that must not clear them.
    expect(readEditBody({ data: { name: 'n', teams: '', channels: '' } })).toEqual({ name: 'n' });
    expect(readEditBody({ party: { teams: null, channels: null, variables: null, max_member_count: null } })).toEqual({});
    // On create there is nothing to keep: "" is an empty list.
    expect(readCreateBody({ data: { name: 'a', max_member_count: 2, teams: '', channels: '' } })).toEqual({
      name: 'a',
      maxMemberCount: 2,
      teams: [],
      channels: [],
    });
    expect(refusal(() => readCreateBody({ data: { name: null, max_member_count: 2 } }))).toBe('data.name is required (1-100 characters)');
  });

  it('reads join with defaults and ignores extra keys', () => {
    expect(readJoinBody(undefined)).toEqual({ team: '', channels: [] });
    expect(readJoinBody({ partyId: 3, team: null, channels: null })).toEqual({ team: '', channels: [] });
    expect(readJoinBody({ team: 'red', channels: ['a'] })).toEqual({ team: 'red', channels: ['a'] });
    expect(refusal(() => readJoinBody({ team: 5 }))).toBe('team must be a string');
  });

  it('tells the membership data string from a data wrapper', () => {
    expect(readMemberEditBody({ data: '{"x":1}' })).toEqual({ data: '{"x":1}' });
    expect(readMemberEditBody({ data: { team: 'b', variables: { k: 'v' } } })).toEqual({ team: 'b', variables: { k: 'v' } });
  });
});
