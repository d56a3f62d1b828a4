import { Body, Controller, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { banDetail, banOfPlayer, isBanned } from './ban.js';
import { MAX_PLAYER_ID } from './player-identity.js';
import { IssueTokenDto, type IssuedTokenDto, SetBanDto, type UserBanDto, mapUserBan } from './dto/player.dto.js';
import { PlayerService } from './player.service.js';
import { ServerKeyGuard } from './server-key.guard.js';
import { TokenService } from './token.service.js';

/** Server-to-server identity: a game with its own login hands its players to this service. */
@ApiTags('Hive server API: users')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/users')
export class HiveUsersController {
  constructor(
    private readonly players: PlayerService,
    private readonly tokens: TokenService,
  ) {}

  @Post('token')
  @HttpCode(200)
  async issueToken(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Body() body: IssueTokenDto,
  ): Promise<HiveEnvelope<IssuedTokenDto>> {
    const { playerId, ...fields } = body;
    const player = await this.players.upsertFromServer(gameIndex, playerId, fields);
    const ban = banOfPlayer(player);
    if (isBanned(ban)) throw new DomainError(ErrorCode.Forbidden, banDetail(playerId, ban));
    const issued = this.tokens.issue({ gameIndex, playerId });
    return hiveOk({ token: issued.token, expiresAt: issued.expiresAt.toISOString(), expiresAtMillis: issued.expiresAt.getTime() });
  }

  /**
   * Operator extension: ban (for durationSeconds, or until lifted) or unban a player. A ban takes
   * effect at once: the player's socket is closed on every instance and its tokens are refused
   * until the ban ends or is lifted.
   */
  @Put(':playerId/ban')
  async setBan(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId') rawPlayerId: string,
    @Body() body: SetBanDto,
  ): Promise<HiveEnvelope<UserBanDto>> {
    const playerId = Number(rawPlayerId);
    if (!/^\d+$/.test(rawPlayerId) || playerId < 1 || playerId > MAX_PLAYER_ID) {
      throw new DomainError(ErrorCode.Validation, `playerId must be a positive integer, got "${rawPlayerId}"`);
    }
    return hiveOk(mapUserBan(await this.players.setBan(gameIndex, playerId, body)));
  }
}
