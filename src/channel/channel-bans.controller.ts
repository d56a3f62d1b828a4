import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import type { RestrictionView } from '../moderation/restriction.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ChannelBanService } from './channel-bans.service.js';
import { type ChannelBansView, CreateChannelBanDto } from './dto/channel-ban.dto.js';
import { PlayerIdPipe } from './player-id.pipe.js';

/** Channel bans (docs/moderation.md#channel-bans-and-kicks), for trusted game servers. */
@ApiTags('Hive server API: channel bans')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/channels/:channelId/bans')
export class ChannelBansController {
  constructor(private readonly bans: ChannelBanService) {}

  @Post()
  @HttpCode(200)
  async ban(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Body() body: CreateChannelBanDto,
  ): Promise<HiveEnvelope<RestrictionView>> {
    return hiveOk(await this.bans.ban(gameIndex, channelId, body));
  }

  @Get()
  async list(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
  ): Promise<HiveEnvelope<ChannelBansView>> {
    return hiveOk({ bans: await this.bans.list(gameIndex, channelId) });
  }

  @Delete(':playerId')
  async unban(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Param('playerId', new PlayerIdPipe('playerId')) playerId: number,
  ): Promise<HiveEmptyEnvelope> {
    await this.bans.unban(gameIndex, channelId, playerId);
    return hiveOk();
  }
}
