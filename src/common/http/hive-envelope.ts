import { HIVE_SUCCESS_MESSAGE } from '../errors/error-tables.js';

/** Hive's success envelope `{code: 0, message: "Success.", data}`. */
export interface HiveEnvelope<T> {
  code: 0;
  message: string;
  data: T;
}

export function hiveOk<T>(data: T): HiveEnvelope<T>;
export function hiveOk(): HiveEnvelope<null>;
export function hiveOk<T>(data?: T): HiveEnvelope<T | null> {
  return { code: 0, message: HIVE_SUCCESS_MESSAGE, data: data === undefined ? null : data };
}

/** Hive time fields: ISO-8601 UTC with milliseconds, plus epoch milliseconds. */
export function hiveTime(date: Date): string {
  return date.toISOString();
}
