import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BigintIdPipe } from '../../common/http/bigint-id.pipe.js';
import { GameIndexPipe } from '../../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../../player/server-key.guard.js';
import { PatchReportDto, type ReportPage, ReportQuery, type ReportView } from './dto/report.dto.js';
import { ReportService } from './report.service.js';

/** The game's report queue (docs/moderation.md#reports), for trusted game servers and operators. */
@ApiTags('Hive server API: reports')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/reports')
export class ReportsController {
  constructor(private readonly reports: ReportService) {}

  @Get()
  async list(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Query() query: ReportQuery): Promise<HiveEnvelope<ReportPage>> {
    return hiveOk(await this.reports.list(gameIndex, query));
  }

  @Patch(':reportId')
  async update(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('reportId', new BigintIdPipe('reportId')) reportId: string,
    @Body() body: PatchReportDto,
  ): Promise<HiveEnvelope<ReportView>> {
    return hiveOk(await this.reports.update(gameIndex, reportId, body.status, body.note));
  }
}
