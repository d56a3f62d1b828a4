import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PurgeService } from '../channel/purge.service.js';
import { returnedRows } from '../infra/database/returned-rows.js';

/**
 * Adds to the purge job (docs/operations.md#purge-job) the deletion of mutes and channel bans whose
 * time has passed. They stopped counting when they ended (every check compares the end with the
 * clock); this only keeps the tables small. The audit log keeps the record of each.
 */
@Injectable()
export class EndedRestrictionsPurge implements OnModuleInit {
  constructor(private readonly purge: PurgeService) {}

  onModuleInit(): void {
    this.purge.addStep({ name: 'ended mutes', run: (m, size) => deleteEnded(m, 'mutes', size) });
    this.purge.addStep({ name: 'ended channel bans', run: (m, size) => deleteEnded(m, 'channel_bans', size) });
  }
}

async function deleteEnded(m: EntityManager, table: 'mutes' | 'channel_bans', size: number): Promise<number> {
  const result: unknown = await m.query(
    `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ends_at < now() LIMIT $1) RETURNING 1 AS gone`,
    [size],
  );
  return returnedRows(result).length;
}
