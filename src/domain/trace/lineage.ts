import { normalizeCbv } from '../epcis/cbv.ts';
import { canonicalDigitalLink } from '../identifiers/index.ts';
import type { LineageEdge } from './lineage-edge.ts';

/**
 * The lineage graph kept at capture time (issue 3 §1). Every stored event yields its edges here, in the capture's
 * transaction; walks read them back frontier by frontier (see docs/trace.md). Pure and allocation-light: it runs on
 * the capture hot path.
 *
 * Two families of edges:
 *
 * **Unit → unit** (`unit` = ''), what the walk expands along:
 * - `transformed_into` input → output (TransformationEvent: slaughter, processing, blending, smelting, repacking);
 *   every input to every output; quantity/uom are the output's.
 * - `packed` child → parent (AggregationEvent ADD or OBSERVE: item → case → pallet by SSCC); quantity/uom the
 *   child's when it is a class in childQuantityList.
 * - `unpacked` parent → child (AggregationEvent DELETE naming its children). A DELETE naming none unpacks all:
 *   `unpacked` parent → parent, which the walk resolves to the children packed before it.
 * - `associated` child → parent / `disassociated` parent → child (AssociationEvent: a unit attached to an asset,
 *   GIAI/GRAI, sensor device), read like packing and unpacking.
 * - `in_lot` lot → serial: a serialised item (SGTIN) commissioned in a lot, from the ilmd lot number
 *   (`cbvmda:lotNumber`) or from a lot of the same GTIN in the same event's matching quantity list (ADD / outputs).
 *
 * **About one unit** (`unit` = that unit), what happens to it between parties and sites; the other end is the
 * unit itself when the event does not name it (place = bizLocation, else readPoint):
 * - `commissioned` place → unit (bizStep commissioning, creating_class_instance, encoding, or an ObjectEvent ADD).
 * - `shipped` source → destination (bizStep shipping, departing, staging_outbound, void_shipping): sourceList and
 *   destinationList paired by type (owning_party with owning_party, possessing_party with possessing_party,
 *   location with location; every pair when no type is shared); no source → the place; no destination → the unit.
 * - `received` source → destination (bizStep receiving, arriving, accepting): no source → the unit; no destination
 *   → the place.
 * - `transferred` source → destination: any other step that names both lists (a change of custody or ownership).
 * - `sold` unit → place (retail_selling), `dispensed` unit → place (dispensing), `destroyed` unit → place
 *   (destroying), `decommissioned` unit → place (decommissioning, or an ObjectEvent DELETE).
 * - `consumed` input → place and `produced` place → output (each TransformationEvent), with the input's and the
 *   output's own quantities: the ledger of §3 reads them.
 * - `observed` unit → place: any other Object/Transaction event with a known place (inspecting, storing, loading…),
 *   so the timeline shows every step.
 *
 * Quantities and UN/ECE Rec 20 units come from the quantity-list entry of each class (null for instance-level
 * EPCs, and uom null when the event gives a bare count).
 */
export function lineageEdgesOf(
  event: Record<string, unknown>,
  refs: ReadonlyArray<{ role: string; type: string; value: string }>,
  places: { readPoint: string | null; bizLocation: string | null },
): LineageEdge[] {
  const out = new EdgeSet();
  const type = event.type;
  const action = typeof event.action === 'string' ? event.action : null;
  const bizStep = typeof event.bizStep === 'string' ? normalizeCbv(event.bizStep, 'BizStep') : null;
  const place = places.bizLocation ?? places.readPoint;

  // Sort the refs by role once; quantity-list refs are paired with their list entries by position.
  const epcs: string[] = [];
  const classes: Unit[] = [];
  const children: Unit[] = [];
  const inputs: Unit[] = [];
  const outputs: Unit[] = [];
  const sources: Array<{ type: string; value: string }> = [];
  const destinations: Array<{ type: string; value: string }> = [];
  let parent: string | null = null;
  const counters = { epc_class: 0, child_class: 0, input_class: 0, output_class: 0 };
  for (const r of refs) {
    switch (r.role) {
      case 'epc': epcs.push(r.value); break;
      case 'parent': parent = r.value; break;
      case 'child': children.push({ id: r.value, quantity: null, uom: null, cls: false }); break;
      case 'input': inputs.push({ id: r.value, quantity: null, uom: null, cls: false }); break;
      case 'output': outputs.push({ id: r.value, quantity: null, uom: null, cls: false }); break;
      case 'epc_class': merge(classes, quantified(r.value, event.quantityList, counters.epc_class++)); break;
      case 'child_class': merge(children, quantified(r.value, event.childQuantityList, counters.child_class++)); break;
      case 'input_class': merge(inputs, quantified(r.value, event.inputQuantityList, counters.input_class++)); break;
      case 'output_class': merge(outputs, quantified(r.value, event.outputQuantityList, counters.output_class++)); break;
      case 'source': sources.push(r); break;
      case 'destination': destinations.push(r); break;
      default: break;
    }
  }

  if (type === 'TransformationEvent') {
    for (const i of inputs) {
      for (const o of outputs) out.add('transformed_into', i.id, o.id, '', o.quantity, o.uom);
      out.add('consumed', i.id, place ?? i.id, i.id, i.quantity, i.uom);
    }
    for (const o of outputs) out.add('produced', place ?? o.id, o.id, o.id, o.quantity, o.uom);
    lotMembership(out, event, outputs);
    return out.edges;
  }

  if (type === 'AggregationEvent' || type === 'AssociationEvent') {
    const assoc = type === 'AssociationEvent';
    if (parent !== null) {
      if (action === 'DELETE') {
        const kind = assoc ? 'disassociated' : 'unpacked';
        if (children.length === 0) out.add(kind, parent, parent, '', null, null);
        for (const c of children) out.add(kind, parent, c.id, '', c.quantity, c.uom);
      } else {
        const kind = assoc ? 'associated' : 'packed';
        for (const c of children) out.add(kind, c.id, parent, '', c.quantity, c.uom);
      }
      // Custody of the logistic unit itself when the event also carries it (e.g. packing into an SSCC and shipping).
      const step = unitStep(bizStep, null, sources.length > 0 && destinations.length > 0);
      if (step !== null && step !== 'observed') {
        unitEdges(out, step, { id: parent, quantity: null, uom: null, cls: false }, place, sources, destinations);
      }
    }
    return out.edges;
  }

  // ObjectEvent, TransactionEvent (and any future type): what happens to each unit it names.
  const step = unitStep(bizStep, type === 'ObjectEvent' ? action : null, sources.length > 0 && destinations.length > 0);
  if (step === null || (step === 'observed' && place === null)) {
    if (type === 'ObjectEvent' && action === 'ADD') lotMembership(out, event, classes, epcs);
    return out.edges;
  }
  const units: Unit[] = epcs.map((id) => ({ id, quantity: null, uom: null, cls: false }));
  if (parent !== null) units.push({ id: parent, quantity: null, uom: null, cls: false });
  for (const c of classes) units.push(c);
  for (const u of units) unitEdges(out, step, u, place, sources, destinations);
  if (type === 'ObjectEvent' && action === 'ADD') lotMembership(out, event, classes, epcs);
  return out.edges;
}

/** The kinds of lineage edge, each documented on {@link lineageEdgesOf}. */
export const LINEAGE_KINDS = [
  'transformed_into', 'packed', 'unpacked', 'associated', 'disassociated', 'in_lot',
  'commissioned', 'shipped', 'received', 'transferred', 'sold', 'dispensed', 'destroyed', 'decommissioned',
  'consumed', 'produced', 'observed',
] as const;
export type LineageKind = (typeof LINEAGE_KINDS)[number];

/** Kinds whose from/to are both units (the walk expands along them); the others are about one unit (`unit` set). */
export const UNIT_TO_UNIT_KINDS: ReadonlySet<string> = new Set(['transformed_into', 'packed', 'unpacked', 'associated', 'disassociated', 'in_lot']);

/** Containment kinds, child → container: the container carried the child for a while. */
export const UP_KINDS: ReadonlySet<string> = new Set(['packed', 'associated']);
/** Containment kinds, container → child (unpacking, disassociating, a lot's serials). */
export const DOWN_KINDS: ReadonlySet<string> = new Set(['unpacked', 'disassociated', 'in_lot']);

interface Unit {
  id: string;
  quantity: number | null;
  uom: string | null;
  cls: boolean;
}

type UnitStep = 'commissioned' | 'shipped' | 'received' | 'transferred' | 'sold' | 'dispensed' | 'destroyed' | 'decommissioned' | 'observed';

const STEP_KIND: Record<string, UnitStep> = {
  commissioning: 'commissioned', creating_class_instance: 'commissioned', encoding: 'commissioned',
  shipping: 'shipped', departing: 'shipped', staging_outbound: 'shipped', void_shipping: 'shipped',
  receiving: 'received', arriving: 'received', accepting: 'received',
  retail_selling: 'sold', dispensing: 'dispensed', destroying: 'destroyed', decommissioning: 'decommissioned',
};

/** The unit-scoped kind of an event: by business step; else by ObjectEvent action; else a transfer or an observation. */
function unitStep(bizStep: string | null, objectAction: string | null, bothLists: boolean): UnitStep | null {
  const byStep = bizStep !== null ? STEP_KIND[bizStep] : undefined;
  if (byStep) return byStep;
  if (objectAction === 'ADD') return 'commissioned';
  if (objectAction === 'DELETE') return 'decommissioned';
  if (bothLists) return 'transferred';
  return 'observed';
}

function unitEdges(
  out: EdgeSet,
  step: UnitStep,
  u: Unit,
  place: string | null,
  sources: ReadonlyArray<{ type: string; value: string }>,
  destinations: ReadonlyArray<{ type: string; value: string }>,
): void {
  switch (step) {
    case 'commissioned':
      out.add(step, place ?? u.id, u.id, u.id, u.quantity, u.uom);
      return;
    case 'shipped':
    case 'received':
    case 'transferred': {
      if (sources.length && destinations.length) {
        let paired = false;
        for (const s of sources) {
          for (const d of destinations) {
            if (s.type === d.type) {
              out.add(step, s.value, d.value, u.id, u.quantity, u.uom);
              paired = true;
            }
          }
        }
        if (!paired) for (const s of sources) for (const d of destinations) out.add(step, s.value, d.value, u.id, u.quantity, u.uom);
        return;
      }
      const from = sources.length ? sources.map((s) => s.value) : [step === 'shipped' && place ? place : u.id];
      const to = destinations.length ? destinations.map((d) => d.value) : [step === 'received' && place ? place : u.id];
      for (const f of from) for (const t of to) out.add(step, f, t, u.id, u.quantity, u.uom);
      return;
    }
    default:
      out.add(step, u.id, place ?? u.id, u.id, u.quantity, u.uom);
  }
}

const SGTIN = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/21\//;
const LGTIN = /^https:\/\/id\.gs1\.org\/01\/(\d{14})\/10\/[^/]+$/;

/**
 * `in_lot` lot → serial for the SGTINs an event brings into being: the lot is the ilmd lot number of their GTIN, or
 * else the one lot of that GTIN in the same event's matching quantity list.
 */
function lotMembership(out: EdgeSet, event: Record<string, unknown>, lots: readonly Unit[], instances?: readonly string[]): void {
  const serials = instances ?? lots.filter((u) => !u.cls).map((u) => u.id);
  if (serials.length === 0) return;
  const ilmdLot = ilmdLotNumber(event.ilmd);
  const lotByGtin = new Map<string, string | null>();
  for (const l of lots) {
    if (!l.cls) continue;
    const m = LGTIN.exec(l.id);
    if (!m) continue;
    lotByGtin.set(m[1], lotByGtin.has(m[1]) ? null : l.id); // two lots of one GTIN: ambiguous, pair none
  }
  const built = new Map<string, string | null>();
  for (const s of serials) {
    const m = SGTIN.exec(s);
    if (!m) continue;
    const gtin = m[1];
    let lot: string | null | undefined;
    if (ilmdLot !== null) {
      lot = built.get(gtin);
      if (lot === undefined) {
        try {
          lot = canonicalDigitalLink([{ ai: '01', value: gtin }, { ai: '10', value: ilmdLot }]);
        } catch {
          lot = null; // a lot number the GS1 syntax refuses names no lot we can join on
        }
        built.set(gtin, lot);
      }
    } else lot = lotByGtin.get(gtin);
    if (lot) out.add('in_lot', lot, s, '', null, null);
  }
}

function ilmdLotNumber(ilmd: unknown): string | null {
  if (!ilmd || typeof ilmd !== 'object') return null;
  for (const [k, v] of Object.entries(ilmd as Record<string, unknown>)) {
    if ((k === 'cbvmda:lotNumber' || k === 'lotNumber' || k.endsWith('#lotNumber') || k.endsWith('/lotNumber')) && (typeof v === 'string' || typeof v === 'number')) {
      const s = String(v).trim();
      return s.length ? s : null;
    }
  }
  return null;
}

/** Adds a class to its list, or sums its quantity into the entry already there (the same class listed twice). */
function merge(list: Unit[], u: Unit): void {
  const seen = list.find((x) => x.id === u.id);
  if (seen === undefined) list.push(u);
  else if (seen.quantity !== null && u.quantity !== null && seen.uom === u.uom) seen.quantity += u.quantity;
  else if (seen.quantity === null) {
    seen.quantity = u.quantity;
    seen.uom = u.uom;
  }
}

function quantified(id: string, list: unknown, index: number): Unit {
  const entry = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
  const q = entry?.quantity;
  const quantity = typeof q === 'number' && Number.isFinite(q) ? q : typeof q === 'string' && q.trim() !== '' && Number.isFinite(Number(q)) ? Number(q) : null;
  return { id, quantity, uom: typeof entry?.uom === 'string' ? entry.uom : null, cls: true };
}

/** The edges of one event, each primary key (event aside) once. */
class EdgeSet {
  readonly edges: LineageEdge[] = [];
  private readonly keys = new Set<string>();

  add(kind: string, from: string, to: string, unit: string, quantity: number | null, uom: string | null): void {
    const key = `${from}\u0000${kind}\u0000${to}\u0000${unit}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.edges.push({ kind, from, to, unit, quantity, uom });
  }
}
