import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';
import { EDGE_DATA } from './0007-covering-lineage-indexes.ts';

/**
 * `lineage_edge_unit` holds only the edges about a unit (`unit <> ''`). Over half of all edges are between units and
 * carry no unit (53 % of the scaled demo's), and each took a full covering entry of the index — URIs of 40–50 bytes and
 * the edge's data — that no lookup could ever want: a walk looks up real units. On PostgreSQL the index fell from 238 to
 * ~110 MB per 200,000 demo events, and every capture writes half as many of its entries. The lookups by unit state the
 * index's condition as written, which both stores need before they use a partial index.
 */
export function partialUnitIndexMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('lineage_edge_unit').ifExists().execute();
      if (dialect === 'postgres') {
        await sql`CREATE INDEX lineage_edge_unit ON lineage_edge (unit) INCLUDE (from_node, kind, to_node, event_id, ${sql.raw(EDGE_DATA.join(', '))}) WHERE unit <> ''`.execute(db);
      } else {
        await sql`CREATE INDEX lineage_edge_unit ON lineage_edge (unit, ${sql.raw(EDGE_DATA.join(', '))}) WHERE unit <> ''`.execute(db);
      }
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('lineage_edge_unit').execute();
      if (dialect === 'postgres') {
        await sql`CREATE INDEX lineage_edge_unit ON lineage_edge (unit) INCLUDE (from_node, kind, to_node, event_id, ${sql.raw(EDGE_DATA.join(', '))})`.execute(db);
      } else {
        await db.schema.createIndex('lineage_edge_unit').on('lineage_edge').columns(['unit', ...EDGE_DATA]).execute();
      }
    },
  };
}
