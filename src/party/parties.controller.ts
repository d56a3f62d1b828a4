import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPlayer, PlayerTokenGuard } from '../player/player-token.guard.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { MemberRemovedDto, MemberRowDto, PartyDeletedDto, PartyListDto, PartyRowDto } from './dto/party.dto.js';
import { readCodeJoinBody, readCreateBody, readEditBody, readJoinBody } from './dto/party-input.js';
import { CodeJoinBodyDoc, CreatePartyBodyDoc, PathId, JoinPartyBodyDoc, PartySearchQueryDto, pageOf } from './dto/party-query.dto.js';
import { PartyMembershipService } from './party-membership.service.js';
import { PartyService } from './party.service.js';

const PartyId = () => PathId({ field: 'partyId' });

/**
 * DynamicPixels Party Web API, party-level routes: create, search, mine, read, edit, join, leave,
 * disband. Bodies are read by hand (dto/party-input.ts) because the SDKs send several shapes of
 * the same fields.
 */
@ApiTags('DynamicPixels parties')
@ApiBearerAuth()
@UseGuards(PlayerTokenGuard)
@Controller('api/table/services/parties')
export class PartiesController {
  constructor(
    private readonly parties: PartyService,
    private readonly memberships: PartyMembershipService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'create a party; the caller becomes its Owner' })
  @ApiBody({ type: CreatePartyBodyDoc })
  @ApiOkResponse({ type: PartyRowDto })
  async create(@CurrentPlayer() me: PlayerIdentity, @Body() body: unknown): Promise<PartyRowDto> {
    return { row: await this.parties.create(me, readCreateBody(body)) };
  }

  @Get()
  @ApiOperation({ summary: 'parties of the game whose name contains query, newest first' })
  @ApiOkResponse({ type: PartyListDto })
  search(@CurrentPlayer() me: PlayerIdentity, @Query() q: PartySearchQueryDto): Promise<PartyListDto> {
    return this.parties.search(me.gameIndex, q.query, pageOf(q));
  }

  @Get('me')
  @ApiOperation({ summary: 'parties the caller is an accepted member of' })
  @ApiOkResponse({ type: PartyListDto })
  mine(@CurrentPlayer() me: PlayerIdentity, @Query() q: PartySearchQueryDto): Promise<PartyListDto> {
    return this.parties.mine(me, q.query, pageOf(q));
  }

  /** Declared before `POST :partyId`, which would otherwise take "join" for a party id. */
  @Post('join')
  @HttpCode(200)
  @ApiOperation({ summary: 'join with a join code (case-insensitive): Accepted at once, also in a private party' })
  @ApiBody({ type: CodeJoinBodyDoc })
  @ApiOkResponse({ type: MemberRowDto })
  async joinByCode(@CurrentPlayer() me: PlayerIdentity, @Body() body: unknown): Promise<MemberRowDto> {
    return { row: await this.memberships.joinByCode(me, readCodeJoinBody(body)) };
  }

  @Get(':partyId')
  @ApiOperation({ summary: 'one party; its join code only to an accepted member' })
  @ApiOkResponse({ type: PartyRowDto })
  async get(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number): Promise<PartyRowDto> {
    return { row: await this.parties.get(me, partyId) };
  }

  @Post(':partyId/code')
  @HttpCode(200)
  @ApiOperation({ summary: 'a new join code (Owner or Admin); the old one stops working' })
  @ApiOkResponse({ type: PartyRowDto })
  async newCode(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number): Promise<PartyRowDto> {
    return { row: await this.parties.newCode(me, partyId) };
  }

  @Put(':partyId')
  @ApiOperation({ summary: 'edit (Owner or Admin); body {data: {...}} or {partyId, party: {...}}, partial' })
  @ApiBody({ type: CreatePartyBodyDoc })
  @ApiOkResponse({ type: PartyRowDto })
  async edit(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Body() body: unknown): Promise<PartyRowDto> {
    return { row: await this.parties.edit(me, partyId, readEditBody(body)) };
  }

  @Post(':partyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'join: public → Accepted, private → Waiting' })
  @ApiBody({ type: JoinPartyBodyDoc, required: false })
  @ApiOkResponse({ type: MemberRowDto })
  async join(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Body() body: unknown): Promise<MemberRowDto> {
    return { row: await this.memberships.join(me, partyId, readJoinBody(body)) };
  }

  @Delete(':partyId')
  @ApiOperation({ summary: 'leave the party or withdraw a join request' })
  @ApiOkResponse({ type: MemberRemovedDto })
  async leave(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number): Promise<MemberRemovedDto> {
    return { row: await this.memberships.leave(me, partyId), affected: 1 };
  }

  @Post(':partyId/disband')
  @HttpCode(200)
  @ApiOperation({ summary: 'delete the party (Owner)' })
  @ApiOkResponse({ type: PartyDeletedDto })
  async disband(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number): Promise<PartyDeletedDto> {
    return { row: await this.parties.disband(me, partyId), affected: 1 };
  }
}
