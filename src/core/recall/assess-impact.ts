import { OnHandLedger, QUANTITY_EDGE_KINDS } from '../../domain/trace/quantity-ledger.ts';
import type { HoldingRepository, LeanMovements } from '../../storage/repositories/holding.repository.ts';
import type { PartyRepository } from '../../storage/repositories/party.repository.ts';
import { leanHolderNodes, leanHolders, PLACE_IS_FROM } from '../unit-movements.ts';
import type { EdgeEnds, RecallRepository } from '../../storage/repositories/recall.repository.ts';
import { productClassesOf } from '../capture-events.ts';
import type { Deps } from '../deps.ts';
import { startedEarly } from '../started-early.ts';
import { nextTurn, TurnCounter } from '../../domain/turns.ts';

/** What a recall reaches (issue 3 §4). */
export interface RecallImpact {
  /** Every unit downstream of the recalled codes (and inside recalled containers). */
  units: Array<{ code: string; product: string | null; quantity: number | null; unit: string | null }>;
  /** Parties that hold affected units, with what they hold. */
  holders: Array<{ partyId: string; name: string | null; region: string | null; onHand: Array<{ code: string; value: number; unit: string }> }>;
  /** GB/T 2260 districts where affected units were received or sold: the sales scope 销售范围. */
  regions: string[];
  /** Quantity already sold to consumers, by region. */
  sold: Array<{ region: string | null; value: number; unit: string }>;
  /** Upstream sources every recalled code shares. */
  origins: Array<{ code: string; partyId: string | null; name: string | null }>;
  truncated: boolean;
}

const FORWARD = ['transformed_into', 'packed', 'in_lot', 'associated'];
const NODE_CAP = 1_000_000;
/** Units replayed between turns of the event loop (see nextTurn). */
const UNITS_PER_TURN = 2_000;

/**
 * Walks the lineage graph frontier by frontier: first down into what recalled containers hold (a recalled pallet
 * recalls its cases and items; a recalled lot its serials), then forward from everything affected through
 * transformations, packing into containers and lots; then replays the affected units' quantities.
 */
export async function assessRecallImpact(deps: Deps, codes: readonly string[]): Promise<RecallImpact> {
  const recalls = deps.recalls;
  const holdings = deps.holdings;
  // Each affected unit's position, and by position its quantity and unit of measure (arrays, not an object a unit).
  const affected = new Map<string, number>();
  const quantities: Array<number | null> = [];
  const uoms: Array<string | null> = [];
  let truncated = false;
  const add = (node: string, quantity: number | null = null, uom: string | null = null) => {
    if (affected.has(node)) return false;
    if (affected.size >= NODE_CAP) {
      truncated = true;
      return false;
    }
    affected.set(node, affected.size);
    quantities.push(quantity);
    uoms.push(uom);
    return true;
  };
  /** Adds the ends not yet affected, and puts them in the next frontier. */
  const addEnds = (ends: EdgeEnds, next: string[]) => {
    for (let i = 0; i < ends.node.length; i++) if (add(ends.node[i]!, ends.quantity[i]!, ends.uom[i]!)) next.push(ends.node[i]!);
  };
  for (const c of codes) add(c);

  // Down: contents of recalled containers, recursively.
  for (let frontier = [...codes]; frontier.length; ) {
    const next: string[] = [];
    addEnds(await recalls.listEdgeEnds(frontier, 'to', ['packed', 'associated']), next);
    addEnds(await recalls.listEdgeEnds(frontier, 'from', ['unpacked', 'in_lot']), next);
    frontier = next;
  }
  // The origins do not depend on the walk: read at the same time (on PostgreSQL, on other connections of the pool).
  const origins = startedEarly(sharedOrigins(recalls, holdings, deps.parties, codes));
  // Forward: what affected units became or went into. Each frontier's movements (lean rows: arrays, only the kinds
  // that move quantities) are read while the walk looks for the next frontier; every unit is in exactly one frontier.
  const movementReads: Array<Promise<LeanMovements>> = [];
  for (let frontier = [...affected.keys()]; frontier.length; ) {
    movementReads.push(startedEarly(holdings.readLeanMovements(frontier, QUANTITY_EDGE_KINDS)));
    const next: string[] = [];
    addEnds(await recalls.listEdgeEnds(frontier, 'from', FORWARD), next);
    frontier = next;
  }

  const unitCodes = [...affected.keys()];
  // Each code names one product class (productClassesOf); classified once per unit, looked up once per class.
  const classOf = unitCodes.map((code) => productClassesOf(code)[0]!);
  const [productRows, movementParts] = await Promise.all([deps.products.listProductsByClassUris([...new Set(classOf)]), Promise.all(movementReads)]);
  // Replayed below unit by unit through one reused ledger.
  const { rows, regionOf } = holdings.groupLeanMovements(unitCodes, movementParts);
  const products = new Map(productRows.map((p) => [p.class_uri, p.name]));
  const units = unitCodes.map((code, i) => ({ code, product: products.get(classOf[i]!) ?? null, quantity: quantities[i]!, unit: uoms[i]! }));

  const owners = await deps.parties.ownersByUris(leanHolderNodes(rows));
  const holderOf = (node: string | null, capturer: string) => (node === null ? capturer : owners.get(node)?.partyId ?? capturer);
  const regions = new Set<string>();
  const sold = new Map<string, { region: string | null; value: number; unit: string }>();
  const onHand = new Map<string, Array<{ code: string; value: number; unit: string }>>();
  const ledger = new OnHandLedger();
  const ends: [string | null, string | null] = [null, null];
  // A recall of 100,000 units replays for a few hundred ms: others' requests are answered between stretches of it.
  const turns = new TurnCounter(UNITS_PER_TURN);
  for (let i = 0; i < rows.length; ) {
    if (turns.due()) await nextTurn();
    const unit = rows[i][0];
    ledger.reset();
    for (; i < rows.length && rows[i][0] === unit; i++) {
      const [, kind, , , eventRowId, , , q, u] = rows[i];
      const quantity = q ?? 1;
      const uom = u ?? 'H87';
      leanHolders(rows[i], holderOf, ends);
      ledger.apply(kind, ends[0], ends[1], quantity, uom, q === null);
      if (kind !== 'received' && kind !== 'sold' && kind !== 'dispensed') continue;
      const region = regionOf.get(eventRowId) ?? null;
      if (region) regions.add(region);
      if (kind === 'received') continue;
      const key = `${region}\u0000${uom}`;
      const s = sold.get(key) ?? { region, value: 0, unit: uom };
      s.value += quantity;
      sold.set(key, s);
    }
    for (let b = 0; b < ledger.size; b++) {
      if (ledger.onHand[b] <= 1e-9) continue;
      const l = onHand.get(ledger.holders[b]) ?? [];
      l.push({ code: unit, value: ledger.onHand[b], unit: ledger.uoms[b] });
      onHand.set(ledger.holders[b], l);
    }
  }
  const names = new Map((await deps.parties.listPartiesByIds([...onHand.keys()])).map((p) => [p.id, p]));
  const holders = [...onHand.entries()].map(([partyId, list]) => ({ partyId, name: names.get(partyId)?.name ?? null, region: names.get(partyId)?.region ?? null, onHand: list }));

  return { units, holders, regions: [...regions].sort(), sold: [...sold.values()], origins: await origins, truncated };
}

/** The origins (units with nothing upstream) each recalled code leads back to, kept where every code shares them. */
async function sharedOrigins(recalls: RecallRepository, holdings: HoldingRepository, parties: PartyRepository, codes: readonly string[]) {
  let shared: Set<string> | undefined;
  for (const code of codes) {
    const seen = new Set([code]);
    const origins = new Set<string>();
    for (let frontier = [code]; frontier.length; ) {
      const edges = await recalls.listUnitEdges(frontier, 'to', ['transformed_into', 'in_lot']);
      const next: string[] = [];
      const hasUpstream = new Set(edges.map((e) => e.to));
      for (const n of frontier) if (!hasUpstream.has(n)) origins.add(n);
      for (const e of edges) if (!seen.has(e.from)) {
        seen.add(e.from);
        next.push(e.from);
      }
      frontier = next;
    }
    shared = shared ? new Set([...shared].filter((o) => origins.has(o))) : origins;
  }
  const list = [...(shared ?? [])];
  const makers = new Map<string, string>();
  for (const m of await holdings.listMovementsOfUnits(list, { withBody: false })) if (PLACE_IS_FROM.has(m.kind) && !makers.has(m.unit)) makers.set(m.unit, m.partyId);
  const names = new Map((await parties.listPartiesByIds([...new Set(makers.values())])).map((p) => [p.id, p]));
  return list.map((code) => ({ code, partyId: makers.get(code) ?? null, name: names.get(makers.get(code) ?? '')?.name ?? null }));
}
