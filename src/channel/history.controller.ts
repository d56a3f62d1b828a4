import { Controller, Delete, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BigintIdPipe } from '../common/http/bigint-id.pipe.js';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ChatHistoryService, type HistoryPage } from './chat-history.service.js';
import { HistoryQuery } from './dto/channel.dto.js';
import { MessageEditsService } from './message-edits.service.js';

/** Hive history v2 (docs/chat-api.md), and deleting a stored message (docs/moderation.md#editing-and-deleting-messages). */
@ApiTags('Hive server API: messages')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v2/games/:gameIndex/channels/:channelId/messages')
export class HistoryController {
  constructor(
    private readonly history: ChatHistoryService,
    private readonly edits: MessageEditsService,
  ) {}

  @Get()
  async messages(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Query() query: HistoryQuery,
  ): Promise<HiveEnvelope<HistoryPage>> {
    return hiveOk(await this.history.history(gameIndex, channelId, query));
  }

  /** Members get NOTIFY_MESSAGE_DELETED with `deletedBy: "SYSTEM"`; recorded in the audit log. */
  @Delete(':messageId')
  async delete(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Param('messageId', new BigintIdPipe('messageId')) messageId: string,
  ): Promise<HiveEnvelope<{ messageId: string }>> {
    return hiveOk(await this.edits.delete(gameIndex, channelId, messageId, 'SYSTEM'));
  }
}
