import { ApiProperty } from '@nestjs/swagger';
import { PlayerIdField } from '../../common/validation/decorators.js';
import type { PartyInvite } from '../party-invite.js';
import { PartyDto } from './party.dto.js';

/** `POST /parties/{partyId}/invites`. */
export class InviteBodyDto {
  @PlayerIdField({ description: 'the player to invite' })
  player: number;
}

/** An invite as the API returns it; status 0 pending, 1 accepted, 2 declined, 3 canceled. */
export class InviteDto {
  @ApiProperty({ description: 'invite id' }) id: number;
  @ApiProperty({ description: 'party id' }) party: number;
  @ApiProperty({ description: 'the invited player' }) player: number;
  @ApiProperty({ description: 'the player who invited' }) inviter: number;
  @ApiProperty({ description: 'pending 0, accepted 1, declined 2, canceled 3' }) status: number;
  @ApiProperty() created_at: string;
  @ApiProperty({ description: 'created_at + PARTY_INVITE_TTL' }) expires_at: string;
}

/** In `GET /parties/invites/me`: the Party object instead of its id. */
export class MyInviteDto {
  @ApiProperty({ description: 'invite id' }) id: number;
  @ApiProperty({ type: PartyDto }) party: PartyDto;
  @ApiProperty() player: number;
  @ApiProperty() inviter: number;
  @ApiProperty({ description: 'pending 0' }) status: number;
  @ApiProperty() created_at: string;
  @ApiProperty() expires_at: string;
}

export class InviteRowDto {
  @ApiProperty({ type: InviteDto }) row: InviteDto;
}
export class InviteListDto {
  @ApiProperty({ type: [InviteDto] }) list: InviteDto[];
  @ApiProperty() totalCount: number;
}
export class MyInviteListDto {
  @ApiProperty({ type: [MyInviteDto] }) list: MyInviteDto[];
  @ApiProperty() totalCount: number;
}

export function mapInvite(i: PartyInvite): InviteDto {
  return {
    id: i.id,
    party: i.partyId,
    player: i.playerId,
    inviter: i.inviter,
    status: i.status,
    created_at: i.createdAt.toISOString(),
    expires_at: i.expiresAt.toISOString(),
  };
}
