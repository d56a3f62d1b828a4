import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserDto, emptyUser, mapUser } from '../../player/dto/player.dto.js';
import type { Player } from '../../player/player.entity.js';
import type { Party } from '../party.entity.js';
import type { PartyMember } from '../party-member.entity.js';

/**
 * DynamicPixels response shapes, as the original clients parse them. teams/channels travel as JSON-array strings,
 * as the original does; variables as an object; role/status as integers.
 */
export class PartyDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() desc: string;
  @ApiProperty() image: string;
  @ApiProperty() max_member_count: number;
  @ApiProperty() is_private: boolean;
  @ApiProperty({ example: '["red","blue"]', description: 'JSON array of team names, as a string' }) teams: string;
  @ApiProperty({ example: '["general"]', description: 'JSON array of channel names, as a string' }) channels: string;
  @ApiProperty({ example: '{}' }) data: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) variables: Record<string, string>;
  @ApiProperty({ description: 'player id of the Owner' }) owner: number;
  @ApiProperty({ example: '2026-11-21T08:39:07.542Z' }) created_at: string;
  @ApiProperty({ description: 'Accepted members (extra field)' }) member_count: number;
  @ApiProperty({ description: 'Accepted Members may invite too (the Owner and Admins always may)' }) members_can_invite: boolean;
  @ApiPropertyOptional({ example: 'K7QX2M', description: 'join code; only in answers to an Accepted member' }) code?: string;
}

export class PartyMemberDto {
  @ApiProperty({ description: 'membership id' }) id: number;
  @ApiProperty({ description: 'party id' }) party: number;
  @ApiProperty({ description: 'player id' }) player: number;
  @ApiProperty({ description: 'Owner 1, Admin 2, Member 3' }) role: number;
  @ApiProperty({ description: 'Waiting 0, Accepted 1' }) status: number;
  @ApiProperty() data: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) variables: Record<string, string>;
  @ApiProperty({ example: '["general"]' }) channels: string;
  @ApiProperty({ description: 'team name, "" for none' }) team: string;
  @ApiProperty() created_at: string;
}

export class RichPartyMemberDto extends UserDto {
  @ApiProperty() role: number;
  @ApiProperty() status: number;
  @ApiProperty() data: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) variables: Record<string, string>;
  @ApiProperty() channels: string;
  @ApiProperty() team: string;
  @ApiProperty({ description: 'connected to the realtime gateway (extra field)' }) online: boolean;
  @ApiProperty({ description: 'membership id (extra field)' }) membership_id: number;
}

export class PartyRowDto {
  @ApiProperty({ type: PartyDto }) row: PartyDto;
}
export class PartyDeletedDto extends PartyRowDto {
  @ApiProperty({ example: 1 }) affected: number;
}
export class PartyListDto {
  @ApiProperty({ type: [PartyDto] }) list: PartyDto[];
  @ApiProperty() totalCount: number;
}
export class MemberRowDto {
  @ApiProperty({ type: PartyMemberDto }) row: PartyMemberDto;
}
export class MemberRemovedDto extends MemberRowDto {
  @ApiProperty({ example: 1 }) affected: number;
}
export class MemberListDto {
  @ApiProperty({ type: [PartyMemberDto] }) list: PartyMemberDto[];
  @ApiProperty() totalCount: number;
}
export class RichMemberListDto {
  @ApiProperty({ type: [RichPartyMemberDto] }) list: RichPartyMemberDto[];
  @ApiProperty() totalCount: number;
}

export function mapParty(p: Party): PartyDto {
  return {
    id: p.id,
    name: p.name,
    desc: p.desc,
    image: p.image,
    max_member_count: p.maxMemberCount,
    is_private: p.isPrivate,
    teams: JSON.stringify(p.teams),
    channels: JSON.stringify(p.channels),
    data: p.data,
    variables: p.variables,
    owner: p.owner,
    created_at: p.createdAt.toISOString(),
    member_count: p.memberCount,
    members_can_invite: p.membersCanInvite,
  };
}

/** The party as its Accepted members see it: with the join code. */
export function mapPartyForMember(p: Party): PartyDto {
  return { ...mapParty(p), code: p.code };
}

export function mapMember(m: PartyMember): PartyMemberDto {
  return {
    id: m.id,
    party: m.partyId,
    player: m.playerId,
    role: m.role,
    status: m.status,
    data: m.data,
    variables: m.variables,
    channels: JSON.stringify(m.channels),
    team: m.team,
    created_at: m.createdAt.toISOString(),
  };
}

export function mapRichMember(m: PartyMember, player: Player | undefined, online: boolean): RichPartyMemberDto {
  return {
    ...(player ? mapUser(player) : emptyUser(m.playerId)),
    role: m.role,
    status: m.status,
    data: m.data,
    variables: m.variables,
    channels: JSON.stringify(m.channels),
    team: m.team,
    online,
    membership_id: m.id,
  };
}
