import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openDatabase } from '../../src/storage/open-database.ts';
import { createTestStore, postgresAdminUrl, testDialects } from '../support/stores.ts';

// PostgreSQL only: SQLite has no connections to lose. These are the faults a production store meets when the server
// restarts or an administrator ends sessions.
if (testDialects().includes('postgres')) {
  const databaseOf = (url: string) => new URL(url).pathname.slice(1);

  async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    try {
      return await admin.query(sql, params);
    } finally {
      await admin.end();
    }
  }

  test('a PostgreSQL store survives its idle connections being ended by the server, and says so', async () => {
    const target = await createTestStore('postgres');
    const lost: Error[] = [];
    const store = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, onConnectionLost: (err) => lost.push(err) });
    try {
      await Promise.all(Array.from({ length: 4 }, () => store.db.selectFrom('party').select('id').execute()));
      const opened = store.pool!.totalCount;
      assert.ok(opened >= 2, `several connections open (${opened})`);
      const ended = await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [databaseOf(target.databaseUrl!)]);
      assert.equal(ended.rowCount, opened);
      for (let waited = 0; lost.length < opened && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      assert.equal(lost.length, opened, 'each lost connection is reported once, not thrown');
      assert.match(lost[0]!.message, /terminating connection/);
      const after = await store.db.selectFrom('party').select('id').execute();
      assert.deepEqual(after, [], 'the next query opens a new connection');
    } finally {
      await store.close();
      await target.cleanup();
    }
  });

  test('close() returns only when every connection has closed, so the database can be dropped at once', async () => {
    for (let round = 0; round < 5; round++) {
      const target = await createTestStore('postgres');
      const lost: Error[] = [];
      const store = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, onConnectionLost: (err) => lost.push(err) });
      await Promise.all(Array.from({ length: 8 }, () => store.db.selectFrom('party').select('id').execute()));
      // Connected beforehand, so the drop follows close() with no delay for a late connection to hide in.
      const admin = new pg.Client({ connectionString: postgresAdminUrl() });
      await admin.connect();
      try {
        await store.close();
        assert.equal(store.pool!.totalCount, 0);
        await admin.query(`DROP DATABASE ${databaseOf(target.databaseUrl!)} WITH (FORCE)`);
      } finally {
        await admin.end();
        await target.cleanup();
      }
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(lost, [], `round ${round}: no connection was still open when the database was dropped`);
    }
  });
}
