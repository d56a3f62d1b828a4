import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '../common/http/bigint.transformer.js';

/** A player of one game: the DynamicPixels user profile. */
@Entity({ name: 'players' })
@Index('UQ_players_game_device', ['gameIndex', 'deviceId'], { unique: true, where: '"device_id" IS NOT NULL' })
export class Player {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  id: number;

  @Column({ type: 'varchar', length: 100, default: '' })
  name: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  image: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  username: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  label: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  tags: string;

  @Column({ name: 'is_ban', type: 'boolean', default: false })
  isBan: boolean;

  /** End of a timed ban (null: until lifted); only meaningful while isBan. */
  @Column({ name: 'ban_until', type: 'timestamptz', nullable: true })
  banUntil: Date | null;

  @Column({ name: 'ban_reason', type: 'varchar', length: 200, nullable: true })
  banReason: string | null;

  @Column({ name: 'is_tester', type: 'boolean', default: false })
  isTester: boolean;

  @Column({ name: 'is_guest', type: 'boolean', default: false })
  isGuest: boolean;

  @Column({ name: 'device_id', type: 'varchar', length: 200, nullable: true })
  deviceId: string | null;

  @Column({ name: 'first_login', type: 'timestamptz', nullable: true })
  firstLogin: Date | null;

  @Column({ name: 'last_login', type: 'timestamptz', nullable: true })
  lastLogin: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
