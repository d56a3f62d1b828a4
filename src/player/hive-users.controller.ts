import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { banDetail, banOfPlayer, isBanned } from './ban.js';
import { MAX_PLAYER_ID } from './player-identity.js';
import { PresenceService } from '../presence/presence.service.js';
import {
  IssueTokenDto,
  type IssuedTokenDto,
  type PlayerOverviewDto,
  SetBanDto,
  type UserBanDto,
  emptyUser,
  mapUserBan,
} from './dto/player.dto.js';
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
    private readonly presence: PresenceService,
  ) {}

  /** Operator extension: one player's profile, ban in force and presence (the console's player page). */
  @Get(':playerId/overview')
  async overview(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Param('playerId') rawPlayerId: string,
  ): Promise<HiveEnvelope<PlayerOverviewDto>> {
    const playerId = parsePlayerId(rawPlayerId);
    const [player, online, seen] = await Promise.all([
      this.players.find(gameIndex, playerId),
      this.presence.isOnline(gameIndex, playerId),
      this.presence.lastSeen(gameIndex, [playerId]),
    ]);
    const user = player ? mapUserBan(player) : { ...emptyUser(playerId), banUntil: null, banUntilMillis: null, banReason: null };
    return hiveOk({ playerId, hasProfile: player !== null, user, online, lastSeenMillis: seen.get(playerId) ?? null });
  }

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
    return hiveOk(mapUserBan(await this.players.setBan(gameIndex, parsePlayerId(rawPlayerId), body)));
  }
}

function parsePlayerId(raw: string): number {
  const playerId = Number(raw);
  if (!/^\d+$/.test(raw) || playerId < 1 || playerId > MAX_PLAYER_ID) {
    throw new DomainError(ErrorCode.Validation, `playerId must be a positive integer, got "${raw}"`);
  }
  return playerId;
}
