import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/** The columns of `lineage_edge` that name nodes and kinds: identifiers, compared for equality and by prefix. */
const NODE_COLUMNS = ['from_node', 'kind', 'to_node', 'unit'];

/**
 * PostgreSQL: the node columns of `lineage_edge` compare in byte order (`COLLATE "C"`), as SQLite's BINARY already
 * does. They hold URIs and codes, whose order is nobody's alphabet. Under a database collation such as en_US.UTF-8 or
 * C.UTF-8 (not treated as "C" before PostgreSQL 17), every comparison in an index descent went through strcoll: a
 * recall's 100,000 lookups into each of the three lineage indexes took 150–240 ms with byte order against 190–370 ms
 * (EXPLAIN ANALYZE, 1M demo events). Both stores now also order edges alike.
 * The indexes on these columns are rebuilt (~30 s for 4.5M edges); the table is not rewritten. Changing a column's
 * type drops its statistics, and autovacuum would not gather them again (no row changed): without them PostgreSQL
 * took `unit = ''` (half the edges) for a rare value and filtered a walk's 100,000-node set along it, for minutes.
 * So the table is analysed in the same step (~1 s). SQLite: nothing to do.
 * A statement that joins these columns to text of another collation must say which (a recursive walk seeded by a
 * parameter: `$1 COLLATE "C"`).
 */
export function byteOrderNodesMigration(dialect: StoreDialect): Migration {
  const alterAndAnalyse = async (collation: string, db: Kysely<any>) => {
    await sql.raw(`ALTER TABLE lineage_edge ${NODE_COLUMNS.map((c) => `ALTER COLUMN ${c} TYPE text COLLATE ${collation}`).join(', ')}`).execute(db);
    await sql`ANALYZE lineage_edge`.execute(db);
  };
  return {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') await alterAndAnalyse('"C"', db);
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') await alterAndAnalyse('pg_catalog."default"', db);
    },
  };
}
