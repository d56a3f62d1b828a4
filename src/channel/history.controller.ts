import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ChatHistoryService, type HistoryPage } from './chat-history.service.js';
import { HistoryQuery } from './dto/channel.dto.js';

/** Hive history v2 (docs/chat-api.md). */
@ApiTags('Hive server API: messages')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v2/games/:gameIndex/channels/:channelId/messages')
export class HistoryController {
  constructor(private readonly history: ChatHistoryService) {}

  @Get()
  async messages(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Query() query: HistoryQuery,
  ): Promise<HiveEnvelope<HistoryPage>> {
    return hiveOk(await this.history.history(gameIndex, channelId, query));
  }
}
