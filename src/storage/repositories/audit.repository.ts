import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { AuditLogTable } from '../database.ts';
import { WaitingWrites } from '../waiting-writes.ts';

export type AuditRow = Selectable<AuditLogTable>;
export interface AuditFilter {
  actorId?: string;
  action?: string;
  since?: string;
  until?: string;
  afterId?: number;
  limit: number;
}

/** The append-only audit log of writes and protected reads. */
export class AuditRepository {
  /** SQLite: rows written at once, or while a capture's transaction is open, kept waiting (WaitingWrites). */
  private readonly sqliteWrites?: WaitingWrites<Insertable<AuditLogTable>, void>;

  constructor(private readonly store: Store) {
    if (!store.sqlite) return;
    const insert = store.sqlite.prepare(SQLITE_AUDIT_INSERT);
    this.sqliteWrites = new WaitingWrites(store, 'audit', store.sqlite.transaction((entries: ReadonlyArray<Insertable<AuditLogTable>>) => {
      for (const entry of entries) insert.run(...auditParams(entry));
    }));
  }

  /**
   * Appends an entry. On SQLite an authenticated read that comes during another party's capture does not wait for it:
   * its row is kept (in a journal too) and written when the capture ends.
   */
  async append(entry: Insertable<AuditLogTable>): Promise<void> {
    if (this.sqliteWrites) this.sqliteWrites.add(entry);
    else await this.store.db.insertInto('audit_log').values(entry).execute();
  }

  /** Writes the rows still waiting (SQLite); before the store closes. */
  async flush(): Promise<void> {
    await this.sqliteWrites?.flush();
  }

  /** Writes the rows that processes killed during a capture left waiting (SQLite); when the platform opens. */
  recoverAbandoned(isAlive: (pid: number) => boolean): number {
    return this.sqliteWrites?.recoverAbandoned(isAlive) ?? 0;
  }

  async list(filter: AuditFilter): Promise<AuditRow[]> {
    let q = this.store.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
    if (filter.action) q = q.where('action', '=', filter.action);
    if (filter.since) q = q.where('at', '>=', filter.since);
    if (filter.until) q = q.where('at', '<', filter.until);
    if (filter.afterId !== undefined) q = q.where('id', '<', filter.afterId);
    return q.execute();
  }
}

export const SQLITE_AUDIT_INSERT = 'INSERT INTO audit_log (at, actor_id, actor_kind, action, target, outcome, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/** An audit row as the positional parameters of the inserts here and in the capture writer. */
export function auditParams(a: Insertable<AuditLogTable>): unknown[] {
  return [a.at, a.actor_id ?? null, a.actor_kind, a.action, a.target ?? null, a.outcome, a.ip ?? null, a.details ?? null];
}
