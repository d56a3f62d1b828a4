import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../common/http/bigint.transformer.js';

export enum MemberStatus {
  Waiting = 0,
  Accepted = 1,
}

export enum MemberRole {
  Owner = 1,
  Admin = 2,
  Member = 3,
}

/** One player's membership (or pending request) in one party; unique per (party, player). */
@Entity({ name: 'party_members' })
export class PartyMember {
  /** The membership id of the `/waiting/{membershipId}` routes (int32). */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @Column({ name: 'party_id', type: 'integer' })
  partyId: number;

  @Column({ name: 'player_id', type: 'bigint', transformer: bigintToNumber })
  playerId: number;

  @Column({ type: 'smallint' })
  role: MemberRole;

  @Column({ type: 'smallint' })
  status: MemberStatus;

  @Column({ type: 'varchar', length: 50, default: '' })
  team: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  channels: string[];

  @Column({ type: 'text', default: '{}' })
  data: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  variables: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** When the membership became Accepted; orders "longest-standing" for ownership transfer. */
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;
}
