import type { Insertable } from 'kysely';
import type { AuditLogTable } from '../storage/database.ts';
import { actorId, type Actor } from './actor.ts';
import type { Deps } from './deps.ts';

/** Builds the audit row for what an actor did; callers put it in their own transaction where they have one. */
export function auditEntry(
  deps: Deps,
  actor: Actor,
  action: string,
  target: string | null,
  outcome: 'ok' | 'denied' | 'failed' = 'ok',
  details?: Record<string, unknown>,
): Insertable<AuditLogTable> {
  return {
    at: deps.now().toISOString(),
    actor_id: actorId(actor),
    actor_kind: actor.kind === 'party' ? `party:${actor.partyKind}` : actor.kind,
    action,
    target,
    outcome,
    ip: actor.ip ?? null,
    details: details ? JSON.stringify(details) : null,
  };
}

/** Appends one audit entry: who did what to which target, from where, with what outcome. */
export async function recordAudit(
  deps: Deps,
  actor: Actor,
  action: string,
  target: string | null,
  outcome: 'ok' | 'denied' | 'failed' = 'ok',
  details?: Record<string, unknown>,
): Promise<void> {
  await deps.audit.append(auditEntry(deps, actor, action, target, outcome, details));
}
