import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { PutWordFilterDto, type WordFilterView } from './dto/word-filter.dto.js';
import { WordFilterService } from './word-filter.service.js';

/** The game's word filter (docs/chat-api.md#word-filter), for trusted game servers. */
@ApiTags('Hive server API: word filter')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/filter')
export class WordFilterController {
  constructor(private readonly filter: WordFilterService) {}

  @Put()
  async replace(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: PutWordFilterDto): Promise<HiveEmptyEnvelope> {
    await this.filter.replace(gameIndex, body.words, body.action);
    return hiveOk();
  }

  @Get()
  async get(@Param('gameIndex', GameIndexPipe) gameIndex: number): Promise<HiveEnvelope<WordFilterView>> {
    return hiveOk(await this.filter.read(gameIndex));
  }
}
