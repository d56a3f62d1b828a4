import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../common/http/bigint.transformer.js';

/** A party of one game (DynamicPixels Party). Schema: migrations/1795320000000-Parties.ts. */
@Entity({ name: 'parties' })
export class Party {
  /** int32, as the DynamicPixels clients type it. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  desc: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  image: string;

  @Column({ name: 'max_member_count', type: 'integer' })
  maxMemberCount: number;

  /** Accepted members, kept exact under the party row lock (never above maxMemberCount). */
  @Column({ name: 'member_count', type: 'integer', default: 0 })
  memberCount: number;

  @Column({ name: 'is_private', type: 'boolean', default: false })
  isPrivate: boolean;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  teams: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  channels: string[];

  @Column({ type: 'text', default: '{}' })
  data: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  variables: Record<string, string>;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  owner: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** Accepted Members may invite too (the Owner and Admins always may). */
  @Column({ name: 'members_can_invite', type: 'boolean', default: false })
  membersCanInvite: boolean;

  /** The join code: 6 characters of JOIN_CODE_ALPHABET, unique among the game's parties. */
  @Column({ type: 'varchar', length: 6 })
  code: string;
}
