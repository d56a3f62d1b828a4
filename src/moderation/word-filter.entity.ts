import { Column, Entity, PrimaryColumn } from 'typeorm';

export const FILTER_ACTIONS = ['mask', 'refuse'] as const;
export type FilterAction = (typeof FILTER_ACTIONS)[number];

/** One game's word filter (the whole list in one row). Written through SQL in WordFilterService. */
@Entity({ name: 'word_filters' })
export class WordFilter {
  @PrimaryColumn({ name: 'game_index', type: 'integer' })
  gameIndex: number;

  @Column({ type: 'varchar', length: 8, default: 'mask' })
  action: FilterAction;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  words: string[];

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
