/** LIKE/ILIKE pattern text with its `%`, `_` and `\` taken literally (backslash is PostgreSQL's default escape character). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE/ILIKE pattern matching `text` anywhere (say `ESCAPE '\'` beside it anyway). */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
