import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { WordFilterService } from '../moderation/word-filter.service.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ChannelQueries } from './channel-queries.js';
import { ChannelService } from './channel.service.js';
import {
  ActingPlayerQuery,
  type ChannelPage,
  type ChannelView,
  CreateChannelDto,
  CreateOneOnOneDto,
  EnterChannelDto,
  ExitChannelDto,
  ListChannelsQuery,
  type MemberView,
  UpdateChannelDto,
} from './dto/channel.dto.js';

/** Hive's nine channel endpoints (docs/chat-api.md), for trusted game servers. */
@ApiTags('Hive server API: channels')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelService,
    private readonly queries: ChannelQueries,
    private readonly filter: WordFilterService,
  ) {}

  @Post('channel')
  @HttpCode(200)
  async create(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: CreateChannelDto): Promise<HiveEnvelope<ChannelView>> {
    await this.filter.assertCleanNames(gameIndex, { channelName: body.channelName });
    return hiveOk(await this.channels.create(gameIndex, body));
  }

  @Post(['channels/1on1', 'channel/1on1'])
  @HttpCode(200)
  async createOneOnOne(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Body() body: CreateOneOnOneDto,
  ): Promise<HiveEnvelope<ChannelView>> {
    return hiveOk(await this.channels.getOrCreateOneOnOne(gameIndex, body.playerId, body.otherPlayerId, body.chatHistoryAllowed));
  }

  @Patch('channels/:channelId')
  async update(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Body() body: UpdateChannelDto,
  ): Promise<HiveEmptyEnvelope> {
    const { playerId, ...patch } = body;
    await this.filter.assertCleanNames(gameIndex, { channelName: patch.channelName });
    await this.channels.update(gameIndex, channelId, patch, { actingAs: { playerId } });
    return hiveOk();
  }

  @Delete('channels/:channelId')
  async delete(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Query() query: ActingPlayerQuery,
  ): Promise<HiveEmptyEnvelope> {
    await this.channels.delete(gameIndex, channelId, { actingAs: { playerId: query.playerId } });
    return hiveOk();
  }

  @Get('channels')
  async list(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Query() query: ListChannelsQuery): Promise<HiveEnvelope<ChannelPage>> {
    return hiveOk(await this.queries.list(gameIndex, query));
  }

  @Get('channels/:channelId')
  async get(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
  ): Promise<HiveEnvelope<{ info: ChannelView; members: MemberView[] }>> {
    return hiveOk(await this.channels.details(gameIndex, channelId));
  }

  @Get('channels/:channelId/members')
  async members(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
  ): Promise<HiveEnvelope<{ members: MemberView[] }>> {
    return hiveOk({ members: await this.channels.members(gameIndex, channelId) });
  }

  @Post('channels/:channelId/enter')
  @HttpCode(200)
  async enter(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Body() body: EnterChannelDto,
  ): Promise<HiveEmptyEnvelope> {
    await this.channels.enter(gameIndex, channelId, body.playerId, { password: body.password });
    return hiveOk();
  }

  @Post('channels/:channelId/exit')
  @HttpCode(200)
  async exit(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('channelId') channelId: string,
    @Body() body: ExitChannelDto,
  ): Promise<HiveEmptyEnvelope> {
    await this.channels.exit(gameIndex, channelId, body.playerId);
    return hiveOk();
  }
}
