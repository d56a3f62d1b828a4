import { Module } from '@nestjs/common';
import { ReportService } from './report.service.js';
import { ReportsController } from './reports.controller.js';

/**
 * Player reports (docs/moderation.md#reports): the server API's queue here; the REPORT packet's
 * handler (realtime module) files them through ReportService.
 */
@Module({
  controllers: [ReportsController],
  providers: [ReportService],
  exports: [ReportService],
})
export class ReportsModule {}
