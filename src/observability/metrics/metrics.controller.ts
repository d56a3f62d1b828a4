import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { prometheusContentType } from 'prom-client';
import { DomainError, ErrorCode } from '../../common/errors/domain-error.js';
import { AppConfig } from '../../infra/config/app-config.js';
import { bearerOf } from '../../player/bearer.js';
import { MetricsService } from './metrics.service.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics`, Prometheus text format (docs/operations.md#metrics): open, or with METRICS_TOKEN
 * set, only with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time; 401 otherwise).
 * Not in the OpenAPI document: it is for the monitoring system, not for games.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    const token = config.settings.metricsToken;
    this.expected = token === null ? null : digest(token);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (this.expected) {
      const given = bearerOf(authorization);
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (given === null || !timingSafeEqual(digest(given), this.expected)) {
        throw new DomainError(ErrorCode.InvalidToken, 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
      }
    }
    // Set here, not by a decorator: a 401 keeps the JSON type of its error body.
    res.setHeader('Content-Type', prometheusContentType);
    return this.metrics.registry.metrics();
  }
}
