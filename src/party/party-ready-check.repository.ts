import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Party } from './party.entity.js';
import { MemberStatus } from './party-member.entity.js';
import { type ReadyCheck, ReadyCheckStatus } from './party-ready-check.js';
import { rowsOf } from './party-rows.js';
import * as sql from './party-sql.js';

/** A `party_ready_checks` row. */
interface ReadyCheckRow {
  id: number;
  game_index: number;
  party_id: number;
  started_by: string | number;
  status: string;
  created_at: Date | string;
  expires_at: Date | string;
}

/**
 * Ready check queries (SQL text in party-sql.ts), run through the manager the caller passes, as
 * in PartyRepository. Every check comes back with its players.
 */
@Injectable()
export class PartyReadyCheckRepository {
  /** Starts a check of the party's Accepted members, the starter ready (the caller made sure none runs). */
  async insertReadyCheck(m: EntityManager, party: Party, startedBy: number, createdAt: Date, expiresAt: Date): Promise<ReadyCheck> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.INSERT_READY_CHECK, [
      party.gameIndex,
      party.id,
      startedBy,
      ReadyCheckStatus.Running,
      createdAt,
      expiresAt,
      MemberStatus.Accepted,
    ]);
    return this.withPlayers(m, row);
  }

  /** The party's running check, locked for the rest of the transaction. */
  async lockRunningReadyCheck(m: EntityManager, partyId: number): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.LOCK_RUNNING_READY_CHECK, [partyId, ReadyCheckStatus.Running]);
    return row ? this.withPlayers(m, row) : null;
  }

  async lastReadyCheck(m: EntityManager, partyId: number): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.LAST_READY_CHECK, [partyId]);
    return row ? this.withPlayers(m, row) : null;
  }

  /** The player's answer; false: the player is not in the check. */
  async setReady(m: EntityManager, checkId: number, playerId: number, ready: boolean): Promise<boolean> {
    return (await rowsOf(m, sql.SET_READY, [checkId, playerId, ready])).length > 0;
  }

  /** The player leaves the check's players; false: the player was not among them. */
  async dropReadyCheckPlayer(m: EntityManager, checkId: number, playerId: number): Promise<boolean> {
    return (await rowsOf(m, sql.DROP_READY_CHECK_PLAYER, [checkId, playerId])).length > 0;
  }

  /** Ends the check with `status` if it still runs; null: it had ended already. */
  async finishReadyCheck(m: EntityManager, checkId: number, status: ReadyCheckStatus, at: Date): Promise<ReadyCheck | null> {
    const [row] = await rowsOf<ReadyCheckRow>(m, sql.FINISH_READY_CHECK, [checkId, ReadyCheckStatus.Running, status, at]);
    return row ? this.withPlayers(m, row) : null;
  }

  /** Ends up to `size` expired running checks as timeout (skipping rows other transactions hold); returns them ended. */
  async claimExpiredReadyChecks(m: EntityManager, now: Date, size: number): Promise<ReadyCheck[]> {
    const rows = await rowsOf<ReadyCheckRow>(m, sql.CLAIM_EXPIRED_READY_CHECKS, [
      ReadyCheckStatus.Running,
      ReadyCheckStatus.Timeout,
      now,
      size,
    ]);
    const checks: ReadyCheck[] = [];
    for (const row of rows) checks.push(await this.withPlayers(m, row));
    return checks;
  }

  /** The purge: deletes up to `size` checks that ended before `cutoff`; returns how many. */
  async deleteOldReadyChecks(m: EntityManager, cutoff: Date, size: number): Promise<number> {
    return (await rowsOf<{ id: number }>(m, sql.DELETE_OLD_READY_CHECKS, [ReadyCheckStatus.Running, cutoff, size])).length;
  }

  private async withPlayers(m: EntityManager, r: ReadyCheckRow): Promise<ReadyCheck> {
    const players = await rowsOf<{ player_id: string | number; ready: boolean | null }>(m, sql.READY_CHECK_PLAYERS, [r.id]);
    return {
      id: Number(r.id),
      gameIndex: Number(r.game_index),
      partyId: Number(r.party_id),
      startedBy: Number(r.started_by),
      status: r.status as ReadyCheckStatus,
      createdAt: new Date(r.created_at),
      expiresAt: new Date(r.expires_at),
      players: players.map((p) => ({ playerId: Number(p.player_id), ready: p.ready })),
    };
  }
}
