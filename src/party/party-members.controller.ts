import { Body, Controller, Delete, Get, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAX_PLAYER_ID, type PlayerIdentity } from '../player/player-identity.js';
import { CurrentPlayer, PlayerTokenGuard } from '../player/player-token.guard.js';
import { MemberListDto, MemberRemovedDto, MemberRowDto, RichMemberListDto } from './dto/party.dto.js';
import { readMemberEditBody } from './dto/party-input.js';
import { PathId, MemberEditBodyDoc, PageQueryDto, SetRoleDto, pageOf } from './dto/party-query.dto.js';
import { PartyMembershipService } from './party-membership.service.js';

const PartyId = () => PathId({ field: 'partyId' });
const MembershipId = () => PathId({ field: 'membershipId' });
const PlayerId = () => PathId({ field: 'playerId', max: MAX_PLAYER_ID });

/** DynamicPixels Party Web API, member routes: members, waiting list, accept/reject, own edit, roles, kicks. */
@ApiTags('DynamicPixels parties')
@ApiBearerAuth()
@UseGuards(PlayerTokenGuard)
@Controller('api/table/services/parties/:partyId')
export class PartyMembersController {
  constructor(private readonly memberships: PartyMembershipService) {}

  @Get('members')
  @ApiOperation({ summary: 'accepted members with their profiles and online flag' })
  @ApiOkResponse({ type: RichMemberListDto })
  members(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Query() q: PageQueryDto): Promise<RichMemberListDto> {
    return this.memberships.members(me.gameIndex, partyId, pageOf(q));
  }

  @Get('waiting')
  @ApiOperation({ summary: 'pending join requests (Owner or Admin)' })
  @ApiOkResponse({ type: MemberListDto })
  waiting(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Query() q: PageQueryDto): Promise<MemberListDto> {
    return this.memberships.waiting(me, partyId, pageOf(q));
  }

  @Put('waiting/:membershipId')
  @ApiOperation({ summary: 'accept a join request (Owner or Admin); any body is ignored' })
  @ApiOkResponse({ type: MemberRowDto })
  async accept(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @MembershipId() id: number): Promise<MemberRowDto> {
    return { row: await this.memberships.accept(me, partyId, id) };
  }

  @Delete('waiting/:membershipId')
  @ApiOperation({ summary: 'reject a join request (Owner or Admin)' })
  @ApiOkResponse({ type: MemberRowDto })
  async reject(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @MembershipId() id: number): Promise<MemberRowDto> {
    return { row: await this.memberships.reject(me, partyId, id) };
  }

  @Put('members/me')
  @ApiOperation({ summary: "change the caller's own team, channels, data, variables" })
  @ApiBody({ type: MemberEditBodyDoc })
  @ApiOkResponse({ type: MemberRowDto })
  async updateMine(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Body() body: unknown): Promise<MemberRowDto> {
    return { row: await this.memberships.updateMine(me, partyId, readMemberEditBody(body)) };
  }

  @Put('members/:playerId')
  @ApiOperation({ summary: "Owner changes a member's role; role 1 transfers ownership" })
  @ApiOkResponse({ type: MemberRowDto })
  async setRole(
    @CurrentPlayer() me: PlayerIdentity,
    @PartyId() partyId: number,
    @PlayerId() playerId: number,
    @Body() body: SetRoleDto,
  ): Promise<MemberRowDto> {
    return { row: await this.memberships.setRole(me, partyId, playerId, body.role) };
  }

  @Delete('members/:playerId')
  @ApiOperation({ summary: 'kick (Owner; Admin kicks Members only)' })
  @ApiOkResponse({ type: MemberRemovedDto })
  async kick(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @PlayerId() playerId: number): Promise<MemberRemovedDto> {
    return { row: await this.memberships.kick(me, partyId, playerId), affected: 1 };
  }
}
