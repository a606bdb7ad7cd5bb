import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from './open-database.ts';

/**
 * SQLite has one write connection, shared by every request. A capture, and each Kysely transaction, keeps its
 * transaction open across awaits, and other requests run in between. On that connection their raw reads would see the
 * open transaction's uncommitted rows (a scan page showing events of a capture that is then rejected, a party kept in
 * memory that was never committed), and their raw writes would join it and vanish with its rollback. So while a
 * transaction is open there, raw reads go to a read-only connection that sees only what is committed, and the raw
 * writes other requests make, scans and audit rows, wait until the transaction ends (waiting-writes.ts). The
 * transaction's own statements are prepared on the write connection itself, and none of its flows needs to read back
 * what it has not committed (a capture keeps what it learns of its own events in memory). Kysely's own SELECTs follow
 * the same rule (sqlite-driver.ts); its writes wait for the write turn.
 */
export function readConnection(store: Store): BetterSqlite3.Database {
  const sqlite = store.sqlite!;
  return sqlite.inTransaction ? store.committedView!() : sqlite;
}
