import { Type } from 'class-transformer';
import { IntField } from '../validation/decorators.js';

/** Hive's page object of a paged list. */
export interface HivePage {
  size: number;
  currentPage: number;
  totalElements: number;
  totalPages: number;
}

/** `page` (from 1) and `size` (1-100, default 20) of the operator lists (audit log, reports). */
export class PageQuery {
  @Type(() => Number)
  @IntField(1, 1_000_000, { optional: true, description: 'from 1, default 1' })
  page?: number;

  @Type(() => Number)
  @IntField(1, 100, { optional: true, description: 'default 20' })
  size?: number;
}

export const DEFAULT_PAGE_SIZE = 20;

export function hivePage(currentPage: number, size: number, totalElements: number): HivePage {
  return { size, currentPage, totalElements, totalPages: Math.ceil(totalElements / size) };
}
