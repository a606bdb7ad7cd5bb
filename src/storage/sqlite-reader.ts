import { Worker } from 'node:worker_threads';

interface Pending {
  /** The parts received so far of a result sent in several messages. */
  parts: unknown[][];
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

/**
 * A second, read-only connection to a SQLite store, in a worker thread: for the few reads large enough to be worth
 * another core. A recall's movements of 100,000 units (~430 ms of SQL) run there while the walk reads its next
 * frontier on the main connection, as PostgreSQL runs them on other connections of its pool. In WAL mode a reader sees
 * the last committed state beside the writer, as a connection of that pool would. Started on first use, so a process
 * that never asks carries no worker (the capture's resident-memory target counts every megabyte).
 */
export class SqliteReader {
  #worker: Worker | null = null;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  /** Reads answered by the worker, for tests that must know which connection answered. */
  served = 0;
  /** Messages of rows received (a large result comes in several), for tests of how results travel. */
  messages = 0;

  constructor(private readonly file: string) {}

  /** Rows as arrays of `text` (SQLite's own: `?` and json_each) with `values`, from the worker's connection. */
  rows(text: string, values: readonly unknown[]): Promise<unknown[][]> {
    return this.#ask(text, values, false) as Promise<unknown[][]>;
  }

  /** Each row's first value, as {@link rows} would give it: no array a row to make, send and copy. */
  values(text: string, values: readonly unknown[]): Promise<unknown[]> {
    return this.#ask(text, values, true);
  }

  #ask(text: string, values: readonly unknown[], pluck: boolean): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    // Kept alive only while it owes an answer: an idle worker does not hold the process open.
    if (this.#pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { parts: [], resolve, reject });
      worker.postMessage({ id, text, values: [...values], pluck });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
    this.#failAll(new Error('the store was closed while a read was running'));
  }

  #start(): Worker {
    const worker = new Worker(new URL('./sqlite-read-worker.mjs', import.meta.url), { workerData: { file: this.file } });
    worker.on('message', (m: { id: number; rows?: unknown[]; more?: boolean; error?: string }) => {
      const pending = this.#pending.get(m.id);
      if (m.rows) this.messages++;
      if (m.more) {
        // The next part is asked for after a turn of the event loop: requests waiting are answered between parts.
        pending?.parts.push(m.rows!);
        setImmediate(() => worker.postMessage({ id: m.id, next: true }));
        return;
      }
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
      if (!pending) return;
      if (m.error !== undefined) pending.reject(new Error(m.error));
      else {
        this.served++;
        pending.resolve(pending.parts.length ? pending.parts.concat([m.rows!]).flat() : m.rows!);
      }
    });
    // A worker that failed (it could not open the file) is dropped; the next read starts another.
    worker.on('error', (err) => {
      if (this.#worker === worker) this.#worker = null;
      this.#failAll(err);
    });
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      this.#failAll(new Error('the store\'s read worker stopped'));
    });
    this.#worker = worker;
    return worker;
  }

  #failAll(err: Error): void {
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}
