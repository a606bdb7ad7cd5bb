import type BetterSqlite3 from 'better-sqlite3';

const CHUNK = 500;

/**
 * `SELECT * FROM table WHERE column IN (…)` straight on the SQLite handle, in chunks under SQLite's variable limit.
 * Used by lookups that run while a capture transaction holds Kysely's only connection.
 */
export function rawSelectIn<T>(sqlite: BetterSqlite3.Database, table: 'product' | 'site', column: 'class_uri' | 'uri', values: readonly string[]): T[] {
  const rows: T[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const chunk = values.slice(i, i + CHUNK);
    const stmt = sqlite.prepare(`SELECT * FROM ${table} WHERE ${column} IN (${chunk.map(() => '?').join(', ')})`);
    rows.push(...(stmt.all(...chunk) as T[]));
  }
  return rows;
}

const rawStatements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * A statement on the raw SQLite handle, prepared once per connection and text, returning rows as arrays: the hot reads
 * (a walk's edges, a recall's movements) that skip Kysely's query building and an object per row.
 */
export function rawStatement(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let byText = rawStatements.get(sqlite);
  if (!byText) rawStatements.set(sqlite, (byText = new Map()));
  let stmt = byText.get(text);
  if (!stmt) byText.set(text, (stmt = sqlite.prepare(text).raw(true)));
  return stmt;
}
