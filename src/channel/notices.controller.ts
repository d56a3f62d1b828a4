import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEmptyEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ChannelCustomDto, ChannelNoticeDto, UserCustomDto, UserNoticeDto } from './dto/message.dto.js';
import { NoticeService } from './notice.service.js';

/** Hive "message" section (docs/chat-api.md): notices and custom messages pushed over the WebSocket. */
@ApiTags('Hive server API: messages')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex')
export class NoticesController {
  constructor(private readonly notices: NoticeService) {}

  @Post('notices/channel')
  @HttpCode(200)
  async channelNotice(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: ChannelNoticeDto): Promise<HiveEmptyEnvelope> {
    await this.notices.channelNotice(gameIndex, body.channelId, body.langCode, body.message);
    return hiveOk();
  }

  @Post('notices/user')
  @HttpCode(200)
  async userNotice(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: UserNoticeDto): Promise<HiveEmptyEnvelope> {
    await this.notices.userNotice(gameIndex, body.playerId, body.message);
    return hiveOk();
  }

  @Post('custom/channel')
  @HttpCode(200)
  async channelCustom(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: ChannelCustomDto): Promise<HiveEmptyEnvelope> {
    await this.notices.channelCustom(gameIndex, body.channelId, body.data);
    return hiveOk();
  }

  @Post('custom/user')
  @HttpCode(200)
  async userCustom(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Body() body: UserCustomDto): Promise<HiveEmptyEnvelope> {
    await this.notices.userCustom(gameIndex, body.playerId, body.data);
    return hiveOk();
  }
}
