import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** Longest piece of a failed statement quoted in its log line. */
const QUOTED_SQL = 200;

/**
 * TypeORM's log, through the service's logger (docs/operations.md#logs): a failed statement is
 * logged with the error and the start of its SQL, never with its parameters (they hold message
 * texts, names and password hashes). Nothing else TypeORM would log is kept.
 */
export class QueryLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQueryError(error: string | Error, query: string): void {
    const sql = query.replace(/\s+/g, ' ').trim().slice(0, QUOTED_SQL);
    this.logger.warn(`query failed: ${typeof error === 'string' ? error : error.message} (${sql})`);
  }

  logQuery(): void {}

  logQuerySlow(): void {}

  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
