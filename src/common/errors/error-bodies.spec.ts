import { BadRequestException, NotFoundException } from '@nestjs/common';
import { apiFamilyOf } from './api-family.js';
import { DomainError, ErrorCode } from './domain-error.js';
import { dpErrorReply, hiveErrorReply, toDomainError } from './error-bodies.js';
import { DP_MESSAGES, HIVE_CODES } from './error-tables.js';

describe('error shapes', () => {
  it('maps every code in both tables', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(HIVE_CODES[code]).toBeDefined();
      expect(DP_MESSAGES[code]).toBeDefined();
    }
  });

  it('shapes a domain error for each family', () => {
    const error = new DomainError(ErrorCode.ChannelFull, 'channel c1 is full (2 of 2)');
    expect(hiveErrorReply(error)).toEqual({ status: 400, body: { code: 202, message: 'channel c1 is full (2 of 2)', data: null } });
    expect(dpErrorReply(new DomainError(ErrorCode.PartyNotFound, 'party 9 does not exist'))).toEqual({
      status: 404,
      body: { msg: 'party notfound', status: false, detail: 'party 9 does not exist', message: 'party notfound' },
    });
    expect(dpErrorReply(new DomainError(ErrorCode.GameNotFound, 'no game has the client id "x"'))).toEqual({
      status: 404,
      body: { msg: 'game notfound', status: false, detail: 'no game has the client id "x"', message: 'game notfound' },
    });
  });

  it('keeps framework 4xx errors and drops unknown errors', () => {
    expect(toDomainError(new NotFoundException('Cannot GET /x'))?.code).toBe(ErrorCode.NotFound);
    expect(toDomainError(new BadRequestException('bad'))?.code).toBe(ErrorCode.Validation);
    expect(toDomainError(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 }))?.message).toBe(
      'body is not valid JSON',
    );
    expect(toDomainError(new Error('database on fire'))).toBeNull();
  });

  it('tells the API family from the path', () => {
    expect(apiFamilyOf('/api/v1/games/1/channels')).toBe('hive');
    expect(apiFamilyOf('/api/v2/games/1/channels/x/messages')).toBe('hive');
    expect(apiFamilyOf('/api/table/services/parties')).toBe('dp');
    expect(apiFamilyOf('/game/3/api/auth/guest')).toBe('dp');
    expect(apiFamilyOf('/health')).toBe('plain');
  });
});
