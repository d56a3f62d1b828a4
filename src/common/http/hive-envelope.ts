import { HIVE_SUCCESS_MESSAGE } from '../errors/error-tables.js';

/** Hive's success envelope `{code: 0, message: "Success.", data}`. */
export interface HiveEnvelope<T> {
  code: 0;
  message: string;
  data: T;
}

/** A success with nothing to return: no `data` key at all, as Hive's own samples show. */
export interface HiveEmptyEnvelope {
  code: 0;
  message: string;
}

export function hiveOk<T>(data: T): HiveEnvelope<T>;
export function hiveOk(): HiveEmptyEnvelope;
export function hiveOk<T>(data?: T): HiveEnvelope<T> | HiveEmptyEnvelope {
  return data === undefined ? { code: 0, message: HIVE_SUCCESS_MESSAGE } : { code: 0, message: HIVE_SUCCESS_MESSAGE, data };
}

/** Hive time fields: ISO-8601 UTC with milliseconds, plus epoch milliseconds. */
export function hiveTime(date: Date): string {
  return date.toISOString();
}
