// Worker entry for SqliteReader (sqlite-reader.ts): one read-only connection to the store's file, statements prepared
// once per text and form, rows as arrays (or, `pluck`, each row's first value). Plain JavaScript because Node 20 does
// not apply the parent's TypeScript loader to a worker's entry, and this needs nothing of the platform's code.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const db = new BetterSqlite3(workerData.file, { readonly: true, fileMustExist: true });
// Its own page cache, smaller than the main connection's 64 MB: it serves a few large reads, not every request.
db.pragma('cache_size = -16384');
db.pragma('busy_timeout = 5000');
// The main connection's LIKE semantics, so that a statement means the same on either connection.
db.pragma('case_sensitive_like = ON');

const ROWS_PER_MESSAGE = 5_000;
const statements = new Map();
/** Results being sent in parts, by request id: the rows and how many have gone. */
const sending = new Map();

// A large result goes in parts of ROWS_PER_MESSAGE rows, each sent when the main thread asks for the next (`next`): it
// copies a message in one stretch, and 300,000 rows in one were ~0.3 s that no request could interrupt. Parts sent
// all at once would be copied one after another in one stretch as well.
function sendPart(id) {
  const result = sending.get(id);
  const rows = result.rows.slice(result.sent, result.sent + ROWS_PER_MESSAGE);
  result.sent += rows.length;
  const more = result.sent < result.rows.length;
  if (!more) sending.delete(id);
  parentPort.postMessage({ id, rows, more });
}

parentPort.on('message', ({ id, text, values, pluck, next }) => {
  if (next) return sendPart(id);
  try {
    const key = `${pluck ? 'v' : 'r'}${text}`;
    let statement = statements.get(key);
    if (!statement) statements.set(key, (statement = pluck ? db.prepare(text).pluck(true) : db.prepare(text).raw(true)));
    sending.set(id, { rows: statement.all(...values), sent: 0 });
    sendPart(id);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
