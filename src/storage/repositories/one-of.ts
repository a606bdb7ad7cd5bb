import { sql, type Expression, type SqlBool } from 'kysely';
import type { Store } from '../open-database.ts';

/**
 * `column IN (values)` with the whole set as one bound parameter, however large: `= ANY($1)` on PostgreSQL (as Citus
 * runs it), `IN (SELECT value FROM json_each(?))` on SQLite. One statement per frontier step instead of a round trip per
 * 500 values, and one statement text — prepared once — whatever the number of values; SQLite and PostgreSQL both turn
 * it into index lookups.
 *
 * On PostgreSQL the array goes in through a scalar subquery, so the planner does not estimate it value by value: that
 * took 0.1–0.5 s for 100,000 values, and for a hub among a few values (a raw lot made into 100,000 serials is a most
 * common value of `from_node`) it guessed tens of thousands of rows and scanned the whole table to find a hundred. A
 * walk's lookup by an indexed column is an index lookup whatever the values.
 * @example `where(oneOf(store, 'unit', units))` → `unit = ANY((SELECT $1::text[])::text[])`
 */
export function oneOf(store: Store, column: string, values: readonly string[]): Expression<SqlBool> {
  const ref = sql.ref(column);
  if (store.dialect === 'sqlite') return sql<SqlBool>`${ref} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
  return sql<SqlBool>`${ref} = ANY((SELECT ${[...values]}::text[])::text[])`;
}
