/**
 * Checks every parsed JSON input (HTTP body and query, WebSocket packet body) before any validator
 * or database sees it:
 * - nesting deeper than MAX_JSON_DEPTH is refused (recursive validators would overflow the stack);
 * - a NUL character (U+0000) in any string or key is refused (PostgreSQL text and jsonb cannot
 *   hold it, so it would otherwise fail deep inside a query);
 * - the keys `__proto__`, `constructor` and `prototype` are dropped, so that no object can shadow
 *   its prototype when it is turned into a DTO instance.
 * The walk keeps its own stack, so no input can make it overflow either.
 */

/** Deepest nesting accepted; real bodies of both APIs stay under 5 levels. */
export const MAX_JSON_DEPTH = 32;

const isPrototypeKey = (key: string) => key === '__proto__' || key === 'constructor' || key === 'prototype';

/** Returns what is wrong with the input (a sentence naming the field), or null; strips prototype keys in place. */
export function inspectJson(value: unknown, what: string): string | null {
  // Hot path (every packet body): a walk that builds no paths; only a refused input is walked
  // again to name the field.
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return describe(value, what);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${what} is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`;
    if (Array.isArray(current)) {
      for (const item of current) {
        values.push(item);
        depths.push(depth + 1);
      }
      continue;
    }
    const record = current as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (isPrototypeKey(key)) {
        delete record[key];
        continue;
      }
      if (key.includes('\u0000')) return describe(value, what);
      values.push(record[key]);
      depths.push(depth + 1);
    }
  }
  return null;
}

/** The sentence for an input known to hold a NUL character: which field (or key) holds it. */
function describe(value: unknown, what: string): string {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return `${path || what} must not contain the NUL character (U+0000)`;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: `${path || what}[${index}]` }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) return `${path || what} must not have a key containing the NUL character (U+0000)`;
        stack.push({ value: item, path: path ? `${path}.${key}` : key });
      }
    }
  }
  return `${what} must not contain the NUL character (U+0000)`;
}
