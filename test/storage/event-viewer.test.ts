import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/storage/database.ts';
import { openDatabase } from '../../src/storage/open-database.ts';
import { demoApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';

const viewerRows = (db: Kysely<Database>) =>
  db.selectFrom('event_viewer').select(['viewer', 'event_time', 'event_id']).orderBy('viewer').orderBy('event_time').orderBy('event_id').execute();

for (const dialect of testDialects()) {
  test(`migration 0008 fills event_viewer for a store's earlier events exactly as capture writes it on ${dialect}`, async () => {
    const { t } = await demoApp(dialect);
    try {
      const db = t.deps.store.db;
      const written = await viewerRows(db);
      const events = await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      // Every event has its capturing party at least; the demo's shipments and receipts name sources and destinations.
      assert.ok(written.length > Number(events.n) * 2, `${written.length} viewer rows for ${events.n} events`);
      assert.ok(written.some((r) => r.viewer.startsWith('pty_')) && written.some((r) => r.viewer.startsWith('https://id.gs1.org/417/')));
      // A store from before the migration: no table, neither it nor the later ones recorded (0009 runs again as a
      // no-op: it is written to be re-runnable).
      await sql`DROP TABLE event_viewer`.execute(db);
      await sql`DELETE FROM kysely_migration WHERE name >= '0008'`.execute(db);
      const again = await openDatabase({ dataDir: t.target.dataDir, databaseUrl: t.target.databaseUrl });
      try {
        assert.deepEqual(await viewerRows(again.db), written);
      } finally {
        await again.close();
      }
    } finally {
      await t.close();
    }
  });
}
