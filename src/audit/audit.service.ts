import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hiveTime } from '../common/http/hive-envelope.js';
import { DEFAULT_PAGE_SIZE, hivePage } from '../common/http/page.js';
import { MetricsService } from '../observability/metrics/metrics.service.js';
import type { AuditRecord } from './audit-action.js';
import type { AuditEntryView, AuditPage, AuditQuery } from './dto/audit.dto.js';

interface AuditRow {
  id: string;
  action: AuditEntryView['action'];
  actor: string;
  target_player_id: string | null;
  channel_id: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

/**
 * The audit log (docs/moderation.md#audit-log): append-only, one row per action. `record` takes
 * the caller's transaction so that an action and its entry commit together. Every moderation
 * action passes here, so here it is counted (partychat_moderation_actions_total{action}, when its
 * entry is written: an action whose transaction then fails still counts).
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  async record(entry: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_entries (game_index, action, actor, target_player_id, channel_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        entry.gameIndex,
        entry.action,
        String(entry.actor),
        entry.targetPlayerId ?? null,
        entry.channelId ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
    this.metrics.moderationActions.inc({ action: entry.action });
  }

  /** Newest first, filtered by action, actor and target player. */
  async list(gameIndex: number, q: AuditQuery): Promise<AuditPage> {
    const size = q.size ?? DEFAULT_PAGE_SIZE;
    const page = q.page ?? 1;
    const params: unknown[] = [gameIndex];
    const where = ['game_index = $1'];
    if (q.action) where.push(`action = $${params.push(q.action)}`);
    if (q.actorId) where.push(`actor = $${params.push(q.actorId)}`);
    if (q.targetPlayerId !== undefined) where.push(`target_player_id = $${params.push(q.targetPlayerId)}`);
    const filter = where.join(' AND ');
    const [rows, total] = await Promise.all([
      this.dataSource.query<AuditRow[]>(
        `SELECT id, action, actor, target_player_id, channel_id, details, created_at FROM audit_entries
          WHERE ${filter} ORDER BY id DESC LIMIT ${size} OFFSET ${(page - 1) * size}`,
        params,
      ),
      this.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM audit_entries WHERE ${filter}`, params),
    ]);
    return { content: rows.map(toView), page: hivePage(page, size, Number(total[0].n)) };
  }
}

function toView(row: AuditRow): AuditEntryView {
  return {
    auditId: String(row.id),
    action: row.action,
    actor: row.actor,
    targetPlayerId: row.target_player_id === null ? null : Number(row.target_player_id),
    channelId: row.channel_id,
    details: row.details,
    regTime: hiveTime(row.created_at),
    regTimeMillis: row.created_at.getTime(),
  };
}
