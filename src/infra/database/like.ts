/**
 * A LIKE/ILIKE pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally
 * (backslash is PostgreSQL's default escape character; say `ESCAPE '\'` beside the pattern anyway).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
