// Worker entry for SqliteReader (sqlite-reader.ts): one read-only connection to the store's file, statements prepared
// once per text, rows as arrays. Plain JavaScript because Node 20 does not apply the parent's TypeScript loader to a
// worker's entry, and this needs nothing of the platform's code.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const db = new BetterSqlite3(workerData.file, { readonly: true, fileMustExist: true });
// Its own page cache, smaller than the main connection's 64 MB: it serves a few large reads, not every request.
db.pragma('cache_size = -16384');
db.pragma('busy_timeout = 5000');
// The main connection's LIKE semantics, so that a statement means the same on either connection.
db.pragma('case_sensitive_like = ON');

const statements = new Map();
parentPort.on('message', ({ id, text, values }) => {
  try {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text).raw(true)));
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
