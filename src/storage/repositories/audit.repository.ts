import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { AuditLogTable } from '../database.ts';

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
  constructor(private readonly store: Store) {}

  async append(entry: Insertable<AuditLogTable>): Promise<void> {
    await this.store.db.insertInto('audit_log').values(entry).execute();
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
