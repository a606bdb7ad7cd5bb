import { normalizeEpcisId } from '../../domain/identifiers/index.ts';
import type { RecallNoticeRow } from '../../storage/repositories/recall.repository.ts';
import type { Deps } from '../deps.ts';
import type { RecallImpact } from './assess-impact.ts';

/** The business-transaction type and URI by which an EPCIS event says it is part of a recall. */
export const RECALL_BTT = 'urn:suyuan:btt:recall';
export const recallUri = (id: string) => `urn:suyuan:recall:${id}`;

type Quantity = { code: string; value: number; unit: string };

/** Where each notified holder stands. */
export interface HolderProgress {
  partyId: string;
  acknowledged: boolean;
  onHandAtOpen: Quantity[];
  onHandNow: Quantity[];
  recovered: Quantity[];
  destroyed: Quantity[];
  /** Acknowledged, and holding nothing affected now or having reported at least what it held at the start. */
  accountedFor: boolean;
}

export interface RecallProgress {
  holders: HolderProgress[];
  accountedFor: number;
  total: number;
}

/**
 * A recall's progress, from the holders' acknowledgements and the EPCIS events they captured that name the recall
 * (bizTransaction of type urn:suyuan:btt:recall, value urn:suyuan:recall:<id>): destroying steps count as destroyed,
 * any other as recovered, for the affected units they carry.
 */
export async function recallProgress(deps: Deps, recallId: string, notices: readonly RecallNoticeRow[], impact: RecallImpact): Promise<RecallProgress> {
  const affected = new Set(impact.units.map((u) => u.code));
  const reports = await deps.events.queryEvents({
    refs: [{ roles: ['biz_transaction'], values: [recallUri(recallId)] }],
    visibility: { kind: 'all' },
    orderBy: 'event_time',
    direction: 'asc',
    limit: 100_000,
  });
  const recovered = new Map<string, Map<string, Quantity>>();
  const destroyed = new Map<string, Map<string, Quantity>>();
  for (const row of reports) {
    const event = JSON.parse(row.body) as Record<string, unknown>;
    const target = event.bizStep === 'destroying' || event.disposition === 'destroyed' ? destroyed : recovered;
    const add = (code: string, value: number, unit: string) => {
      if (!affected.has(code)) return;
      const byParty = target.get(row.captured_by) ?? new Map<string, Quantity>();
      target.set(row.captured_by, byParty);
      const key = `${code}\u0000${unit}`;
      const q = byParty.get(key) ?? { code, value: 0, unit };
      q.value += value;
      byParty.set(key, q);
    };
    for (const q of (event.quantityList as Array<{ epcClass: string; quantity?: number; uom?: string }> | undefined) ?? []) {
      add(safeCanonical(q.epcClass, 'epcClass'), q.quantity ?? 1, q.uom ?? 'H87');
    }
    for (const epc of (event.epcList as string[] | undefined) ?? []) add(safeCanonical(epc, 'epc'), 1, 'H87');
  }
  const now = new Map(impact.holders.map((h) => [h.partyId, h.onHand]));
  const holders = notices.map((n) => {
    const atOpen = JSON.parse(n.on_hand_at_open) as Quantity[];
    const rec = [...(recovered.get(n.party_id)?.values() ?? [])];
    const des = [...(destroyed.get(n.party_id)?.values() ?? [])];
    const onHandNow = now.get(n.party_id) ?? [];
    // Totals by code and unit, once: a holder of 100,000 units reporting them all made a filter per unit quadratic.
    const keyOf = (q: Quantity) => `${q.code}\u0000${q.unit}`;
    const reported = new Map<string, number>();
    for (const r of [...rec, ...des]) reported.set(keyOf(r), (reported.get(keyOf(r)) ?? 0) + r.value);
    const settled = onHandNow.length === 0 || atOpen.every((q) => (reported.get(keyOf(q)) ?? 0) + 1e-9 >= q.value);
    const acknowledged = n.status === 'acknowledged';
    return { partyId: n.party_id, acknowledged, onHandAtOpen: atOpen, onHandNow, recovered: rec, destroyed: des, accountedFor: acknowledged && settled };
  });
  return { holders, accountedFor: holders.filter((h) => h.accountedFor).length, total: holders.length };
}

function safeCanonical(value: string, kind: 'epc' | 'epcClass'): string {
  try {
    return normalizeEpcisId(value, kind);
  } catch {
    return value;
  }
}
