import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PlayerIdentity } from '../player/player-identity.js';
import { CurrentPlayer, PlayerTokenGuard } from '../player/player-token.guard.js';
import { ReadyAnswerDto, ReadyCheckRowDto, StartReadyCheckDto } from './dto/party-ready-check.dto.js';
import { PathId } from './dto/party-query.dto.js';
import { PartyReadyCheckService } from './party-ready-check.service.js';

const PartyId = () => PathId({ field: 'partyId' });

/** Ready checks (docs/party-api.md#ready-checks). */
@ApiTags('DynamicPixels parties')
@ApiBearerAuth()
@UseGuards(PlayerTokenGuard)
@Controller('api/table/services/parties/:partyId/ready-check')
export class PartyReadyCheckController {
  constructor(private readonly readyChecks: PartyReadyCheckService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'start a ready check of the accepted members (Owner or Admin); the starter is ready' })
  @ApiOkResponse({ type: ReadyCheckRowDto })
  async start(
    @CurrentPlayer() me: PlayerIdentity,
    @PartyId() partyId: number,
    @Body() body: StartReadyCheckDto,
  ): Promise<ReadyCheckRowDto> {
    return { row: await this.readyChecks.start(me, partyId, body.timeout) };
  }

  @Put()
  @ApiOperation({ summary: 'answer the running ready check: {ready: true} or {ready: false} (declines it)' })
  @ApiOkResponse({ type: ReadyCheckRowDto })
  async answer(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Body() body: ReadyAnswerDto): Promise<ReadyCheckRowDto> {
    return { row: await this.readyChecks.answer(me, partyId, body.ready) };
  }

  @Get()
  @ApiOperation({ summary: 'the running ready check, else the last one' })
  @ApiOkResponse({ type: ReadyCheckRowDto })
  async get(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number): Promise<ReadyCheckRowDto> {
    return { row: await this.readyChecks.get(me, partyId) };
  }
}
