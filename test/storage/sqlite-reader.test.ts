import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTITY_EDGE_KINDS } from '../../src/domain/trace/quantity-ledger.ts';
import { OFFLOADED_MOVEMENT_READ } from '../../src/storage/repositories/holding.repository.ts';
import { offloadedRows, preparedRows } from '../../src/storage/repositories/raw-select.ts';
import { createTestApp, demoApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';

for (const dialect of testDialects()) {
  test(`a large movement read gives the same rows as a small one on ${dialect}${dialect === 'sqlite' ? ', from the worker connection' : ''}`, async () => {
    const { t } = await demoApp(dialect);
    try {
      const store = t.deps.store;
      const about = await store.db.selectFrom('lineage_edge').select('unit').distinct().where('unit', '!=', '').execute();
      const containers = await store.db.selectFrom('lineage_edge').select('to_node').distinct().where('kind', 'in', ['packed', 'unpacked']).execute();
      const units = [...new Set([...about.map((r) => r.unit), ...containers.map((r) => r.to_node)])].sort();
      assert.ok(units.length < OFFLOADED_MOVEMENT_READ, 'the demo units alone are read on the main connection');
      const small = await t.deps.holdings.listLeanMovementsOfUnits(units, QUANTITY_EDGE_KINDS);
      assert.ok(small.rows.length > 30, `${small.rows.length} movements`);

      // The same units among enough codes with no edges to make the read large; each demo unit keeps its order.
      const padding = Array.from({ length: OFFLOADED_MOVEMENT_READ }, (_, i) => `https://id.gs1.org/01/06970000000013/21/NONE${i}`);
      const servedBefore = store.sqliteReader?.served ?? 0;
      const large = await t.deps.holdings.listLeanMovementsOfUnits([...units, ...padding], QUANTITY_EDGE_KINDS);
      assert.deepEqual(large.rows, small.rows);
      assert.deepEqual([...large.regionOf].sort(), [...small.regionOf].sort());
      // Its three statements (movements about the units, packings into them, their events' regions) went to the worker
      // on SQLite.
      if (dialect === 'sqlite') assert.equal(store.sqliteReader!.served - servedBefore, 3);
    } finally {
      await t.close();
    }
  });
}

test('while a transaction is open on the main connection, raw reads see only what is committed (SQLite)', async () => {
  const t = await createTestApp('sqlite');
  try {
    const store = t.deps.store;
    const sqlite = store.sqlite!;
    const reader = store.sqliteReader!;
    const text = 'SELECT value FROM setting WHERE key = ?';

    sqlite.prepare('BEGIN').run();
    sqlite.prepare('INSERT INTO setting (key, value) VALUES (?, ?)').run('reader-test', 'uncommitted');
    // What a capture's own statements see, on the write connection itself.
    assert.deepEqual(sqlite.prepare(text).raw().all('reader-test'), [['uncommitted']]);
    // Any raw read meanwhile (another request's, between the capture's awaits): the worker, or the read-only
    // connection on this thread, from what is committed.
    assert.deepEqual(await offloadedRows(store, text, ['reader-test']), []);
    assert.equal(reader.served, 1);
    assert.deepEqual(await preparedRows(store, text, ['reader-test']), []);
    sqlite.prepare('COMMIT').run();

    // Committed: everyone sees it, the read-only connection included.
    assert.deepEqual(await offloadedRows(store, text, ['reader-test']), [['uncommitted']]);
    assert.equal(reader.served, 2);
    assert.deepEqual(await preparedRows(store, text, ['reader-test']), [['uncommitted']]);
    sqlite.prepare('BEGIN').run();
    assert.deepEqual(await preparedRows(store, text, ['reader-test']), [['uncommitted']]);
    sqlite.prepare('ROLLBACK').run();
  } finally {
    await t.close();
  }
});

test("Kysely's reads follow the same rule: during another's transaction they answer at once from what is committed; its writes wait their turn (SQLite)", async () => {
  const t = await createTestApp('sqlite');
  try {
    const db = t.deps.store.db;
    const valueOf = (q: typeof db) => q.selectFrom('setting').select('value').where('key', '=', 'driver-test').execute();
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    let seenInside: unknown;
    let inserted!: () => void;
    const insertedYet = new Promise<void>((r) => (inserted = r));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('setting').values({ key: 'driver-test', value: 'uncommitted' }).execute();
      seenInside = await valueOf(trx as unknown as typeof db);
      inserted();
      await paused;
    });
    await insertedYet;
    assert.deepEqual(seenInside, [{ value: 'uncommitted' }], 'the transaction reads its own write');
    assert.deepEqual(await valueOf(db), [], 'a read outside it answers now, without the uncommitted row');
    let written = false;
    const write = db.insertInto('setting').values({ key: 'driver-test-2', value: 'x' }).execute().then(() => (written = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(written, false, 'a write waits for the transaction');
    resume();
    await transaction;
    await write;
    assert.deepEqual(await valueOf(db), [{ value: 'uncommitted' }], 'committed, it is read');
    // A transaction that fails gives the turn back too.
    await assert.rejects(db.transaction().execute(async (trx) => {
      await trx.insertInto('setting').values({ key: 'driver-test-3', value: 'y' }).execute();
      throw new Error('changed my mind');
    }), /changed my mind/);
    assert.equal(t.deps.store.sqlite!.inTransaction, false);
    await db.insertInto('setting').values({ key: 'driver-test-4', value: 'z' }).execute();
    assert.deepEqual((await db.selectFrom('setting').select('key').where('key', 'like', 'driver-test%').orderBy('key').execute()).map((r) => r.key), ['driver-test', 'driver-test-2', 'driver-test-4']);
  } finally {
    await t.close();
  }
});

test('a statement the worker cannot run rejects with SQLite\'s message, and the worker goes on serving (SQLite)', async () => {
  const t = await createTestApp('sqlite');
  try {
    const reader = t.deps.store.sqliteReader!;
    await assert.rejects(reader.rows('SELECT x FROM no_such_table', []), /no such table: no_such_table/);
    // A read-only connection: a write is refused, not made.
    await assert.rejects(reader.rows("INSERT INTO setting (key, value) VALUES ('x', 'y') RETURNING key", []), /readonly/);
    assert.deepEqual(await reader.rows('SELECT count(*) FROM setting WHERE key = ?', ['x']), [[0]]);
  } finally {
    await t.close();
  }
  // Closed with the store: no worker is started again behind it.
  await assert.rejects(t.deps.store.sqliteReader!.rows('SELECT 1', []), /the store is closed/);
});

test('a large result comes from the worker whole and in order, in parts the main thread asks for one by one (SQLite)', async () => {
  const t = await createTestApp('sqlite');
  try {
    const reader = t.deps.store.sqliteReader!;
    const values = Array.from({ length: 12_001 }, (_, i) => `https://id.gs1.org/01/06970999100019/21/S${i}`);
    const rows = await reader.rows('SELECT key, value FROM json_each(?)', [JSON.stringify(values)]);
    assert.deepEqual(rows, values.map((v, i) => [i, v]));
    // 5,000 rows a message: three, each copied in its own turn of the event loop.
    assert.equal(reader.messages, 3);
    assert.deepEqual(await reader.values('SELECT value FROM json_each(?)', [JSON.stringify(values)]), values);
    assert.equal(reader.messages, 6);
    // A small result is one message; reads asked for at once each get their own rows.
    const [a, b] = await Promise.all([reader.values('SELECT value FROM json_each(?)', [JSON.stringify(values)]), reader.values('SELECT 1', [])]);
    assert.equal(a.length, 12_001);
    assert.deepEqual(b, [1]);
    assert.equal(reader.messages, 10);
  } finally {
    await t.close();
  }
});
