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

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Returns what is wrong with the input (a sentence naming the field), or null; strips prototype keys in place. */
export function inspectJson(value: unknown, what: string): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return `${path || what} must not contain the NUL character (U+0000)`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${what} is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`;
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: `${path || what}[${index}]`, depth: depth + 1 }));
      continue;
    }
    const record = current as Record<string, unknown>;
    for (const key of PROTOTYPE_KEYS) if (Object.prototype.hasOwnProperty.call(record, key)) delete record[key];
    for (const key of Object.keys(record)) {
      const field = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return `${path || what} must not have a key containing the NUL character (U+0000)`;
      stack.push({ value: record[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}
