import { Injectable } from '@nestjs/common';
import { ReportService } from '../../moderation/reports/report.service.js';
import { ReportDto } from '../dto/message.dto.js';
import { Packet, type PacketHandler } from '../protocol/packet-handler.js';
import type { Session } from '../session/session.js';

/** A player reports another player, optionally about a channel and a message (docs/moderation.md#reports). */
@Packet({ type: 'REPORT', body: ReportDto })
@Injectable()
export class ReportHandler implements PacketHandler<ReportDto> {
  constructor(private readonly reports: ReportService) {}

  handle(session: Session, body: ReportDto) {
    const { gameIndex, playerId } = session.player;
    return this.reports.create(gameIndex, playerId, body);
  }
}
