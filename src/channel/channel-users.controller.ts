import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import type { BlockView } from './block.service.js';
import { BlockService } from './block.service.js';
import { ChannelQueries } from './channel-queries.js';
import type { ChannelView } from './dto/channel.dto.js';
import { PlayerIdPipe } from './player-id.pipe.js';

/** Hive "user" section (docs/chat-api.md): a player's channels and block list. */
@ApiTags('Hive server API: users')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/users/:playerId')
export class ChannelUsersController {
  constructor(
    private readonly queries: ChannelQueries,
    private readonly blockList: BlockService,
  ) {}

  @Get('channels')
  async channelsOf(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId', new PlayerIdPipe('playerId')) playerId: number,
  ): Promise<HiveEnvelope<{ gameIndex: number; playerId: number; channels: ChannelView[] }>> {
    return hiveOk({ gameIndex, playerId, channels: await this.queries.channelsOf(gameIndex, playerId) });
  }

  @Get('blocks')
  async blocks(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId', new PlayerIdPipe('playerId')) playerId: number,
  ): Promise<HiveEnvelope<{ blocks: BlockView[] }>> {
    return hiveOk({ blocks: await this.blockList.list(gameIndex, playerId) });
  }

  @Post('blocks/:blockPlayerId')
  @HttpCode(200)
  async block(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId', new PlayerIdPipe('playerId')) playerId: number,
    @Param('blockPlayerId', new PlayerIdPipe('blockPlayerId')) blockPlayerId: number,
  ): Promise<HiveEmptyEnvelope> {
    await this.blockList.block(gameIndex, playerId, blockPlayerId);
    return hiveOk();
  }

  @Delete('blocks/:blockPlayerId')
  async unblock(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId', new PlayerIdPipe('playerId')) playerId: number,
    @Param('blockPlayerId', new PlayerIdPipe('blockPlayerId')) blockPlayerId: number,
  ): Promise<HiveEmptyEnvelope> {
    await this.blockList.unblock(gameIndex, playerId, blockPlayerId);
    return hiveOk();
  }
}
