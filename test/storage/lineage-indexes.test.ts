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
        assert.match(plan(`unit IN (SELECT value FROM json_each(?)) AND unit <> ''`), /USING COVERING INDEX lineage_edge_unit/);
        // Partial (migration 0012): the edges between units, which carry no unit, are not in it.
        assert.match(String((t.deps.store.sqlite!.prepare("SELECT sql FROM sqlite_master WHERE name = 'lineage_edge_unit'").get() as { sql: string }).sql), /WHERE unit <> ''$/);
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
        assert.match(def('lineage_edge_unit'), /\(unit\) INCLUDE .* WHERE \(unit <> ''::text\)$/);
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
      // 0008 to 0012) left when killed while 0007 built its second index: the first rebuilt, the second gone, 0007
      // not recorded.
      const db = t.deps.store.db;
      await sql`DROP INDEX lineage_edge_unit`.execute(db);
      await sql`DROP INDEX lineage_edge_event`.execute(db);
      await sql`DROP TABLE event_viewer`.execute(db);
      await sql`DROP INDEX event_scope_time`.execute(db);
      await sql`CREATE INDEX event_category_region ON event (category, region, id)`.execute(db);
      await sql`DELETE FROM kysely_migration WHERE name IN ('0007-covering-lineage-indexes', '0008-event-viewer', '0009-event-scope-time', '0010-byte-order-nodes', '0011-lineage-edge-event', '0012-partial-unit-index')`.execute(db);
      const again = await openDatabase({ dataDir: t.target.dataDir, databaseUrl: t.target.databaseUrl });
      try {
        const names = dialect === 'sqlite'
          ? (again.sqlite!.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lineage_edge'`).all() as Array<{ name: string }>).map((r) => r.name)
          : (await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename = 'lineage_edge'`.execute(again.db)).rows.map((r) => r.indexname);
        assert.ok(names.includes('lineage_edge_unit') && names.includes('lineage_edge_to') && names.includes('lineage_edge_event'), names.join(', '));
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

// Migration 0010: lineage_edge's node columns compare byte by byte on PostgreSQL, as on SQLite (BINARY), whatever the
// database's collation — index descents with strcoll made a recall's 100,000 lookups half as fast again.
for (const dialect of testDialects().filter((d) => d === 'postgres')) {
  test(`lineage_edge's node columns collate in byte order on ${dialect}, and a walk seeded by a parameter says so`, async () => {
    const t = await createTestApp(dialect);
    try {
      const db = t.deps.store.db;
      const { rows } = await sql<{ attname: string; collname: string }>`
        SELECT a.attname, c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
        WHERE a.attrelid = 'lineage_edge'::regclass AND a.attname IN ('from_node', 'kind', 'to_node', 'unit') ORDER BY a.attname`.execute(db);
      assert.deepEqual(rows.map((r) => `${r.attname}:${r.collname}`), ['from_node:C', 'kind:C', 'to_node:C', 'unit:C']);
      await sql`INSERT INTO lineage_edge (from_node, kind, to_node, unit, event_id, event_time, party_id) VALUES
        ('urn:x:a', 'packed', 'urn:x:B', '', 'e1', 1, 'p'), ('urn:x:B', 'packed', 'urn:x:_', '', 'e2', 2, 'p')`.execute(db);
      const walk = await sql<{ node: string }>`WITH RECURSIVE walk(node) AS (
          SELECT ${'urn:x:a'}::text COLLATE "C" UNION SELECT e.to_node FROM lineage_edge e JOIN walk w ON e.from_node = w.node
        ) SELECT node FROM walk ORDER BY node`.execute(db);
      // Byte order: 'B' (0x42) < '_' (0x5F) < 'a' (0x61).
      assert.deepEqual(walk.rows.map((r) => r.node), ['urn:x:B', 'urn:x:_', 'urn:x:a']);
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects().filter((d) => d === 'postgres')) {
  test(`migration 0010 leaves lineage_edge's node columns with statistics on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const db = t.deps.store.db;
      await sql`INSERT INTO lineage_edge (from_node, kind, to_node, unit, event_id, event_time, party_id)
        SELECT 'urn:x:' || i, 'packed', 'urn:x:case' || (i / 10), '', 'e' || i, i, 'p' FROM generate_series(1, 200) i`.execute(db);
      // A store that had the edges before 0010: the migration runs on it again. Changing a column's type drops its
      // statistics, and without them PostgreSQL planned a walk's large set along `unit = ''` (half the edges).
      // (0011 and 0012 after it are run again too: migrations are recorded in order.)
      await sql`DELETE FROM kysely_migration WHERE name IN ('0010-byte-order-nodes', '0011-lineage-edge-event', '0012-partial-unit-index')`.execute(db);
      const again = await openDatabase({ dataDir: t.target.dataDir, databaseUrl: t.target.databaseUrl });
      try {
        const { rows } = await sql<{ attname: string }>`SELECT attname FROM pg_stats WHERE tablename = 'lineage_edge' AND attname IN ('from_node', 'kind', 'to_node', 'unit') ORDER BY attname`.execute(again.db);
        assert.deepEqual(rows.map((r) => r.attname), ['from_node', 'kind', 'to_node', 'unit']);
      } finally {
        await again.close();
      }
    } finally {
      await t.close();
    }
  });
}

// Migration 0011: the anomaly scan finds a range of leaves' edges about units by lineage_edge_event, one lookup per
// leaf. Before it, each scan step read every edge about a unit in the store (3.5 s at 1M events, after every capture).
for (const dialect of testDialects()) {
  test(`the anomaly scan reads a range of leaves' edges by lineage_edge_event, not the whole lineage, on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const db = t.deps.store.db;
      // The scan's own statement, as its repository builds it.
      const compiled = (t.deps.anomalies as unknown as { store: { db: typeof db } }).store.db
        .selectFrom('ledger_leaf as f').innerJoin('lineage_edge as l', 'l.event_id', 'f.event_id').select('l.unit').distinct()
        .where('f.idx', '>=', 0).where('f.idx', '<', 2000).where('l.kind', 'in', ['shipped', 'received']).where(sql<boolean>`l.unit <> ''`)
        .compile();
      let plan: string;
      if (dialect === 'sqlite') {
        plan = (t.deps.store.sqlite!.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...compiled.parameters) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      } else {
        // Planned as for a store in service: 40,000 edges, half about units, and 20,000 leaves, analysed (on empty
        // tables PostgreSQL plans from guesses).
        await sql`INSERT INTO ledger_leaf (idx, event_id, hash_id) SELECT i, 'e' || i, 'h' || i FROM generate_series(1000000, 1019999) i`.execute(db);
        await sql`INSERT INTO lineage_edge (from_node, kind, to_node, unit, event_id, event_time, party_id)
          SELECT 'urn:x:p' || (i % 50), 'shipped', 'urn:x:p' || (i % 50 + 1), 'urn:x:u' || i, 'e' || (1000000 + i), i, 'p' FROM generate_series(0, 19999) i
          UNION ALL SELECT 'urn:x:u' || i, 'packed', 'urn:x:c' || (i / 20), '', 'e' || (1000000 + i), i, 'p' FROM generate_series(0, 19999) i`.execute(db);
        await sql`ANALYZE ledger_leaf`.execute(db);
        await sql`ANALYZE lineage_edge`.execute(db);
        const { rows } = await t.deps.store.pool!.query({ text: `EXPLAIN ${compiled.sql}`, values: [...compiled.parameters] });
        plan = rows.map((r: Record<string, string>) => Object.values(r)[0]).join(' | ');
      }
      assert.match(plan, /lineage_edge_event/, plan);
      assert.doesNotMatch(plan, /lineage_edge_unit/, plan);
    } finally {
      await t.close();
    }
  });
}
