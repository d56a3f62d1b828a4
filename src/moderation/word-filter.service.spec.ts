import type { AuditService } from '../audit/audit.service.js';
import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { ErrorCode } from '../common/errors/domain-error.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { WordFilterService } from './word-filter.service.js';

interface Row {
  action: 'mask' | 'refuse';
  words: string[];
  updated_at: Date;
}

/** A word_filters table of one game, behind a DataSource that only answers the service's SELECT. */
function fakeDatabase(initial: Row | null) {
  const state = { row: initial, reads: 0, gate: null as Promise<void> | null };
  const dataSource = {
    query: async (sql: string) => {
      if (!sql.startsWith('SELECT')) return [];
      state.reads++;
      const row = state.row;
      if (state.gate) await state.gate;
      return row ? [row] : [];
    },
  } as unknown as DataSource;
  return { state, service: new WordFilterService(dataSource, new DomainEvents(), {} as AuditService) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WordFilterService cache', () => {
  let now = 1_000_000;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads a game once, then serves from memory; an empty list masks nothing', async () => {
    const { state, service } = fakeDatabase(null);
    expect(await service.chatText(1, 'hello noob')).toBe('hello noob');
    expect(await service.chatText(1, 'again')).toBe('again');
    await service.assertCleanNames(1, { name: 'noob' });
    expect(state.reads).toBe(1);
  });

  it('masks, refuses, and refuses names in either mode', async () => {
    const { state, service } = fakeDatabase({ action: 'mask', words: ['noob'], updated_at: new Date(1) });
    expect(await service.chatText(1, 'hi NOOB')).toBe('hi ****');
    await expect(service.assertCleanNames(1, { channelName: 'ok', desc: 'a noob' })).rejects.toMatchObject({
      code: ErrorCode.FilterRefused,
      message: 'desc contains a word that is not allowed',
    });
    state.row = { action: 'refuse', words: ['noob'], updated_at: new Date(2) };
    service.drop(1);
    await expect(service.chatText(1, 'hi noob')).rejects.toMatchObject({
      code: ErrorCode.FilterRefused,
      message: 'message contains a word that is not allowed',
    });
    expect(await service.chatText(1, 'hi noobs')).toBe('hi noobs');
  });

  it('serves the cached list past 30 s while reading it again in the background; an unchanged list is not compiled again', async () => {
    const { state, service } = fakeDatabase({ action: 'mask', words: ['noob'], updated_at: new Date(1) });
    await service.chatText(1, 'x');
    const matcherOf = () => (service as unknown as { cache: Map<number, { matcher: unknown }> }).cache.get(1)?.matcher;
    const first = matcherOf();
    now += 31_000;
    // Behind the service's back (a lost change event): the stale copy still answers this message.
    state.row = { action: 'mask', words: ['noob'], updated_at: new Date(1) };
    expect(await service.chatText(1, 'noob')).toBe('****');
    await settle();
    expect(state.reads).toBe(2);
    expect(matcherOf()).toBe(first);
    now += 31_000;
    state.row = { action: 'mask', words: ['scrub'], updated_at: new Date(5) };
    expect(await service.chatText(1, 'noob scrub')).toBe('**** scrub');
    await settle();
    expect(await service.chatText(1, 'noob scrub')).toBe('noob *****');
    expect(matcherOf()).not.toBe(first);
  });

  it('does not keep what a read overtaken by a change returned', async () => {
    const { state, service } = fakeDatabase({ action: 'mask', words: ['old'], updated_at: new Date(1) });
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    const slow = service.chatText(1, 'old new');
    await settle();
    // The list changes while that read is in flight.
    state.row = { action: 'mask', words: ['new'], updated_at: new Date(2) };
    state.gate = null;
    service.drop(1);
    expect(await service.chatText(1, 'old new')).toBe('old ***');
    open();
    expect(await slow).toBe('*** new');
    expect(await service.chatText(1, 'old new')).toBe('old ***');
    expect(state.reads).toBe(2);
  });
});
