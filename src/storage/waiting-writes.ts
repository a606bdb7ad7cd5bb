import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Store } from './open-database.ts';

/**
 * Small writes on SQLite that must neither join another request's transaction nor wait for it: a scan recorded by a
 * scan page, the audit row of an authenticated read. SQLite has one write connection; while a capture holds it with
 * its transaction open (tens of seconds for a 64 MB document), such a write made there would join that transaction and
 * vanish with its rollback, and waiting for it would hold the request. So it waits here instead, and is written with
 * any others that came meanwhile as soon as the write turn is free. When the connection is free it is written at once.
 *
 * What waits is also appended to a journal file beside the database (`suyuan.db-waiting-<kind>-<pid>`), emptied when
 * it is written: a process killed meanwhile loses nothing, and the next process to open the platform writes what a dead
 * process left (`recoverAbandoned`). A write() reaches the OS before the request is answered, so it survives the
 * process, as SQLite's own commits in WAL mode with synchronous=NORMAL do. Killed between the commit of a batch and the
 * emptying of its journal (a few microseconds), the batch would be written twice on recovery.
 *
 * With `gatherMs`, items wait (journaled) even when the connection is free, and those that came within that time are
 * written in one transaction: a commit costs more than the rows it writes, so the scan pages under load write one commit
 * for many scans instead of one each.
 */
export class WaitingWrites<T, R> {
  private readonly waiting: T[] = [];
  private flushing?: Promise<void>;
  private journalFd?: number;
  private journaled = false;
  /** This kind's journals are `<prefix><pid>` beside the database: this process's own, and those a dead one left. */
  private readonly journalPrefix: string;
  private readonly journalPath: string;

  /**
   * @param kind names the journal (letters only).
   * @param writeAll writes items, in order, in one transaction of the write connection; what it returns `add` returns.
   * @param gatherMs how long an item waits for others to be written with it (0: written at once when the connection is free).
   */
  constructor(
    private readonly store: Store,
    private readonly kind: string,
    private readonly writeAll: (items: readonly T[]) => R,
    private readonly gatherMs = 0,
  ) {
    this.journalPrefix = `${store.sqlite!.name}-waiting-${kind}-`;
    this.journalPath = `${this.journalPrefix}${process.pid}`;
  }

  /** The items still waiting, oldest first. */
  get pending(): readonly T[] {
    return this.waiting;
  }

  /**
   * Writes `item` now if no transaction is open on the write connection and nothing is gathered (or the journal cannot
   * be written), and returns what writeAll returned; otherwise keeps it waiting (in the journal too) and returns
   * undefined.
   */
  add(item: T): R | undefined {
    const free = !this.store.sqlite!.inTransaction;
    if (free && !this.gatherMs) return this.writeNow(item);
    // On disk before it is counted as waiting: if the journal cannot be written while the connection is taken the
    // request fails and nothing of it is kept — a read is not served unaudited, a scan not answered as counted.
    try {
      this.journalFd ??= fs.openSync(this.journalPath, 'a');
      fs.writeSync(this.journalFd, `${JSON.stringify(item)}\n`);
    } catch (err) {
      if (free) return this.writeNow(item);
      throw err;
    }
    this.journaled = true;
    this.waiting.push(item);
    this.scheduleFlush();
    return undefined;
  }

  private writeNow(item: T): R {
    this.waiting.push(item);
    return this.writeWaiting();
  }

  /** Writes what waits, waiting for the write turn if need be; before the store closes. */
  async flush(): Promise<void> {
    await this.flushing;
    if (this.waiting.length) await this.store.writeTurn!.run(() => void this.writeWaiting());
    if (this.journalFd !== undefined) {
      fs.closeSync(this.journalFd);
      this.journalFd = undefined;
      if (!this.waiting.length) fs.rmSync(this.journalPath, { force: true });
    }
  }

  /**
   * Writes what processes that are gone left in their journals of this kind, and removes those journals. Returns how
   * many items were written. Called when the platform opens, before it serves.
   */
  recoverAbandoned(isAlive: (pid: number) => boolean): number {
    const dir = path.dirname(this.journalPrefix);
    const pattern = new RegExp(`^${escapeRegExp(path.basename(this.journalPrefix))}(\\d+)$`);
    let recovered = 0;
    for (const name of fs.readdirSync(dir)) {
      const pid = Number(pattern.exec(name)?.[1]);
      if (!pid || pid === process.pid || isAlive(pid)) continue;
      const file = path.join(dir, name);
      const items: T[] = [];
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          items.push(JSON.parse(line) as T);
        } catch {
          // The last line of a process killed in the middle of its write() — nothing was answered for it.
        }
      }
      if (items.length) this.writeAll(items);
      fs.rmSync(file);
      recovered += items.length;
    }
    return recovered;
  }

  /** Writes what waits, in order; on a failure it stays waiting (and journaled) for the next add or flush. */
  private writeWaiting(): R {
    const batch = this.waiting.slice();
    const result = this.writeAll(batch);
    this.waiting.splice(0, batch.length);
    if (this.journaled && this.journalFd !== undefined) {
      fs.ftruncateSync(this.journalFd, 0);
      this.journaled = false;
    }
    return result;
  }

  /**
   * The waiting items are written at the first turn, and those that came while that write was queued at the next.
   * After a failed write they wait for the next add or flush.
   */
  private scheduleFlush(): void {
    if (this.flushing) return;
    let failed = false;
    const turn = () => this.store.writeTurn!.run(() => void this.writeWaiting());
    this.flushing = (this.gatherMs ? delay(this.gatherMs).then(turn) : turn())
      .catch((err: Error) => {
        failed = true;
        process.stderr.write(`suyuan: ${this.waiting.length} ${this.kind} write(s) waiting, kept in ${this.journalPath}: ${err.message}\n`);
      })
      .finally(() => {
        this.flushing = undefined;
        if (this.waiting.length && !failed) this.scheduleFlush();
      });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
