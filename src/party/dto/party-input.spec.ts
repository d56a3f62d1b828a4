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
    expect(readCreateBody({ data: { name: 'a', max_member_count: 3, teams: ['x'] } })).toEqual({ name: 'a', maxMemberCount: 3, teams: ['x'] });
    expect(readCreateBody({ Data: { name: 'a', max_member_count: 3, is_private: 1 } })).toEqual({ name: 'a', maxMemberCount: 3, isPrivate: true });
    expect(refusal(() => readCreateBody('text'))).toBe('body must be a JSON object');
  });

  it('reads edit from party, data or Data, with teams/channels as arrays or JSON strings', () => {
    expect(readEditBody({ partyId: 1, party: { teams: '["a","b"]', channels: [] } })).toEqual({ teams: ['a', 'b'], channels: [] });
    expect(readEditBody({ data: { desc: null, channels: '' } })).toEqual({ channels: [] });
    expect(refusal(() => readEditBody({ name: 'x' }))).toBe('data must be an object holding the party fields to change');
    expect(refusal(() => readEditBody({ data: { channels: '[1]' } }))).toBe('data.channels[0] must be a string');
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
