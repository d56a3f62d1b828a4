import { Global, Module } from '@nestjs/common';
import { InfraGauges } from './infra-gauges.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { StatsController } from './stats.controller.js';

/** Prometheus metrics (docs/operations.md#metrics): global, since every module counts something. */
@Global()
@Module({
  controllers: [MetricsController, StatsController],
  providers: [MetricsService, InfraGauges],
  exports: [MetricsService],
})
export class MetricsModule {}
