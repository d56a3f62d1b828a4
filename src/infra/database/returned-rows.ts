/**
 * Rows of a statement's result. TypeORM's postgres driver answers a top-level UPDATE/DELETE ...
 * RETURNING with `[rows, rowCount]` and every other statement with the rows alone.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
