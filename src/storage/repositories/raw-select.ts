import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../open-database.ts';
import type { SqliteReader } from '../sqlite-reader.ts';
import { readConnection } from '../committed-reads.ts';

/** The reference tables read by a unique key, and those keys. */
export type KeyedTable = 'party' | 'product' | 'site';
export type KeyColumn = 'id' | 'class_uri' | 'uri';

/**
 * Rows whose `column` is one of `values`, keyed by it, for FoundRows: one statement text per table and column, prepared
 * once, the set as one parameter. On SQLite it reads through the raw handle, so lookups that run while a capture
 * transaction holds Kysely's only connection (products, sites) can make it.
 */
export async function readByKey<T>(store: Store, table: KeyedTable, column: KeyColumn, values: readonly string[]): Promise<Array<[string, T]>> {
  const rows = await preparedObjects<Record<string, unknown>>(store, `SELECT * FROM ${table} WHERE ${inSet(store, column)}`, [setParameter(store, values)]);
  return rows.map((r) => [String(r[column]), r as T]);
}

type StatementForm = 'raw' | 'pluck' | 'objects';
const rawStatements = new WeakMap<BetterSqlite3.Database, Record<StatementForm, Map<string, BetterSqlite3.Statement>>>();

/**
 * A statement on the raw SQLite handle, prepared once per connection, text and form, returning rows as arrays (`raw`),
 * each row's first value (`pluck`) or objects: the hot reads (a walk's edges, a recall's movements, a scan page's
 * notices) that skip Kysely's query building, and for arrays an object per row.
 */
export function rawStatement(sqlite: BetterSqlite3.Database, text: string, form: StatementForm = 'raw'): BetterSqlite3.Statement {
  let byForm = rawStatements.get(sqlite);
  if (!byForm) rawStatements.set(sqlite, (byForm = { raw: new Map(), pluck: new Map(), objects: new Map() }));
  const byText = byForm[form];
  let stmt = byText.get(text);
  if (!stmt) {
    stmt = sqlite.prepare(text);
    byText.set(text, form === 'raw' ? stmt.raw(true) : form === 'pluck' ? stmt.pluck(true) : stmt);
  }
  return stmt;
}

/**
 * The first column of each row, from a statement prepared once per connection and text ({@link preparedRows} for one
 * value a row). On SQLite the values come straight from the statement (`pluck`): making an array for each of 100,000
 * rows cost twice as much as reading them.
 */
export async function preparedValues(store: Store, text: string, values: readonly unknown[]): Promise<unknown[]> {
  if (!store.sqlite) return (await preparedRows(store, text, values)).map((r) => r[0]);
  return rawStatement(readConnection(store), text, 'pluck').all(...values);
}

const statementNames = new Map<string, string>();

/**
 * Rows as arrays from a statement prepared once per connection, on either store: SQLite through
 * {@link rawStatement}; PostgreSQL as a named statement, which skips parsing and, once PostgreSQL settles on its
 * generic plan (after five runs), planning — a third of a small lookup's time there. For the hot reads of walks and
 * pages, whose texts are fixed: the set goes in as one parameter (see oneOf), so the plan does not depend on it.
 * The text is the dialect's own (`?` and json_each on SQLite, `$n` and arrays on PostgreSQL).
 */
export async function preparedRows(store: Store, text: string, values: readonly unknown[]): Promise<unknown[][]> {
  if (store.sqlite) return rawStatement(readConnection(store), text).all(...values) as unknown[][];
  const result = await store.pool!.query<unknown[]>({ name: statementName(text), text, values: [...values], rowMode: 'array' });
  return result.rows;
}

/**
 * {@link preparedRows} for a large read that can run on another core while the caller goes on: on SQLite it goes to the
 * store's worker connection ({@link SqliteReader}), which sees what is committed, as every raw read does
 * (committed-reads.ts). On PostgreSQL it is preparedRows: the pool already gives it a connection of its own.
 */
export async function offloadedRows(store: Store, text: string, values: readonly unknown[]): Promise<unknown[][]> {
  return store.sqliteReader?.rows(text, values) ?? preparedRows(store, text, values);
}

/** {@link offloadedRows} giving each row's first value, as {@link preparedValues} does. */
export async function offloadedValues(store: Store, text: string, values: readonly unknown[]): Promise<unknown[]> {
  return store.sqliteReader?.values(text, values) ?? preparedValues(store, text, values);
}

/** {@link preparedRows} with rows as objects keyed by column name, as Kysely's `selectAll` gives them. */
export async function preparedObjects<T>(store: Store, text: string, values: readonly unknown[]): Promise<T[]> {
  if (store.sqlite) return rawStatement(readConnection(store), text, 'objects').all(...values) as T[];
  return (await store.pool!.query({ name: statementName(text), text, values: [...values] })).rows as T[];
}

/** A PostgreSQL prepared statement's name: one per text, for the pool's connections to prepare on first use. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
}

/**
 * `column IN (the set)` in a dialect's own text for {@link preparedRows}: on PostgreSQL the set is parameter `$n`; on
 * SQLite the next `?`, so there each parameter appears once, in order.
 */
export function inSet(store: Store, column: string, n = 1): string {
  return store.sqlite ? `${column} IN (SELECT value FROM json_each(?))` : `${column} = ANY((SELECT $${n}::text[])::text[])`;
}

/** Fixed words (edge kinds) as SQL string literals for a statement's text, e.g. `'packed', 'unpacked'`. */
export function sqlLiterals(words: readonly string[]): string {
  return words.map((w) => `'${w.replace(/'/g, "''")}'`).join(', ');
}

/** The set as {@link inSet} takes it: JSON text on SQLite, an array on PostgreSQL. */
export function setParameter(store: Store, values: readonly string[]): unknown {
  return store.sqlite ? JSON.stringify(values) : values;
}

/**
 * A large set (a walk's frontier of 100,000 units) for {@link preparedRows}: `in(column)` is the condition, `parameter`
 * its one parameter. The same as {@link inSet} and {@link setParameter}, but on PostgreSQL, when no value is empty or
 * holds a newline, the set goes as one newline-joined text split by `string_to_array` (`asText`): 100,000 URIs took
 * 24 ms to send and unpack that way, against 66–85 ms as an array, whose every element node-pg quotes and PostgreSQL
 * parses. A statement may then also send values of the set back newline-joined.
 */
export function largeSet(store: Store, values: readonly string[], n = 1): { in: (column: string) => string; parameter: unknown; asText: boolean } {
  if (store.sqlite || values.some((v) => v === '' || v.includes('\n'))) return { in: (column) => inSet(store, column, n), parameter: setParameter(store, values), asText: false };
  return { in: (column) => `${column} = ANY((SELECT string_to_array($${n}, E'\\n'))::text[])`, parameter: values.join('\n'), asText: true };
}
