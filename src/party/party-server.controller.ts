import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { DEFAULT_PAGE_SIZE, PageQuery, hivePage } from '../common/http/page.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { ServerPartyMembersDto, ServerPartyPageDto, ServerPartyQuery } from './dto/party-server.dto.js';
import { PathId } from './dto/party-query.dto.js';
import { PartyMembershipService } from './party-membership.service.js';
import { PartyService } from './party.service.js';

const pageOf = (q: PageQuery) => {
  const size = q.size ?? DEFAULT_PAGE_SIZE;
  const currentPage = q.page ?? 1;
  return { size, currentPage, skip: (currentPage - 1) * size, limit: size };
};

/**
 * Read-only party routes for game servers and the operator console (docs/console.md#server-routes-the-console-reads):
 * the Party API itself answers players only, with their tokens.
 */
@ApiTags('Hive server API: parties')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/parties')
export class PartyServerController {
  constructor(
    private readonly parties: PartyService,
    private readonly memberships: PartyMembershipService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'parties whose name contains `name` (or all), optionally only those of one member, newest first' })
  @ApiOkResponse({ type: ServerPartyPageDto })
  async list(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @Query() q: ServerPartyQuery,
  ): Promise<HiveEnvelope<ServerPartyPageDto>> {
    const page = pageOf(q);
    const found =
      q.playerId === undefined
        ? await this.parties.search(gameIndex, q.name, page)
        : await this.parties.ofMember(gameIndex, q.playerId, q.name, page);
    return hiveOk({ content: found.list, page: hivePage(page.currentPage, page.size, found.totalCount) });
  }

  @Get(':partyId/members')
  @ApiOperation({ summary: "a party's accepted members with their profiles and online flag" })
  @ApiOkResponse({ type: ServerPartyMembersDto })
  async members(
    @Param('gameIndex', GameIndexPipe) gameIndex: number,
    @PathId({ field: 'partyId' }) partyId: number,
    @Query() q: PageQuery,
  ): Promise<HiveEnvelope<ServerPartyMembersDto>> {
    const page = pageOf(q);
    const found = await this.memberships.members(gameIndex, partyId, page);
    return hiveOk({ content: found.list, page: hivePage(page.currentPage, page.size, found.totalCount) });
  }
}
