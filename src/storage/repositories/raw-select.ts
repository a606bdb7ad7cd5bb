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
