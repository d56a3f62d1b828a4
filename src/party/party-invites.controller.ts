import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PlayerIdentity } from '../player/player-identity.js';
import { CurrentPlayer, PlayerTokenGuard } from '../player/player-token.guard.js';
import { InviteBodyDto, InviteListDto, InviteRowDto, MyInviteListDto } from './dto/party-invite.dto.js';
import { MemberRowDto } from './dto/party.dto.js';
import { readAdmitBody } from './dto/party-input.js';
import { JoinPartyBodyDoc, PageQueryDto, PathId, pageOf } from './dto/party-query.dto.js';
import { PartyInviteService } from './party-invite.service.js';

const PartyId = () => PathId({ field: 'partyId' });
const InviteId = () => PathId({ field: 'inviteId' });

/** Party invites (docs/party-api.md#invites). */
@ApiTags('DynamicPixels parties')
@ApiBearerAuth()
@UseGuards(PlayerTokenGuard)
@Controller('api/table/services/parties')
export class PartyInvitesController {
  constructor(private readonly invites: PartyInviteService) {}

  @Post(':partyId/invites')
  @HttpCode(200)
  @ApiOperation({ summary: 'invite a player (Owner, Admin; every member when members_can_invite)' })
  @ApiOkResponse({ type: InviteRowDto })
  async invite(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Body() body: InviteBodyDto): Promise<InviteRowDto> {
    return { row: await this.invites.invite(me, partyId, body.player) };
  }

  @Get('invites/me')
  @ApiOperation({ summary: "the caller's pending, unexpired invites, newest first, each with its Party object" })
  @ApiOkResponse({ type: MyInviteListDto })
  mine(@CurrentPlayer() me: PlayerIdentity, @Query() q: PageQueryDto): Promise<MyInviteListDto> {
    return this.invites.mine(me, pageOf(q));
  }

  @Get(':partyId/invites')
  @ApiOperation({ summary: "the party's pending, unexpired invites (Owner or Admin)" })
  @ApiOkResponse({ type: InviteListDto })
  ofParty(@CurrentPlayer() me: PlayerIdentity, @PartyId() partyId: number, @Query() q: PageQueryDto): Promise<InviteListDto> {
    return this.invites.ofParty(me, partyId, pageOf(q));
  }

  @Put('invites/:inviteId')
  @ApiOperation({ summary: 'accept an invite (the invitee): an Accepted member, also of a private party' })
  @ApiBody({ type: JoinPartyBodyDoc, required: false })
  @ApiOkResponse({ type: MemberRowDto })
  async accept(@CurrentPlayer() me: PlayerIdentity, @InviteId() inviteId: number, @Body() body: unknown): Promise<MemberRowDto> {
    return { row: await this.invites.accept(me, inviteId, readAdmitBody(body)) };
  }

  @Delete('invites/:inviteId')
  @ApiOperation({ summary: 'decline (the invitee) or cancel (the inviter, the Owner or an Admin) an invite' })
  @ApiOkResponse({ type: InviteRowDto })
  async withdraw(@CurrentPlayer() me: PlayerIdentity, @InviteId() inviteId: number): Promise<InviteRowDto> {
    return { row: await this.invites.withdraw(me, inviteId) };
  }
}
