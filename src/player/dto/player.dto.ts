import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { BoolField, IntField, Optional, PlayerIdField, TextField } from '../../common/validation/decorators.js';
import { MAX_BAN_SECONDS, banOfPlayer, isBanned } from '../ban.js';
import type { Player } from '../player.entity.js';

/** `POST /api/v1/games/{gameIndex}/users/token` (server key). */
export class IssueTokenDto {
  @PlayerIdField({ example: 1001 }) playerId: number;
  @TextField(0, 100, { optional: true }) name?: string;
  @TextField(0, 500, { optional: true }) image?: string;
  @TextField(0, 100, { optional: true }) username?: string;
  @TextField(0, 100, { optional: true }) label?: string;
  @TextField(0, 500, { optional: true }) tags?: string;
  @BoolField({ optional: true }) isTester?: boolean;
}

export class IssuedTokenDto {
  @ApiProperty() token: string;
  @ApiProperty({ example: '2026-11-22T08:39:07.000Z' }) expiresAt: string;
  @ApiProperty() expiresAtMillis: number;
}

/** `PUT /api/v1/games/{gameIndex}/users/{playerId}/ban` (server key). `null` is the same as absent. */
export class SetBanDto {
  @BoolField({ description: "true bans (closing the player's socket at once), false lifts any ban" }) banned: boolean;

  @IntField(1, MAX_BAN_SECONDS, { optional: true, description: 'seconds the ban lasts; absent: until lifted. Ignored when lifting' })
  durationSeconds?: number | null;

  @TextField(0, 200, { optional: true, description: 'shown to the refused player and in the answer. Ignored when lifting' })
  reason?: string | null;
}

/** `POST /api/auth/guest`: TS SDK sends `{device_info: {device_id}}`, Unity `{device_id, name, device_info}`. */
export class GuestLoginDto {
  @TextField(1, 200, { optional: true }) device_id?: string;
  @TextField(0, 100, { optional: true }) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'device fields; device_id is used' })
  @Optional()
  @IsObject({ message: 'device_info must be an object' })
  device_info?: Record<string, unknown>;
}

export class TokenLoginDto {
  @ApiProperty()
  @IsString({ message: 'token must be a string' })
  @MaxLength(4096, { message: 'token must be at most 4096 characters' })
  token: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @Optional()
  @IsObject({ message: 'device_info must be an object' })
  device_info?: Record<string, unknown>;
}

export class ProfileEditFieldsDto {
  @TextField(0, 100, { optional: true }) name?: string;
  @TextField(0, 500, { optional: true }) image?: string;
  @TextField(0, 100, { optional: true }) username?: string;
}

/** The TS SDK builds the query from a Map<string, string>, so an id may come as decimal text. */
const idFromText = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value);

/** `query` of `POST /users/find`: every given field must match; null counts as absent. */
export class FindUsersQueryDto {
  @Transform(idFromText)
  @PlayerIdField({ optional: true, description: 'exact user id (a number or decimal text)' })
  id?: number | null;
  @TextField(1, 100, { optional: true, description: 'case-insensitive substring' }) name?: string | null;
  @TextField(1, 100, { optional: true, description: 'case-insensitive substring' }) username?: string | null;
  @TextField(1, 100, { optional: true, description: 'case-insensitive substring' }) label?: string | null;
  @TextField(1, 500, { optional: true, description: 'case-insensitive substring of the tags text' }) tags?: string | null;
}

/** `POST /api/table/services/users/find` body, as the TS SDK's FindUsers sends it (`{query}`), plus paging. */
export class FindUsersDto {
  @ApiPropertyOptional({ type: FindUsersQueryDto, description: 'at least one field' })
  @Optional()
  @IsObject({ message: 'query must be an object' })
  @ValidateNested()
  @Type(() => FindUsersQueryDto)
  query?: FindUsersQueryDto | null;

  @IntField(0, 2_147_483_647, { optional: true, description: 'default 0' }) skip?: number | null;
  @IntField(0, 2_147_483_647, { optional: true, description: 'default 50; above 100 is served as 100' }) limit?: number | null;
}

/** DynamicPixels user object (`row` of the users endpoints, `user` of logins). */
export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty() phone_number: string;
  @ApiProperty() image: string;
  @ApiProperty() username: string;
  @ApiProperty() label: string;
  @ApiProperty() tags: string;
  @ApiProperty() is_ban: boolean;
  @ApiProperty() is_tester: boolean;
  @ApiProperty() is_guest: boolean;
  @ApiProperty({ nullable: true }) first_login: string | null;
  @ApiProperty({ nullable: true }) last_login: string | null;
}

/** The ban route's answer: the user object plus the ban in force, in Hive's camelCase time fields. */
export class UserBanDto extends UserDto {
  @ApiProperty({ nullable: true, description: 'end of a timed ban; null when not banned or banned until lifted' }) banUntil: string | null;
  @ApiProperty({ nullable: true }) banUntilMillis: number | null;
  @ApiProperty({ nullable: true }) banReason: string | null;
}

/** `is_ban` is whether a ban is in force now: a timed ban past its end reads false. */
export function mapUser(player: Player, now = Date.now()): UserDto {
  return {
    id: player.id,
    name: player.name,
    email: '',
    phone_number: '',
    image: player.image,
    username: player.username,
    label: player.label,
    tags: player.tags,
    is_ban: isBanned(banOfPlayer(player), now),
    is_tester: player.isTester,
    is_guest: player.isGuest,
    first_login: player.firstLogin ? player.firstLogin.toISOString() : null,
    last_login: player.lastLogin ? player.lastLogin.toISOString() : null,
  };
}

export function mapUserBan(player: Player, now = Date.now()): UserBanDto {
  const ban = banOfPlayer(player);
  const inForce = isBanned(ban, now);
  const timed = inForce && Number.isFinite(ban.end);
  return {
    ...mapUser(player, now),
    banUntil: timed ? new Date(ban.end).toISOString() : null,
    banUntilMillis: timed ? ban.end : null,
    banReason: inForce ? ban.reason : null,
  };
}

/** `GET /api/v1/games/{gameIndex}/users/{playerId}/overview` (server key): profile, ban in force, presence. */
export class PlayerOverviewDto {
  @ApiProperty() playerId: number;
  @ApiProperty({ description: 'false: no profile (a game server player never handed a token); `user` has empty fields' })
  hasProfile: boolean;
  @ApiProperty({ description: 'the User object of the Party API plus banUntil, banUntilMillis, banReason' }) user: UserBanDto;
  @ApiProperty() online: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'now when online, the last disconnect otherwise, null when never seen' })
  lastSeenMillis: number | null;
}

/** A player with no profile row (a game server's player who never set one): empty fields. */
export function emptyUser(id: number): UserDto {
  return {
    id,
    name: '',
    email: '',
    phone_number: '',
    image: '',
    username: '',
    label: '',
    tags: '',
    is_ban: false,
    is_tester: false,
    is_guest: false,
    first_login: null,
    last_login: null,
  };
}

export class ConnectionInfoDto {
  @ApiProperty() endpoint: string;
  @ApiProperty({ example: 'ws' }) protocol: string;
  @ApiProperty() version: string;
}

export class LoginResponseDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty() token: string;
  @ApiProperty({ type: ConnectionInfoDto }) connection: ConnectionInfoDto;
}

export class UserRowDto {
  @ApiProperty({ type: UserDto }) row: UserDto;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) list: UserDto[];
  @ApiProperty() totalCount: number;
}
