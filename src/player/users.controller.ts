import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { Optional } from '../common/validation/decorators.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { FindUsersDto, ProfileEditFieldsDto, UserListDto, UserRowDto, mapUser } from './dto/player.dto.js';
import { CurrentPlayer, PlayerTokenGuard } from './player-token.guard.js';
import type { PlayerIdentity } from './player-identity.js';
import { PlayerService, type UserSearch } from './player.service.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** `PUT /users`: Unity wraps the fields in `data`, the TS SDK sends them bare. */
export class EditUserDto extends ProfileEditFieldsDto {
  @ApiPropertyOptional({ type: ProfileEditFieldsDto })
  @Optional()
  @ValidateNested()
  @Type(() => ProfileEditFieldsDto)
  data?: ProfileEditFieldsDto;
}

/** DynamicPixels users service (player token). */
@ApiTags('DynamicPixels users')
@ApiBearerAuth()
@UseGuards(PlayerTokenGuard)
@Controller('api/table/services/users')
export class UsersController {
  constructor(private readonly players: PlayerService) {}

  @Get()
  @ApiOkResponse({ type: UserRowDto })
  async current(@CurrentPlayer() me: PlayerIdentity): Promise<UserRowDto> {
    return { row: mapUser(await this.players.get(me.gameIndex, me.playerId)) };
  }

  @Get('me')
  @ApiOkResponse({ type: UserRowDto })
  async me(@CurrentPlayer() me: PlayerIdentity): Promise<UserRowDto> {
    return this.current(me);
  }

  /** The TS SDK's FindUsers: users of the caller's game matching every field of `query`. */
  @Post('find')
  @HttpCode(200)
  @ApiOkResponse({ type: UserListDto })
  async find(@CurrentPlayer() me: PlayerIdentity, @Body() body: FindUsersDto): Promise<UserListDto> {
    const q = body.query ?? {};
    // null means absent, like a field left out.
    const search: UserSearch = {
      id: q.id ?? undefined,
      name: q.name ?? undefined,
      username: q.username ?? undefined,
      label: q.label ?? undefined,
      tags: q.tags ?? undefined,
    };
    const page = { skip: body.skip ?? 0, limit: Math.min(body.limit ?? DEFAULT_LIMIT, MAX_LIMIT) };
    const { list, totalCount } = await this.players.search(me.gameIndex, search, page);
    return { list: list.map(mapUser), totalCount };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserRowDto })
  async byId(@CurrentPlayer() me: PlayerIdentity, @Param('id') id: string): Promise<UserRowDto> {
    if (!/^\d{1,16}$/.test(id) || !Number.isSafeInteger(Number(id))) {
      throw new DomainError(ErrorCode.Validation, `id must be a positive integer, got "${id}"`);
    }
    return { row: mapUser(await this.players.get(me.gameIndex, Number(id))) };
  }

  @Put()
  @ApiOkResponse({ type: UserRowDto })
  async edit(@CurrentPlayer() me: PlayerIdentity, @Body() body: EditUserDto): Promise<UserRowDto> {
    const fields = { ...body, ...(body.data ?? {}) };
    delete (fields as { data?: unknown }).data;
    return { row: mapUser(await this.players.updateProfile(me, fields)) };
  }
}
