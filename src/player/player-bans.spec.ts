import type { AuditService } from '../audit/audit.service.js';
import { jest } from '@jest/globals';
import type { DataSource, Repository } from 'typeorm';
import type { DomainEvents } from '../common/events/domain-events.js';
import { PlayerReads } from '../common/player-reads.js';
import type { Player } from './player.entity.js';
import { PlayerService } from './player.service.js';

type BanRow = { id: string; is_ban: boolean; ban_until_ms: number | null; ban_reason: string | null };

/** A database whose player reads (PlayerReads statements) wait until the test answers them with the ban rows found. */
function fakePlayers() {
  const reads: { gameIndex: number; ids: number[]; answer: (rows: BanRow[]) => void }[] = [];
  const dataSource = {
    query: (_sql: string, [gameIndex, ids]: [number, number[]]) =>
      new Promise<Record<string, unknown>[]>((resolve) =>
        reads.push({
          gameIndex,
          ids,
          // One row per asked player (the statement selects from the list of ids); `ban` null without a profile row.
          answer: (rows) =>
            resolve(
              ids.map((id) => {
                const row = rows.find((r) => Number(r.id) === id);
                return { id: String(id), ban: row ? [row.is_ban, row.ban_until_ms, row.ban_reason] : null };
              }),
            ),
        }),
      ),
  } as unknown as DataSource;
  const service = new PlayerService({} as Repository<Player>, {} as DomainEvents, {} as AuditService, new PlayerReads(dataSource));
  return { reads, service };
}

const banned = (id: number): BanRow => ({ id: String(id), is_ban: true, ban_until_ms: null, ban_reason: 'cheating' });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PlayerService ban checks', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads the checks of one turn in one statement per game', async () => {
    const { reads, service } = fakePlayers();
    const checks = [1, 2, 3].map((playerId) =>
      service.assertNotBanned({ gameIndex: 1, playerId }).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    );
    await turn();
    expect(reads.map((r) => [r.gameIndex, r.ids])).toEqual([[1, [1, 2, 3]]]);
    reads[0].answer([banned(2)]);
    expect(await Promise.all(checks)).toEqual(['ok', 'player 2 is banned: cheating', 'ok']);
    await service.assertNotBanned({ gameIndex: 1, playerId: 1 });
    expect(reads).toHaveLength(1);
  });

  it('reads again when a ban change overtakes a read, and keeps only the newer answer', async () => {
    const { reads, service } = fakePlayers();
    const check = service.assertNotBanned({ gameIndex: 1, playerId: 7 });
    await turn();
    service.banChanged(1, 7);
    const later = service.assertNotBanned({ gameIndex: 1, playerId: 7 });
    reads[0].answer([]);
    await turn();
    expect(reads.map((r) => r.ids)).toEqual([[7], [7]]);
    reads[1].answer([banned(7)]);
    await expect(check).rejects.toThrow('player 7 is banned');
    await expect(later).rejects.toThrow('player 7 is banned');
    await expect(service.assertNotBanned({ gameIndex: 1, playerId: 7 })).rejects.toThrow('player 7 is banned');
    expect(reads).toHaveLength(2);
  });

  it('answers from memory and refreshes in the background past half the cache life', async () => {
    const { reads, service } = fakePlayers();
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const first = service.assertNotBanned({ gameIndex: 1, playerId: 5 });
    await turn();
    reads[0].answer([]);
    await first;
    now.mockReturnValue(1_000_500);
    await service.assertNotBanned({ gameIndex: 1, playerId: 5 });
    await turn();
    expect(reads).toHaveLength(1);
    now.mockReturnValue(1_001_500);
    await service.assertNotBanned({ gameIndex: 1, playerId: 5 });
    await turn();
    expect(reads).toHaveLength(2);
    reads[1].answer([banned(5)]);
    await turn();
    await expect(service.assertNotBanned({ gameIndex: 1, playerId: 5 })).rejects.toThrow('player 5 is banned');
  });
});
