import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { DEFAULT_PAGE_SIZE, hivePage } from '../../common/http/page.js';
import { returnedRows } from '../../infra/database/returned-rows.js';
import { inTransaction } from '../../infra/database/transaction.js';
import { type ReportPage, type ReportQuery, type ReportRow, type ReportView, mapReport } from './dto/report.dto.js';
import type { NewReport, ReportStatus } from './report.js';

const COLUMNS = `id, reporter_id, player_id, channel_id, message_id, message_text, category, reason, status, note, created_at, updated_at`;
/** The same columns of the row an UPDATE ... FROM changed (alias r). */
const UPDATED_COLUMNS = COLUMNS.replace(/(\w+)/g, 'r.$1');

/**
 * Player reports (docs/moderation.md#reports): filed by players over the WebSocket, read and
 * worked through by the game server. A report about a stored message copies its text and sender
 * in the statement that stores the report.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * `messageId` of a stored message (of `channelId`, when given): its text and sender are copied,
   * and its channel fills a missing `channelId`. Any other `messageId` is kept without a copy.
   */
  async create(gameIndex: number, reporterId: number, input: NewReport): Promise<{ reportId: string }> {
    if (input.playerId === reporterId)
      throw new DomainError(ErrorCode.Validation, 'playerId must be another player: players cannot report themselves');
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO reports (game_index, reporter_id, player_id, channel_id, message_id, message_text, message_sender, category, reason)
       SELECT $1, $2, $3, COALESCE($4::varchar, m.channel_id), $5::bigint, m.message, m.sender, $6, $7
         FROM (VALUES (1)) AS one (x)
         LEFT JOIN chat_messages m ON m.game_index = $1 AND m.id = $5::bigint AND ($4::varchar IS NULL OR m.channel_id = $4::varchar)
       RETURNING id`,
      [gameIndex, reporterId, input.playerId, input.channelId ?? null, input.messageId ?? null, input.category, input.reason],
    );
    return { reportId: String(rows[0].id) };
  }

  /** Newest first, filtered by status and reported player. */
  async list(gameIndex: number, q: ReportQuery): Promise<ReportPage> {
    const size = q.size ?? DEFAULT_PAGE_SIZE;
    const page = q.page ?? 1;
    const params: unknown[] = [gameIndex];
    const where = ['game_index = $1'];
    if (q.status) where.push(`status = $${params.push(q.status)}`);
    if (q.playerId !== undefined) where.push(`player_id = $${params.push(q.playerId)}`);
    const filter = where.join(' AND ');
    const [rows, total] = await Promise.all([
      this.dataSource.query<ReportRow[]>(
        `SELECT ${COLUMNS} FROM reports WHERE ${filter} ORDER BY id DESC LIMIT ${size} OFFSET ${(page - 1) * size}`,
        params,
      ),
      this.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM reports WHERE ${filter}`, params),
    ]);
    return { content: rows.map(mapReport), page: hivePage(page, size, Number(total[0].n)) };
  }

  /**
   * Sets the status (and the note: left out = kept, "" = cleared); recorded in the audit log as
   * `report_update` in the same transaction, with the status it had before.
   */
  async update(gameIndex: number, reportId: string, status: ReportStatus, note?: string): Promise<ReportView> {
    return inTransaction(this.dataSource, async (tx) => {
      // The row locked and its status read before the change, in the one statement that changes it.
      const rows = returnedRows<ReportRow & { previous_status: ReportStatus }>(
        await tx.manager.query(
          `UPDATE reports r SET status = $3, note = CASE WHEN $4::boolean THEN NULLIF($5::text, '') ELSE r.note END, updated_at = now()
           FROM (SELECT id, status FROM reports WHERE game_index = $1 AND id = $2::bigint FOR UPDATE) old
          WHERE r.id = old.id
          RETURNING ${UPDATED_COLUMNS}, old.status AS previous_status`,
          [gameIndex, reportId, status, note !== undefined, note ?? null],
        ),
      );
      const row = rows[0];
      if (!row) throw new DomainError(ErrorCode.NotFound, `report ${reportId} does not exist`);
      await this.audit.record(
        {
          gameIndex,
          action: 'report_update',
          actor: 'SYSTEM',
          targetPlayerId: Number(row.player_id),
          channelId: row.channel_id,
          details: { reportId: String(row.id), status, previousStatus: row.previous_status, note: row.note },
        },
        tx.manager,
      );
      return mapReport(row);
    });
  }
}
