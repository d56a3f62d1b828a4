import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { GamePrefixedRequest } from '../common/http/game-prefix.middleware.js';
import { LoginRateGuard } from '../common/rate-limit/login-rate.guard.js';
import { AppConfig } from '../infra/config/app-config.js';
import { GuestLoginDto, LoginResponseDto, TokenLoginDto, mapUser } from './dto/player.dto.js';
import type { Player } from './player.entity.js';
import { PlayerService } from './player.service.js';
import { TokenService } from './token.service.js';

const PROTOCOL_VERSION = '1';

/** DynamicPixels `/api/auth/*`: guest login and token login (no Authorization header), rate limited per client address. */
@ApiTags('DynamicPixels auth')
@Controller('api/auth')
@UseGuards(LoginRateGuard)
export class AuthController {
  constructor(
    private readonly players: PlayerService,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
  ) {}

  @Post('guest')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  async guest(@Body() body: GuestLoginDto, @Req() request: GamePrefixedRequest): Promise<LoginResponseDto> {
    if (!this.config.settings.allowGuests) throw new DomainError(ErrorCode.Forbidden, 'guest login is disabled (ALLOW_GUESTS=false)');
    const gameIndex = this.gameOf(request);
    const nested = body.device_info?.device_id;
    const deviceId = body.device_id ?? (typeof nested === 'string' && nested.length > 0 ? nested.slice(0, 200) : null);
    const player = await this.players.loginGuest(gameIndex, deviceId, body.name);
    return this.loginResponse(player);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto })
  async login(@Body() body: TokenLoginDto, @Req() request: GamePrefixedRequest): Promise<LoginResponseDto> {
    const identity = this.tokens.verify(body.token);
    if (request.prefixGame !== undefined && this.gameOf(request) !== identity.gameIndex) {
      throw new DomainError(ErrorCode.Forbidden, `the token belongs to game ${identity.gameIndex}, not game ${request.prefixGame}`);
    }
    await this.players.assertNotBanned(identity);
    const player = await this.players.find(identity.gameIndex, identity.playerId);
    if (!player) throw new DomainError(ErrorCode.InvalidToken, `player ${identity.playerId} has no profile in game ${identity.gameIndex}`);
    return this.loginResponse(await this.players.touchLogin(identity.gameIndex, identity.playerId));
  }

  /** The path's game (`/game/{gameIndex or clientId}`), else the default one; it must be served. */
  private gameOf(request: GamePrefixedRequest): number {
    const gameIndex = request.prefixGame ?? this.config.settings.defaultGameIndex;
    if (!this.config.settings.serverKeys.has(gameIndex)) {
      throw new DomainError(ErrorCode.GameNotFound, `game ${gameIndex} is not configured on this server (SERVER_KEYS)`);
    }
    return gameIndex;
  }

  private loginResponse(player: Player): LoginResponseDto {
    const { token } = this.tokens.issue({ gameIndex: player.gameIndex, playerId: player.id });
    return {
      user: mapUser(player),
      token,
      connection: { endpoint: this.config.settings.publicWsEndpoint, protocol: 'ws', version: PROTOCOL_VERSION },
    };
  }
}
