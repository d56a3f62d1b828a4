import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A transaction in progress. Work that must be part of it goes through `manager` (on the
 * embedded database the pool has ONE connection: a query on any other manager waits forever).
 * Side effects that must only happen if it commits (domain events) go through `afterCommit`.
 */
export interface Tx {
  manager: EntityManager;
  afterCommit(fn: () => void): void;
}

const logger = new Logger('Transaction');

/** Deadlock victim, serialization failure: PostgreSQL asks for the whole transaction to be run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  return RETRYABLE.has(e?.code ?? '') || RETRYABLE.has(e?.driverError?.code ?? '');
}

/**
 * Runs `work` in a transaction and, once committed, the afterCommit callbacks in order.
 * Given an outer `tx`, joins it instead (its callbacks then run when the outer one commits),
 * so services can be composed inside another module's transaction.
 * A transaction PostgreSQL picks as a deadlock victim (or a serialization failure) is run again,
 * up to 5 times: `work` must only touch the database and register afterCommit callbacks, and
 * a failed attempt's callbacks are dropped. A joined transaction is retried by its owner.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
  if (outer) return work(outer);
  for (let attempt = 1; ; attempt++) {
    const callbacks: (() => void)[] = [];
    let result: T;
    try {
      result = await dataSource.transaction((manager) => work({ manager, afterCommit: (fn) => callbacks.push(fn) }));
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
      continue;
    }
    for (const fn of callbacks) {
      try {
        fn();
      } catch (err) {
        logger.error(`afterCommit callback failed: ${(err as Error)?.stack ?? err}`);
      }
    }
    return result;
  }
}
