import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/** Every column a walk reads of an edge that is not in the primary key (from_node, kind, to_node, unit, event_id). */
export const EDGE_DATA = ['event_time', 'party_id', 'quantity', 'uom'];

/**
 * The walks' lookups by `to_node` and by `unit` answered from the index alone. Before, each edge found through
 * lineage_edge_to or lineage_edge_unit cost one more lookup in the table for its time, party and quantity: on a store
 * larger than memory, one random read per edge (a trace reads tens of edges; a recall's movement read, 100,000). The
 * indexes already held the primary key's columns; they now hold the rest of the edge too.
 * SQLite: the data columns join the index key (its indexes on a WITHOUT ROWID table carry the primary key already);
 * PostgreSQL: `INCLUDE`, for index-only scans.
 */
export function coveringLineageIndexesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      // Versions before migrations ran in one transaction (see migrateToLatest) ran SQLite's statement by statement:
      // one killed while the second index was built left the first rebuilt and the second gone, and the migration
      // runs again on the next start. `IF EXISTS` lets it.
      await db.schema.dropIndex('lineage_edge_to').ifExists().execute();
      await db.schema.dropIndex('lineage_edge_unit').ifExists().execute();
      if (dialect === 'postgres') {
        await sql`CREATE INDEX lineage_edge_to ON lineage_edge (to_node, kind, from_node) INCLUDE (unit, event_id, ${sql.raw(EDGE_DATA.join(', '))})`.execute(db);
        await sql`CREATE INDEX lineage_edge_unit ON lineage_edge (unit) INCLUDE (from_node, kind, to_node, event_id, ${sql.raw(EDGE_DATA.join(', '))})`.execute(db);
      } else {
        await db.schema.createIndex('lineage_edge_to').on('lineage_edge').columns(['to_node', 'kind', 'from_node', ...EDGE_DATA]).execute();
        await db.schema.createIndex('lineage_edge_unit').on('lineage_edge').columns(['unit', ...EDGE_DATA]).execute();
      }
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('lineage_edge_to').execute();
      await db.schema.dropIndex('lineage_edge_unit').execute();
      await db.schema.createIndex('lineage_edge_to').on('lineage_edge').columns(['to_node', 'kind', 'from_node']).execute();
      await db.schema.createIndex('lineage_edge_unit').on('lineage_edge').columns(['unit']).execute();
    },
  };
}
