import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { openDatabase, storeMigrations, type Store } from '../../src/storage/open-database.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../support/stores.ts';

const KILLER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/kill-during-migration.ts');

async function tableNames(store: Store): Promise<string[]> {
  const rows = store.dialect === 'sqlite'
    ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(store.db)
    : await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`.execute(store.db);
  return rows.rows.map((r) => r.name);
}

/** The store opened again with the platform's migrations: all recorded, and the tables they make usable. */
async function assertMigratesCleanly(target: TestStoreTarget): Promise<string[]> {
  const store = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    const recorded = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(store.db);
    assert.deepEqual(recorded.rows.map((r) => r.name), Object.keys(storeMigrations(store.dialect)).sort());
    assert.deepEqual(await store.db.selectFrom('party').select('id').execute(), []);
    return await tableNames(store);
  } finally {
    await store.close();
  }
}

for (const dialect of testDialects()) {
  test(`a start killed in the middle of its migrations leaves nothing half applied on ${dialect}`, async () => {
    const target = await createTestStore(dialect);
    try {
      const child = spawnSync(process.execPath, ['--import', 'tsx', KILLER, target.dataDir, ...(target.databaseUrl ? [target.databaseUrl] : [])], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(child.signal, 'SIGKILL', `the child was killed mid-migration (status ${child.status}, stderr: ${child.stderr})`);
      // Before transactional migrations on SQLite, this start failed: the first migration's tables were there but it
      // was not recorded, so it ran again ("table party already exists").
      const tables = await assertMigratesCleanly(target);
      assert.ok(tables.includes('event') && tables.includes('lineage_edge'), tables.join(', '));
    } finally {
      await target.cleanup();
    }
  });

  test(`a migration that fails rolls back every migration of that start on ${dialect}`, async () => {
    const target = await createTestStore(dialect);
    try {
      const migrations = {
        ...storeMigrations(dialect),
        '9999-fails-half-way': {
          async up(db: Kysely<any>) {
            await db.schema.createTable('half_made').addColumn('id', 'text').execute();
            throw new Error('disk full');
          },
        },
      };
      await assert.rejects(openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, migrations }), /migration 9999-fails-half-way failed: disk full/);
      const tables = await assertMigratesCleanly(target);
      assert.ok(!tables.includes('half_made'), `the failed migration's table is gone: ${tables.join(', ')}`);
    } finally {
      await target.cleanup();
    }
  });
}
