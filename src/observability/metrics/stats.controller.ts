import { Controller, Get, Header, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../../player/server-key.guard.js';
import { MetricsService } from './metrics.service.js';

export class StatsDto {
  @ApiProperty({ description: 'open WebSocket connections of this instance (partychat_ws_connections)' }) connections: number;
  @ApiProperty({ description: 'chat messages accepted since this instance started (partychat_messages_total, both kinds)' })
  messagesTotal: number;
  @ApiProperty({ description: 'chat messages written to sockets of this instance since it started (partychat_deliveries_total)' })
  deliveriesTotal: number;
  @ApiProperty({ description: 'when these figures were read (epoch milliseconds): rates are differences between two reads' })
  timeMillis: number;
}

/**
 * The live figures of the console (docs/console.md#get-apiv1gamesgameindexstats): the same counters as `GET /metrics`,
 * as JSON, behind the server key (so the console needs no METRICS_TOKEN). They count the whole
 * instance that answers, every game together, as the metrics do.
 */
@ApiTags('Hive server API: stats')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/stats')
export class StatsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "this instance's connections and message counters" })
  @ApiOkResponse({ type: StatsDto })
  async stats(@Param('gameIndex', GameIndexPipe) _gameIndex: number): Promise<HiveEnvelope<StatsDto>> {
    const [connections, messages, deliveries] = await Promise.all([
      this.metrics.wsConnections.get(),
      this.metrics.messages.get(),
      this.metrics.deliveries.get(),
    ]);
    const sum = (m: { values: { value: number }[] }) => m.values.reduce((total, v) => total + v.value, 0);
    return hiveOk({
      connections: sum(connections),
      messagesTotal: sum(messages),
      deliveriesTotal: sum(deliveries),
      timeMillis: Date.now(),
    });
  }
}
