import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, type HiveEnvelope, hiveOk } from '../../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../../player/server-key.guard.js';
import type { RestrictionView } from '../restriction.js';
import { CreateMuteDto, DeleteMuteQuery, ListMutesQuery, type MutesView } from './dto/mute.dto.js';
import { MuteService } from './mute.service.js';

/** Mutes (docs/moderation.md#mutes), for trusted game servers. */
@ApiTags('Hive server API: mutes')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/mutes')
export class MutesController {
  constructor(private readonly mutes: MuteService) {}

  @Post()
  @HttpCode(200)
  async mute(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: CreateMuteDto): Promise<HiveEnvelope<RestrictionView>> {
    return hiveOk(await this.mutes.mute(gameIndex, body, 'SYSTEM'));
  }

  @Delete()
  async unmute(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Query() query: DeleteMuteQuery): Promise<HiveEmptyEnvelope> {
    await this.mutes.unmute(gameIndex, query.playerId, query.channelId ?? null, 'SYSTEM');
    return hiveOk();
  }

  @Get()
  async list(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Query() query: ListMutesQuery): Promise<HiveEnvelope<MutesView>> {
    return hiveOk({ mutes: await this.mutes.list(gameIndex, query) });
  }
}
