import { invalid } from '../domain/errors.ts';
import type { Actor } from './actor.ts';
import { requireAdmin } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';

export interface AuditQuery {
  actorId?: string;
  action?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: unknown;
}

/** The audit log, newest first (admin only); reading it is itself audited. @throws invalid `bad_date` */
export async function listAuditLog(deps: Deps, actor: Actor, query: AuditQuery): Promise<AuditEntryView[]> {
  requireAdmin(actor);
  for (const k of ['since', 'until'] as const) {
    if (query[k] && Number.isNaN(Date.parse(query[k]!))) throw invalid('bad_date', `${k} is not an ISO-8601 time`, { field: k });
  }
  const rows = await deps.audit.list({
    actorId: query.actorId,
    action: query.action,
    since: query.since ? new Date(query.since).toISOString() : undefined,
    until: query.until ? new Date(query.until).toISOString() : undefined,
    afterId: query.before,
    limit: Math.min(Math.max(query.limit ?? 100, 1), 1000),
  });
  await recordAudit(deps, actor, 'audit.read', null, 'ok', { count: rows.length });
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, actorId: r.actor_id, actorKind: r.actor_kind, action: r.action, target: r.target,
    outcome: r.outcome, ip: r.ip, details: r.details ? JSON.parse(r.details) : null,
  }));
}
