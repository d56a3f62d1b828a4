import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { HivePage } from '../../common/http/page.js';
import { PageQuery } from '../../common/http/page.js';
import { PlayerIdField, TextField } from '../../common/validation/decorators.js';
import { PartyDto, RichPartyMemberDto } from './party.dto.js';

/** `GET /api/v1/games/{gameIndex}/parties?name=&playerId=&page=&size=` (server key). */
export class ServerPartyQuery extends PageQuery {
  @TextField(0, 100, { optional: true, description: 'a case-insensitive substring of the party name' })
  name?: string;

  @Type(() => Number)
  @PlayerIdField({ optional: true, description: 'only parties this player is an accepted member of' })
  playerId?: number;
}

class HivePageDto implements HivePage {
  @ApiProperty() size: number;
  @ApiProperty() currentPage: number;
  @ApiProperty() totalElements: number;
  @ApiProperty() totalPages: number;
}

/** The `data` of the party list: Party objects of the Party API (snake_case, no join code). */
export class ServerPartyPageDto {
  @ApiProperty({ type: [PartyDto] }) content: PartyDto[];
  @ApiProperty({ type: HivePageDto }) page: HivePage;
}

/** The `data` of a party's members: RichPartyMember objects of the Party API, longest-standing first. */
export class ServerPartyMembersDto {
  @ApiProperty({ type: [RichPartyMemberDto] }) content: RichPartyMemberDto[];
  @ApiProperty({ type: HivePageDto }) page: HivePage;
}
