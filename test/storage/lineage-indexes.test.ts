import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDialects } from '../support/stores.ts';
import { openDatabase } from '../../src/storage/open-database.ts';
import { createTestApp } from '../support/test-app.ts';

const EDGE_COLUMNS = 'from_node, to_node, kind, unit, event_id, event_time, party_id, quantity, uom';

// A walk's lookups by to_node and by unit must not cost a table read per edge (migration 0007): on a store larger than
// memory each such read is a random read from disk.
for (const dialect of testDialects()) {
  test(`the walk's lookups by to_node and by unit are answered from the index alone on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      if (dialect === 'sqlite') {
        const plan = (where: string) =>
          (t.deps.store.sqlite!.prepare(`EXPLAIN QUERY PLAN SELECT ${EDGE_COLUMNS} FROM lineage_edge WHERE ${where}`).all('["x","y"]') as Array<{ detail: string }>)
            .map((r) => r.detail).join(' | ');
        assert.match(plan(`unit IN (SELECT value FROM json_each(?))`), /USING COVERING INDEX lineage_edge_unit/);
        assert.match(plan(`to_node IN (SELECT value FROM json_each(?)) AND kind < 'transformed_into'`), /USING COVERING INDEX lineage_edge_to/);
        assert.match(plan(`to_node IN (SELECT value FROM json_each(?))`), /USING COVERING INDEX lineage_edge_to/);
      } else {
        const { rows } = await sql<{ indexname: string; indexdef: string }>`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'lineage_edge'`.execute(t.deps.store.db);
        const def = (name: string) => rows.find((r) => r.indexname === name)?.indexdef ?? '';
        // Every edge column is in the index, as a key or an INCLUDE column.
        for (const name of ['lineage_edge_to', 'lineage_edge_unit']) {
          for (const column of EDGE_COLUMNS.split(', ')) assert.match(def(name), new RegExp(`\\b${column}\\b`), `${name} holds ${column}: ${def(name)}`);
        }
        assert.match(def('lineage_edge_to'), /\(to_node, kind, from_node\) INCLUDE/);
        assert.match(def('lineage_edge_unit'), /\(unit\) INCLUDE/);
      }
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects()) {
  test(`migration 0007 runs again cleanly after a kill left it half done on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      // What a version that ran migrations statement by statement (before they ran in one transaction, and before
      // 0008 and 0009) left when killed while 0007 built its second index: the first rebuilt, the second gone, 0007
      // not recorded.
      const db = t.deps.store.db;
      await sql`DROP INDEX lineage_edge_unit`.execute(db);
      await sql`DROP TABLE event_viewer`.execute(db);
      await sql`DROP INDEX event_scope_time`.execute(db);
      await sql`CREATE INDEX event_category_region ON event (category, region, id)`.execute(db);
      await sql`DELETE FROM kysely_migration WHERE name IN ('0007-covering-lineage-indexes', '0008-event-viewer', '0009-event-scope-time')`.execute(db);
      const again = await openDatabase({ dataDir: t.target.dataDir, databaseUrl: t.target.databaseUrl });
      try {
        const names = dialect === 'sqlite'
          ? (again.sqlite!.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lineage_edge'`).all() as Array<{ name: string }>).map((r) => r.name)
          : (await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename = 'lineage_edge'`.execute(again.db)).rows.map((r) => r.indexname);
        assert.ok(names.includes('lineage_edge_unit') && names.includes('lineage_edge_to'), names.join(', '));
        const done = await sql<{ name: string }>`SELECT name FROM kysely_migration WHERE name = '0007-covering-lineage-indexes'`.execute(again.db);
        assert.equal(done.rows.length, 1);
      } finally {
        await again.close();
      }
    } finally {
      await t.close();
    }
  });
}
