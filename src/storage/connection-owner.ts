import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from './open-database.ts';

/**
 * SQLite has one write connection, shared by every request. A capture, and each Kysely transaction, keeps its
 * transaction open across awaits, and other requests run in between. On that connection their raw reads would see the
 * open transaction's uncommitted rows (a scan page showing events of a capture that is then rejected, a party kept in
 * memory that was never committed), and their raw writes would join it and vanish with its rollback. So a transaction
 * runs in an async flow of its own and is recorded as that flow's; a raw read from any other flow goes to a read-only
 * connection that sees only what is committed, and a raw write from another flow waits until the connection is free.
 * Kysely's own queries need none of this: Kysely queues them until the transaction's end.
 */
const flows = new AsyncLocalStorage<symbol>();
const owners = new WeakMap<BetterSqlite3.Database, symbol>();

/**
 * Runs `work`, which opens, uses and ends a transaction on the store, as that transaction's owner. On PostgreSQL it
 * just runs `work`: each transaction has a pooled connection of its own there.
 */
export async function asTransactionOwner<T>(store: Store, work: () => Promise<T>): Promise<T> {
  const sqlite = store.sqlite;
  if (!sqlite) return work();
  const token = Symbol('transaction');
  return flows.run(token, async () => {
    const outer = owners.get(sqlite);
    owners.set(sqlite, token);
    try {
      return await work();
    } finally {
      if (outer) owners.set(sqlite, outer);
      else owners.delete(sqlite);
    }
  });
}

/** Whether a transaction is open on the store's connection and this flow owns it (or it is a flow's own write). */
export function ownsOpenTransaction(sqlite: BetterSqlite3.Database): boolean {
  const token = flows.getStore();
  return sqlite.inTransaction && token !== undefined && owners.get(sqlite) === token;
}

/**
 * The connection a raw read should use: the write connection when it is free or when this flow's own transaction is
 * open on it (so the flow sees its own writes), else the committed view.
 */
export function readConnection(store: Store & { sqlite: BetterSqlite3.Database }): BetterSqlite3.Database {
  const { sqlite } = store;
  if (!sqlite.inTransaction || ownsOpenTransaction(sqlite)) return sqlite;
  return store.committedView!();
}

/**
 * Runs a raw write of its own (one synchronous better-sqlite3 transaction) on the write connection: at once when no
 * other flow's transaction is open there, else after it ends, queued behind it as Kysely queues its queries.
 */
export async function writeWhenFree<T>(store: Store & { sqlite: BetterSqlite3.Database }, write: () => T): Promise<T> {
  if (!store.sqlite.inTransaction || ownsOpenTransaction(store.sqlite)) return write();
  return store.db.connection().execute(async () => write());
}
