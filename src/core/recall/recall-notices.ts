import { DomainError } from '../../domain/errors.ts';
import type { Actor } from '../actor.ts';
import { requirePartyScope } from '../authenticate.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from '../record-audit.ts';

export interface RecallNoticeView {
  id: string;
  recallId: string;
  recallStatus: string;
  codes: string[];
  reason: string;
  severity: string;
  status: string;
  createdAt: string;
  acknowledgedAt: string | null;
}

/** A holder's recall inbox, newest first. */
export async function listRecallNotices(deps: Deps, actor: Actor): Promise<RecallNoticeView[]> {
  const party = requirePartyScope(actor, 'query');
  const rows = await deps.recalls.listNoticesOfParty(party.partyId);
  await recordAudit(deps, actor, 'recall_notice.list', party.partyId, 'ok', { count: rows.length });
  return rows.map((n) => ({
    id: n.id, recallId: n.recall_id, recallStatus: n.recall_status, codes: JSON.parse(n.codes), reason: n.reason, severity: n.severity,
    status: n.status, createdAt: n.created_at, acknowledgedAt: n.acknowledged_at,
  }));
}

/** The holder acknowledges a notice of its own. @throws not_found `notice_not_found` */
export async function acknowledgeRecallNotice(deps: Deps, actor: Actor, id: string): Promise<RecallNoticeView> {
  const party = requirePartyScope(actor, 'query');
  const repo = deps.recalls;
  const notice = await repo.findNotice(id);
  if (!notice || notice.party_id !== party.partyId) throw new DomainError('not_found', 'notice_not_found', `No recall notice ${id} of yours.`, { field: 'id' });
  await repo.acknowledgeNotice(id, deps.now().toISOString());
  await recordAudit(deps, actor, 'recall_notice.acknowledge', id, 'ok', { recallId: notice.recall_id });
  return (await listRecallNotices(deps, actor)).find((n) => n.id === id)!;
}
