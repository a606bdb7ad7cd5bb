import { DomainError } from '../domain/errors.ts';
import { parseAnyCode } from '../domain/identifiers/index.ts';
import { movesQuantity, replayQuantities, type HolderBalance, type Movement, type QuantityAnomaly } from '../domain/trace/quantity-ledger.ts';
import type { Actor } from './actor.ts';
import { requireScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { holderNodes, toMovement } from './unit-movements.ts';

export interface UnitQuantities {
  unit: string;
  /** Open recalls that reach this unit. */
  recalls: string[];
  holders: Array<{ partyId: string; name: string | null; region: string | null; balances: Array<Omit<HolderBalance, 'holder'>> }>;
  anomalies: Array<Omit<QuantityAnomaly, 'time'> & { time: string; eventID: string; partyName: string | null }>;
}

/**
 * On hand per holder of a lot or item, and the anomalies — a holder that gave out more than it held (issue 3 §3),
 * replayed from the lineage graph. Admins and regulators see every holder; a firm sees its own balances and anomalies.
 * @throws invalid (the code's fault, field `code`)
 */
export async function getUnitQuantities(deps: Deps, actor: Actor, code: string): Promise<UnitQuantities> {
  requireScope(actor, 'query');
  let unit: string;
  try {
    unit = parseAnyCode(code).canonical;
  } catch (err) {
    if (err instanceof DomainError) throw new DomainError('invalid', err.code, `code: ${err.message}`, { ...err.details, field: 'code' });
    throw err;
  }
  const repo = deps.holdings;
  const rows = (await repo.listMovements(unit)).filter((m) => movesQuantity(m.kind));
  const owners = await deps.parties.ownersByUris(holderNodes(rows));
  const holderOf = (node: string, capturer: string) => owners.get(node)?.partyId ?? capturer;
  const movements: Movement[] = rows.map((m) => toMovement(m, holderOf));
  const { balances, anomalies } = replayQuantities(movements);
  const seesAll = actor.kind === 'admin' || (actor.kind === 'party' && actor.partyKind === 'regulator');
  const mine = (holder: string) => seesAll || (actor.kind === 'party' && actor.partyId === holder);
  const names = new Map((await deps.parties.listPartiesByIds([...new Set(balances.map((b) => b.holder))])).map((p) => [p.id, p]));
  const holders = new Map<string, UnitQuantities['holders'][number]>();
  for (const b of balances.filter((x) => mine(x.holder))) {
    const { holder, ...rest } = b;
    let h = holders.get(holder);
    if (!h) {
      h = { partyId: holder, name: names.get(holder)?.name ?? null, region: names.get(holder)?.region ?? null, balances: [] };
      holders.set(holder, h);
    }
    h.balances.push(rest);
  }
  await recordAudit(deps, actor, 'quantities.read', unit, 'ok', { holders: holders.size });
  const recalls = (await deps.recalls.listOpenRecallsOfUnits([unit])).get(unit) ?? [];
  return {
    unit,
    recalls,
    holders: [...holders.values()],
    anomalies: anomalies.filter((a) => mine(a.holder)).map((a) => ({
      ...a, time: new Date(a.time).toISOString(), eventID: a.eventId, partyName: names.get(a.holder)?.name ?? null,
    })),
  };
}
