import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { errorText } from '../common/errors/error-text.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { READY_CHECK_DEFAULT_TIMEOUT, type ReadyCheckDto, mapReadyCheck } from './dto/party-ready-check.dto.js';
import { PartyEvents } from './party-events.js';
import type { Party } from './party.entity.js';
import { type ReadyCheck, ReadyCheckStatus, outcome } from './party-ready-check.js';
import { PartyRepository } from './party.repository.js';
import { PartyMemberRepository } from './party-member.repository.js';
import { PartyReadyCheckRepository } from './party-ready-check.repository.js';
import { MANAGERS, assertRole } from './party-rules.js';

/** Every instance looks for expired checks this often: a check times out at most this late (plus a query). */
export const READY_CHECK_SWEEP_MS = 1_000;
/** Expired checks ended per sweep transaction. */
const SWEEP_BATCH = 100;

function noReadyCheck(partyId: number, what = 'running'): DomainError {
  return new DomainError(ErrorCode.ReadyCheckNotFound, `party ${partyId} has no ${what} ready check`);
}

/**
 * Ready checks (docs/party-api.md#ready-checks). The state is in the database and each change
 * runs under the party row lock, then the check's row lock. A check ends exactly once, by whichever
 * transaction moves it out of 'running' first: an answer, a departure, the party's deletion, or
 * the timeout. The timeout has two triggers: a timer on the instance that started the check, and
 * a sweep every READY_CHECK_SWEEP_MS on every instance, so that a check still ends when its
 * instance is gone. The sweep claims rows with SKIP LOCKED: two instances never end the same check.
 */
@Injectable()
export class PartyReadyCheckService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadyChecks');
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweeping: Promise<number> | null = null;
  private failing = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partyRepo: PartyRepository,
    private readonly memberRepo: PartyMemberRepository,
    private readonly checkRepo: PartyReadyCheckRepository,
    private readonly partyEvents: PartyEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), READY_CHECK_SWEEP_MS);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.sweeping;
  }

  /** Owner or Admin starts a check of the Accepted members; the starter is ready. */
  async start(me: PlayerIdentity, partyId: number, timeoutSeconds = READY_CHECK_DEFAULT_TIMEOUT): Promise<ReadyCheckDto> {
    const check = await inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'start a ready check');
      const now = new Date();
      const running = await this.checkRepo.lockRunningReadyCheck(m, party.id);
      if (running && running.expiresAt > now) {
        throw new DomainError(
          ErrorCode.ReadyCheckRunning,
          `ready check ${running.id} of party ${party.id} runs until ${running.expiresAt.toISOString()}`,
        );
      }
      // An expired check the sweep has not reached yet ends here, before the new one starts.
      if (running) await this.finish(running, ReadyCheckStatus.Timeout, tx);
      const started = await this.checkRepo.insertReadyCheck(m, party, me.playerId, now, new Date(now.getTime() + timeoutSeconds * 1000));
      const recipients = await this.memberRepo.acceptedIds(m, party.id);
      this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_READY_CHECK', recipients, {
        partyId: party.id,
        readyCheck: { ...mapReadyCheck(started) },
      });
      return (await this.settle(started, tx)) ?? started;
    });
    if (check.status === ReadyCheckStatus.Running) this.timeoutAt(check.expiresAt);
    return mapReadyCheck(check);
  }

  /** A player of the running check answers; the first false declines it, the last true makes it ready. */
  async answer(me: PlayerIdentity, partyId: number, ready: boolean): Promise<ReadyCheckDto> {
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      const running = await this.checkRepo.lockRunningReadyCheck(m, party.id);
      // Past expires_at it is over, even if no sweep has ended it yet.
      if (!running || running.expiresAt <= new Date()) throw noReadyCheck(party.id);
      if (!(await this.checkRepo.setReady(m, running.id, me.playerId, ready))) {
        throw new DomainError(
          ErrorCode.MembershipNotFound,
          `player ${me.playerId} is not in ready check ${running.id} of party ${party.id}`,
        );
      }
      const answered = { ...running, players: running.players.map((p) => (p.playerId === me.playerId ? { ...p, ready } : p)) };
      this.partyEvents.emit(tx, party.gameIndex, 'NOTIFY_PARTY_READY_UPDATE', await this.memberRepo.acceptedIds(m, party.id), {
        partyId: party.id,
        playerId: me.playerId,
        ready,
      });
      return mapReadyCheck((await this.settle(answered, tx)) ?? answered);
    });
  }

  /** The running check, else the last one. */
  async get(me: PlayerIdentity, partyId: number): Promise<ReadyCheckDto> {
    const m = this.dataSource.manager;
    const party = await this.partyRepo.findParty(m, me.gameIndex, partyId);
    const check = await this.checkRepo.lastReadyCheck(m, party.id);
    if (!check) throw noReadyCheck(party.id, 'running or past');
    return mapReadyCheck(check);
  }

  /** A member left or was kicked (party row locked): out of the running check, which may now be all ready. */
  async dropPlayer(party: Party, playerId: number, tx: Tx): Promise<void> {
    const running = await this.checkRepo.lockRunningReadyCheck(tx.manager, party.id);
    if (!running || !(await this.checkRepo.dropReadyCheckPlayer(tx.manager, running.id, playerId))) return;
    await this.settle({ ...running, players: running.players.filter((p) => p.playerId !== playerId) }, tx);
  }

  /** The party is being deleted (row locked): its running check ends canceled, told to the members it had. */
  async cancel(party: Party, tx: Tx): Promise<void> {
    const running = await this.checkRepo.lockRunningReadyCheck(tx.manager, party.id);
    if (running) await this.finish(running, ReadyCheckStatus.Canceled, tx);
  }

  /**
   * Ends every expired running check this instance can claim, in batches; returns how many.
   * Runs on every instance, one pass at a time per instance.
   */
  sweep(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.sweeping ??= this.sweepBatches().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepBatches(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await inTransaction(this.dataSource, async (tx) => {
          const ended = await this.checkRepo.claimExpiredReadyChecks(tx.manager, new Date(), SWEEP_BATCH);
          for (const check of ended) await this.announceDone(check, tx);
          return ended.length;
        });
        total += n;
        if (n < SWEEP_BATCH) break;
      }
      if (this.failing) this.logger.log('ready-check sweep works again');
      this.failing = false;
    } catch (err) {
      // Logged once per outage: the sweep runs every second.
      if (!this.failing) this.logger.warn(`ready-check sweep failed (retried every ${READY_CHECK_SWEEP_MS} ms): ${errorText(err)}`);
      this.failing = true;
    }
    return total;
  }

  /** The check's end if its players decide it now (see outcome()); null while it runs on. */
  private async settle(check: ReadyCheck, tx: Tx): Promise<ReadyCheck | null> {
    const status = outcome(check.players);
    return status ? this.finish(check, status, tx) : null;
  }

  private async finish(check: ReadyCheck, status: ReadyCheckStatus, tx: Tx): Promise<ReadyCheck | null> {
    const ended = await this.checkRepo.finishReadyCheck(tx.manager, check.id, status, new Date());
    if (ended) await this.announceDone(ended, tx);
    return ended;
  }

  /** NOTIFY_PARTY_READY_CHECK_DONE to the Accepted members, once the ending transaction commits. */
  private async announceDone(check: ReadyCheck, tx: Tx): Promise<void> {
    const recipients = await this.memberRepo.acceptedIds(tx.manager, check.partyId);
    this.partyEvents.emit(tx, check.gameIndex, 'NOTIFY_PARTY_READY_CHECK_DONE', recipients, {
      partyId: check.partyId,
      readyCheck: { ...mapReadyCheck(check) },
    });
  }

  /** The starting instance's own timer: ends the check right at expires_at instead of at the next sweep. */
  private timeoutAt(expiresAt: Date): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.sweep();
      },
      Math.max(0, expiresAt.getTime() - Date.now()) + 5,
    );
    timer.unref();
    this.timers.add(timer);
  }
}
