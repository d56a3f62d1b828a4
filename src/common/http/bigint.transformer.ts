import type { ValueTransformer } from 'typeorm';

/** bigint columns arrive from pg as strings; ids here stay within 2^53 and travel as JSON numbers. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};
