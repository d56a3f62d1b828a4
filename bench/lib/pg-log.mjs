// Counting the SQL statements PostgreSQL ran for one database, from the server's own log:
// `ALTER DATABASE x SET log_statement = 'all'` (new sessions only) makes it log every statement
// (simple protocol "statement:", extended protocol "execute"), transaction control included.
// What is counted is what the server executed, whatever the client batched or pooled, and it does
// not depend on the machine's load. Needs read access to the log (BENCH_PG_LOG, default the
// Debian location); without it the counts are null.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { withClient } from './db.mjs';

export const PG_LOG = process.env.BENCH_PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';

export function pgLogReadable() {
  try {
    accessSync(PG_LOG, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Logs every statement of new sessions of `database` (before its clients connect). */
export async function logStatements(adminUrl, database, on = true) {
  await withClient(adminUrl, (c) =>
    c.query(on ? `ALTER DATABASE ${database} SET log_statement = 'all'` : `ALTER DATABASE ${database} RESET log_statement`),
  );
}

/** Where the log ends now: statements logged after this mark are read by `statementsSince`. */
export function logMark() {
  return statSync(PG_LOG).size;
}

/**
 * The statements of `database` logged since `mark`: [{ at (epoch ms), sql (one line) }]. A
 * multi-line statement continues on lines that start with a tab.
 */
export function statementsSince(mark, database) {
  const text = readFileSync(PG_LOG).subarray(mark).toString();
  const out = [];
  let current = null;
  const push = () => {
    if (current) out.push(current);
    current = null;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('\t')) {
      if (current) current.sql += ` ${line.trim()}`;
      continue;
    }
    push();
    if (!line.includes(`@${database} `)) continue;
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC .*?LOG: {2}(?:statement|execute [^:]*): (.*)$/.exec(line);
    if (m) current = { at: Date.parse(`${m[1].replace(' ', 'T')}Z`), sql: m[2] };
  }
  push();
  return out;
}

/** A statement's kind: its text with literals and whitespace collapsed, cut at `chars`. */
export function statementKind(sql, chars = 90) {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'?'")
    .replace(/\b\d+\b/g, 'N')
    .trim()
    .slice(0, chars);
}

/** Counts by kind, most frequent first: [[kind, count], ...]. */
export function countByKind(statements, top = 12) {
  const counts = new Map();
  for (const { sql } of statements) {
    const kind = statementKind(sql);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, top);
}
