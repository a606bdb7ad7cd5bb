import { DomainError, invalid } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { parseAnyCode } from '../../domain/identifiers/index.ts';
import type { RecallNoticeRow, RecallRow } from '../../storage/repositories/recall.repository.ts';
import { RECALL_BTT, recallProgress, recallUri, type RecallProgress } from './recall-progress.ts';
import type { Actor } from '../actor.ts';
import { requireRegulator } from '../authenticate.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from '../record-audit.ts';
import { assessRecallImpact, type RecallImpact } from './assess-impact.ts';

/** Recall levels as the recall rules name them: 一级 (most serious) to 三级. */
export const RECALL_SEVERITIES = ['level-1', 'level-2', 'level-3'] as const;

export interface RecallView {
  id: string;
  status: string;
  codes: string[];
  reason: string;
  severity: string;
  regulatorId: string;
  createdAt: string;
  closedAt: string | null;
  impact: RecallImpact;
  /** Each notified holder and whether it acknowledged. */
  notices: Array<{ partyId: string; status: string; acknowledgedAt: string | null }>;
  /** How far each holder has got: reported recovered and destroyed quantities, and whether it is accounted for. */
  progress: RecallProgress;
  /** How holders report: add this to the bizTransactionList of the EPCIS events that recover or destroy affected units. */
  reportWith: { type: string; bizTransaction: string };
}

/**
 * A regulator opens a recall of one or more codes: the impact is assessed, and every holder of affected units gets a
 * notice in its inbox. @throws forbidden `regulator_only`, invalid (field `codes[i]`, `reason`, `severity`)
 */
export async function openRecall(deps: Deps, actor: Actor, input: { codes: string[]; reason: string; severity: string }): Promise<RecallView> {
  const regulator = requireRegulator(actor);
  if (!input.codes?.length || input.codes.length > 100) throw invalid('bad_codes', 'codes must list 1 to 100 codes', { field: 'codes' });
  const codes = [...new Set(input.codes.map((c, i) => {
    try {
      return parseAnyCode(c).canonical;
    } catch (err) {
      if (err instanceof DomainError) throw new DomainError('invalid', err.code, `codes[${i}]: ${err.message}`, { ...err.details, field: `codes[${i}]` });
      throw err;
    }
  }))];
  if (!input.reason?.trim()) throw invalid('missing_field', 'reason must not be empty', { field: 'reason' });
  if (!(RECALL_SEVERITIES as readonly string[]).includes(input.severity)) {
    throw invalid('bad_severity', `severity must be one of ${RECALL_SEVERITIES.join(', ')}`, { field: 'severity' });
  }
  const impact = await assessRecallImpact(deps, codes);
  const id = newId('rcl');
  const now = deps.now().toISOString();
  const recall = { id, regulator_id: regulator.partyId, codes: JSON.stringify(codes), reason: input.reason.trim(), severity: input.severity, status: 'open', created_at: now, closed_at: null };
  await deps.recalls.insertRecall(
    recall,
    impact.holders.map((h) => ({
      id: newId('ntc'), recall_id: id, party_id: h.partyId, status: 'sent', created_at: now, acknowledged_at: null, on_hand_at_open: JSON.stringify(h.onHand),
    })),
    impact.units.map((u) => u.code),
  );
  await recordAudit(deps, actor, 'recall.open', id, 'ok', { codes, units: impact.units.length, holders: impact.holders.length });
  return present(deps, recall, impact, await deps.recalls.listNoticesOfRecall(id));
}

/** A recall as it stands now: impact recomputed from the current records. Regulators only. @throws not_found `recall_not_found` */
export async function getRecall(deps: Deps, actor: Actor, id: string): Promise<RecallView> {
  requireRegulator(actor);
  const repo = deps.recalls;
  const recall = await repo.findRecall(id);
  if (!recall) throw new DomainError('not_found', 'recall_not_found', `No recall ${id}.`, { field: 'id' });
  const impact = await assessRecallImpact(deps, JSON.parse(recall.codes));
  await recordAudit(deps, actor, 'recall.read', id);
  return present(deps, recall, impact, await repo.listNoticesOfRecall(id));
}

/**
 * Closes a recall, only when every notified holder is accounted for.
 * @throws not_found `recall_not_found`, rule_violation `holders_unaccounted` (details.partyIds), conflict `recall_closed`
 */
export async function closeRecall(deps: Deps, actor: Actor, id: string): Promise<RecallView> {
  requireRegulator(actor);
  const view = await getRecall(deps, actor, id);
  if (view.status !== 'open') throw new DomainError('conflict', 'recall_closed', `Recall ${id} is already ${view.status}.`, { field: 'id' });
  const missing = view.progress.holders.filter((h) => !h.accountedFor).map((h) => h.partyId);
  if (missing.length) {
    throw new DomainError('rule_violation', 'holders_unaccounted', `${missing.length} holder(s) are not accounted for yet: ${missing.join(', ')}`, { partyIds: missing });
  }
  await deps.recalls.closeRecall(id, deps.now().toISOString());
  await recordAudit(deps, actor, 'recall.close', id);
  return getRecall(deps, actor, id);
}

async function present(deps: Deps, r: RecallRow, impact: RecallImpact, notices: RecallNoticeRow[]): Promise<RecallView> {
  return {
    id: r.id, status: r.status, codes: JSON.parse(r.codes), reason: r.reason, severity: r.severity, regulatorId: r.regulator_id,
    createdAt: r.created_at, closedAt: r.closed_at, impact,
    notices: notices.map((n) => ({ partyId: n.party_id, status: n.status, acknowledgedAt: n.acknowledged_at })),
    progress: await recallProgress(deps, r.id, notices, impact),
    reportWith: { type: RECALL_BTT, bizTransaction: recallUri(r.id) },
  };
}
