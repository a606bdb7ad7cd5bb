import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../open-database.ts';

/**
 * The lineage graph kept at capture time (issue 3 §1) and the integrity ledger (issue 3 §5): an append-only RFC 9162
 * Merkle tree over event hash IDs, with every completed subtree hash kept so that any proof is answered without
 * re-reading old leaves.
 */
export function lineageAndLedgerMigration(dialect: StoreDialect): Migration {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  const real = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('lineage_edge')
        .addColumn('from_node', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('to_node', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_time', 'bigint', (c) => c.notNull())
        .addColumn('party_id', 'text', (c) => c.notNull())
        .addColumn('quantity', sql.raw(real))
        .addColumn('uom', 'text')
        .addPrimaryKeyConstraint('lineage_edge_pk', ['from_node', 'kind', 'to_node', 'unit', 'event_id'])
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      await db.schema.createIndex('lineage_edge_to').on('lineage_edge').columns(['to_node', 'kind', 'from_node']).execute();
      await db.schema.createIndex('lineage_edge_unit').on('lineage_edge').columns(['unit']).execute();

      // Leaf i of the tree: the event (row id) and its hash ID, the leaf's bytes.
      await db.schema
        .createTable('ledger_leaf')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('hash_id', 'text', (c) => c.notNull())
        .execute();
      // Completed perfect subtrees: level 0 are leaf hashes, level k covers leaves [idx·2^k, (idx+1)·2^k).
      await db.schema
        .createTable('ledger_node')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('hash', sql.raw(bytes), (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_node_pk', ['level', 'idx'])
        .execute();
      // One row: the tree's size and frontier, updated in each capture's transaction (the ledger's lock on PostgreSQL).
      await db.schema
        .createTable('ledger_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('tree_size', 'bigint', (c) => c.notNull())
        .addColumn('frontier', 'text', (c) => c.notNull())
        .execute();
      await db.insertInto('ledger_state').values({ id: 1, tree_size: 0, frontier: '{"size":0,"hashes":[]}' }).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['ledger_state', 'ledger_node', 'ledger_leaf', 'lineage_edge']) await db.schema.dropTable(t).ifExists().execute();
    },
  };
}
