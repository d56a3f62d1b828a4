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

/**
 * Runs `work` in a transaction and, once committed, the afterCommit callbacks in order.
 * Given an outer `tx`, joins it instead (its callbacks then run when the outer one commits),
 * so services can be composed inside another module's transaction.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
  if (outer) return work(outer);
  const callbacks: (() => void)[] = [];
  const result = await dataSource.transaction((manager) => work({ manager, afterCommit: (fn) => callbacks.push(fn) }));
  for (const fn of callbacks) {
    try {
      fn();
    } catch (err) {
      logger.error(`afterCommit callback failed: ${(err as Error)?.stack ?? err}`);
    }
  }
  return result;
}
