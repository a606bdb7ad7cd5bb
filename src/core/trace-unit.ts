import { DomainError, invalid } from '../domain/errors.ts';
import { parseCodeField } from '../domain/identifiers/index.ts';
import { DOWN_KINDS, UNIT_TO_UNIT_KINDS, UP_KINDS } from '../domain/trace/lineage.ts';
import { publicTrunk } from '../domain/trace/public-trunk.ts';
import type { EventVisibility } from '../storage/repositories/event.repository.ts';
import type { LineageRepository, LineageEdgeRow, TraceEventRow } from '../storage/repositories/lineage.repository.ts';
import type { Actor } from './actor.ts';
import { requireScope } from './authenticate.ts';
import { productClassesOf } from './capture-events.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { startedEarly } from './started-early.ts';
import { eventVisibilityFor, withinRegulatorScope } from './visibility.ts';

export type TraceDirection = 'back' | 'forward' | 'both';

export interface TraceInput {
  code: string;
  direction?: TraceDirection;
  depth?: number;
}

export interface TraceNode {
  id: string;
  type: 'unit' | 'party' | 'site';
  label?: string;
  /** Units: the product line (A1) of the registered product. */
  category?: string;
  /** Parties and sites: GB/T 2260 region. */
  region?: string;
  /** Parties: internal id; sites: the owning party's id. */
  partyId?: string;
  /** Units: the open recalls that reach this unit (召回中). */
  recalls?: string[];
}

export interface TraceParty {
  id: string;
  uri?: string;
  name?: string;
}

export interface TraceEdge {
  from: string;
  to: string;
  kind: string;
  /** For edges between parties or sites: the unit they are about. */
  unit?: string;
  quantity?: number;
  uom?: string;
  /** The EPCIS eventID (client's own, else the CBV 2.0 hash ID). */
  eventId: string;
  time: string;
  party: TraceParty;
}

export interface TracePlace {
  id: string;
  name?: string;
  region?: string;
}

export interface TraceStep {
  time: string;
  eventId: string;
  eventType: string;
  /** The main kind of the step (what it did to the traced units); `kinds` lists all. */
  kind: string;
  kinds: string[];
  bizStep: string | null;
  place: TracePlace | null;
  region: string | null;
  party: TraceParty;
  units: string[];
}

export interface TraceResult {
  root: { code: string; input: string; scheme: string; display: string };
  direction: TraceDirection;
  depth: number;
  nodes: TraceNode[];
  edges: TraceEdge[];
  timeline: TraceStep[];
  /** True when the walk stopped at the node cap before it was done. */
  truncated: boolean;
}

export const DEFAULT_TRACE_DEPTH = 10;
export const MAX_TRACE_DEPTH = 50;
export const TRACE_NODE_CAP = 5000;

const KIND_ORDER = [
  'transformed_into', 'commissioned', 'produced', 'consumed', 'shipped', 'received', 'transferred', 'packed', 'unpacked',
  'associated', 'disassociated', 'in_lot', 'sold', 'dispensed', 'destroyed', 'decommissioned', 'observed',
];

/**
 * Traces a unit through the lineage graph kept at capture (issue 3 §2): back towards its origins, forward towards
 * every holder, or both. What the caller sees follows issue 2's rules: an admin everything; a regulator the events of
 * its department's product lines in its regions; a firm the events it can see plus one hop beyond, up and down
 * its chain. The walk expands frontier by frontier with batched lookups (see docs/trace.md).
 * @throws invalid `invalid_code` | `not_a_unit` | `bad_direction` | `bad_depth` (field named); unauthenticated; forbidden
 */
export async function traceUnit(deps: Deps, actor: Actor, input: TraceInput, options: { nodeCap?: number } = {}): Promise<TraceResult> {
  if (actor.kind === 'public') throw new DomainError('unauthenticated', 'authentication_required', 'An API key is required: send "Authorization: Bearer <key>".');
  requireScope(actor, 'query');
  const direction = input.direction ?? 'both';
  if (direction !== 'back' && direction !== 'forward' && direction !== 'both') {
    throw invalid('bad_direction', `direction must be back, forward or both, not "${String(direction)}"`, { field: 'direction' });
  }
  const depth = input.depth ?? DEFAULT_TRACE_DEPTH;
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_TRACE_DEPTH) {
    throw invalid('bad_depth', `depth must be a whole number from 0 to ${MAX_TRACE_DEPTH}`, { field: 'depth' });
  }
  const parsed = parseCodeField(String(input.code ?? ''), 'code');
  const root = parsed.canonical;
  if (nodeType(root) !== 'unit' || /^urn:suyuan:(region|hs):/.test(root)) {
    throw invalid('not_a_unit', `code: ${parsed.display} names a ${parsed.scheme}, not a unit that can be traced`, { field: 'code' });
  }

  const lineage = deps.lineage;
  const policy = await policyFor(deps, actor);
  const walker = new Walker(lineage, policy, depth, options.nodeCap ?? TRACE_NODE_CAP);
  // The two directions share nothing but what they add to the walker: on PostgreSQL their round trips overlap.
  await Promise.all([
    direction !== 'forward' ? walker.walk(root, 'back') : undefined,
    direction !== 'back' ? walker.walk(root, 'forward') : undefined,
  ]);
  // The audit row is written while the names are read (on PostgreSQL its commit waits for the disk).
  const [result] = await Promise.all([
    present(deps, walker, { code: root, input: input.code, scheme: parsed.scheme, display: parsed.display }, direction, depth),
    recordAudit(deps, actor, 'trace.read', root, 'ok', { direction, depth, units: walker.units.size, edges: walker.edges.size, truncated: walker.truncated }),
  ]);
  return result;
}

/** Units the public chain of one scan may reach: a scan page shows a chain, not a network. */
const PUBLIC_NODE_CAP = 400;

/**
 * The chain back to a unit's origins as the public scan page shows it (issue 4 §2): every event of the unit and its
 * inputs and containers, up to `depth` hops, with the row ids of the events used so they can be checked against the
 * ledger. Public data only reaches the caller through the scan view's presenter, which drops quantities.
 */
export async function tracePublicChain(deps: Deps, root: TraceResult['root'], depth = DEFAULT_TRACE_DEPTH): Promise<{ trace: TraceResult; events: Array<{ rowId: string; eventId: string; bizStep: string | null }> }> {
  const walker = new Walker(deps.lineage, { visibility: { kind: 'all' }, oneHopBeyond: false }, depth, PUBLIC_NODE_CAP);
  await walker.walk(root.code, 'back');
  // A lot divided among buyers: the scanned lot's steps stop where it was divided, a lot it was made from (or whose
  // serial was scanned) shows only its path to those who used it (docs/public-query.md).
  walker.keepOnly(publicTrunk([...walker.edges.values()], root.code));
  const trace = await present(deps, walker, root, 'back', depth);
  const rowIds = [...new Set([...walker.edges.values()].map((e) => e.eventRowId))];
  return { trace, events: rowIds.map((rowId) => ({ rowId, eventId: walker.events.get(rowId)!.eventId, bizStep: walker.events.get(rowId)!.bizStep })) };
}

/** Which events' edges an actor sees: all (admin), those in scope (regulator), or visible ones plus one hop (firm). */
interface Policy {
  visibility: EventVisibility;
  oneHopBeyond: boolean;
}

async function policyFor(deps: Deps, actor: Actor): Promise<Policy> {
  const visibility = await eventVisibilityFor(deps, actor);
  return { visibility, oneHopBeyond: visibility.kind === 'party' };
}

/** Issue 2 §5 for one event: the same rule the event query applies (src/storage/repositories/event.repository.ts). */
export function eventVisibleTo(v: EventVisibility, e: TraceEventRow, counterparties: readonly string[]): boolean {
  if (v.kind === 'all') return true;
  if (v.kind === 'party') {
    if (e.capturedBy === v.partyId) return true;
    const ids = v.identities;
    return (e.readPoint !== null && ids.includes(e.readPoint)) || (e.bizLocation !== null && ids.includes(e.bizLocation)) || counterparties.some((c) => ids.includes(c));
  }
  return withinRegulatorScope(v, e.category, e.region);
}

/** How a unit was reached: the time window of its events that belong to the trace, and how it was entered. */
interface Reach {
  lo: number;
  hi: number;
  /** Entered from one of its contents: a carrier whose other contents are not the traced unit's business. */
  up: boolean;
  /** Entered through an edge the caller sees only as the one hop beyond its own links. */
  hidden: boolean;
  depth: number;
}

const edgeKey = (e: LineageEdgeRow) => `${e.from}\u0000${e.kind}\u0000${e.to}\u0000${e.unit}\u0000${e.eventRowId}`;

class Walker {
  readonly edges = new Map<string, LineageEdgeRow>();
  readonly units = new Set<string>();
  readonly events = new Map<string, TraceEventRow>();
  private readonly visible = new Map<string, boolean>();
  /** Each event asked for → the read that brings it (done or on the way): the two directions may want the same one. */
  private readonly eventReads = new Map<string, Promise<void>>();
  truncated = false;
  /** A firm's: the types it is named under as a source or destination, read once, beside the first edges. */
  private readonly counterpartyTypes?: Promise<string[]>;

  constructor(
    private readonly lineage: LineageRepository,
    private readonly policy: Policy,
    private readonly maxDepth: number,
    private readonly nodeCap: number,
  ) {
    if (policy.visibility.kind === 'party') {
      this.counterpartyTypes = startedEarly(lineage.listCounterpartyTypes(policy.visibility.identities));
    }
  }

  /** One direction from the root, frontier by frontier: each step is one batch of indexed lookups. */
  async walk(root: string, dir: 'back' | 'forward'): Promise<void> {
    const reach = new Map<string, Reach>([[root, { lo: -Infinity, hi: Infinity, up: false, hidden: false, depth: 0 }]]);
    this.units.add(root);
    // Back, a unit upstream of the root was consumed by transformations; only those the walk came back through made
    // the root. The others (a milk lot's earlier batches of yoghurt) are its siblings' ancestry, not the root's: their
    // `consumed` edges wait here until the walk knows which transformations it came through (`input ␀ event`).
    const consumedAside: LineageEdgeRow[] = [];
    const cameThrough = new Set<string>();
    let frontier = [root];
    while (frontier.length && !this.truncated) {
      // A transformation leading the other way is never followed, nor shown: its event is shown anyway, where it
      // belongs to the trace, through the `consumed` (back) or `produced` (forward) edge about the unit that every
      // transformation stores beside it, with the same time and visibility, so leaving it unread changes nothing but
      // the rows read.
      // Read whole: a LIMIT on these lookups (to bound a raw lot of 100,000 serials) made every lookup 20–60 % slower on
      // SQLite, the same plan notwithstanding (bench/README, trace: "what the benches did not show").
      // A unit entered from one of its contents never leads on to its other contents (moves() below): their edges are
      // left unread. Not for a firm, whose one hop beyond (allowed()) chooses among all of a unit's edges.
      const reachedFromContents = this.policy.oneHopBeyond ? undefined : new Set(frontier.filter((x) => reach.get(x)!.up));
      const rows = await this.lineage.listEdgesTouching(frontier, { skipTransformations: dir === 'back' ? 'out' : 'in', reachedFromContents });
      // Whoever sees every event walks by the edges alone: its events are read beside the next frontier's edges (on
      // PostgreSQL, one round trip a frontier instead of two). Any other caller's next step depends on them.
      const load = startedEarly(this.loadEvents(rows));
      if (this.policy.visibility.kind !== 'all') await load;
      const touching = new Map<string, LineageEdgeRow[]>();
      const touch = (node: string, e: LineageEdgeRow) => {
        const list = touching.get(node);
        if (list) list.push(e);
        else touching.set(node, [e]);
      };
      for (const e of rows) {
        touch(e.from, e);
        if (e.to !== e.from) touch(e.to, e);
        if (e.unit && e.unit !== e.from && e.unit !== e.to) touch(e.unit, e);
      }
      const next = new Set<string>();
      for (const x of frontier) {
        const r = reach.get(x)!;
        const mine = (touching.get(x) ?? []).filter((e) => e.eventTime >= r.lo && e.eventTime <= r.hi);
        for (const e of this.allowed(mine, r, dir)) {
          if (dir === 'back' && e.kind === 'consumed' && e.unit === x && x !== root) {
            consumedAside.push(e);
            continue;
          }
          const moves = this.moves(x, e, r, mine, rows, dir);
          // depth counts unit → unit hops: at the limit, the unit's own steps still show, its links onward do not.
          if (moves === null || (moves.length > 0 && r.depth >= this.maxDepth)) continue;
          const hidden = this.policy.visibility.kind !== 'all' && !this.visible.get(e.eventRowId);
          // An edge about x is kept; one leading on, only if the node cap let in a unit it reaches. Past the cap a lot
          // made into 100,000 serials gave 100,000 edges to units left out: a trace of seconds, past the server's heap.
          let kept = moves.length === 0;
          for (const m of moves) {
            if (this.units.size >= this.nodeCap && !this.units.has(m.id)) {
              this.truncated = true;
              continue;
            }
            kept = true;
            this.units.add(m.id);
            const before = reach.get(m.id);
            const reached: Reach = { lo: m.lo, hi: m.hi, up: m.up, hidden: hidden || r.hidden, depth: r.depth + 1 };
            if (!before) {
              reach.set(m.id, reached);
              next.add(m.id);
            } else if (reached.lo < before.lo || reached.hi > before.hi || (before.up && !reached.up) || (before.hidden && !reached.hidden)) {
              reach.set(m.id, {
                lo: Math.min(before.lo, reached.lo), hi: Math.max(before.hi, reached.hi), up: before.up && reached.up,
                hidden: before.hidden && reached.hidden, depth: Math.min(before.depth, reached.depth),
              });
              next.add(m.id);
            }
          }
          if (kept) this.edges.set(edgeKey(e), e);
          if (kept && dir === 'back' && e.kind === 'transformed_into') cameThrough.add(`${e.from}\u0000${e.eventRowId}`);
        }
      }
      frontier = [...next];
    }
    for (const e of consumedAside) if (cameThrough.has(`${e.unit}\u0000${e.eventRowId}`)) this.edges.set(edgeKey(e), e);
  }

  /**
   * The edges of one unit the caller may see: those of visible events; for a firm, also the one hidden event just
   * before its first visible one (back) or just after its last (forward) — its supplier's and customer's links.
   */
  private allowed(mine: LineageEdgeRow[], r: Reach, dir: 'back' | 'forward'): LineageEdgeRow[] {
    if (this.policy.visibility.kind === 'all') return mine;
    const visible = mine.filter((e) => this.visible.get(e.eventRowId));
    if (!this.policy.oneHopBeyond || r.hidden || visible.length === 0) return visible;
    const times = visible.map((e) => e.eventTime);
    const hiddenEdges = mine.filter((e) => !this.visible.get(e.eventRowId));
    let pick: LineageEdgeRow[] = [];
    if (dir === 'back') {
      const first = Math.min(...times);
      const before = hiddenEdges.filter((e) => e.eventTime <= first);
      const t = Math.max(...before.map((e) => e.eventTime));
      const ev = before.filter((e) => e.eventTime === t).map((e) => e.eventRowId).sort()[0];
      pick = before.filter((e) => e.eventRowId === ev);
    } else {
      const last = Math.max(...times);
      const after = hiddenEdges.filter((e) => e.eventTime >= last);
      const t = Math.min(...after.map((e) => e.eventTime));
      const ev = after.filter((e) => e.eventTime === t).map((e) => e.eventRowId).sort()[0];
      pick = after.filter((e) => e.eventRowId === ev);
    }
    return [...visible, ...pick];
  }

  /**
   * Where an edge of unit `x` leads in this direction: [] for an edge about `x` (custody, sale… shown, not followed),
   * the units it reaches for unit → unit edges, or null when the edge points the other way and is not shown.
   */
  private moves(x: string, e: LineageEdgeRow, r: Reach, mine: LineageEdgeRow[], rows: LineageEdgeRow[], dir: 'back' | 'forward'): Array<{ id: string; lo: number; hi: number; up: boolean }> | null {
    if (!UNIT_TO_UNIT_KINDS.has(e.kind)) return e.unit === x ? [] : null;
    const t = e.eventTime;
    const onward = (id: string) => (dir === 'back' ? { id, lo: -Infinity, hi: t, up: false } : { id, lo: t, hi: Infinity, up: false });
    if (e.kind === 'transformed_into') {
      if (dir === 'back' && e.to === x) return [onward(e.from)];
      if (dir === 'forward' && e.from === x) return [onward(e.to)];
      return null;
    }
    if (UP_KINDS.has(e.kind)) {
      // child → container
      if (e.from === x) {
        // The container carried x from packing until x was taken out again.
        const out = mine.filter((d) => DOWN_KINDS.has(d.kind) && d.from === e.to && d.to === x && d.eventTime >= t).map((d) => d.eventTime);
        const lo = Math.max(r.lo, t);
        const hi = Math.min(r.hi, out.length ? Math.min(...out) : Infinity);
        return lo <= hi ? [{ id: e.to, lo, hi, up: true }] : null;
      }
      if (e.to === x && !r.up) return [onward(e.from)];
      return null;
    }
    // container → child: unpacked, disassociated, in_lot
    if (e.to === x && e.from !== x) {
      if (e.kind === 'in_lot') return [{ id: e.from, lo: r.lo, hi: r.hi, up: true }];
      const packed = mine.filter((p) => UP_KINDS.has(p.kind) && p.from === x && p.to === e.from && p.eventTime <= t).map((p) => p.eventTime);
      const lo = Math.max(r.lo, packed.length ? Math.max(...packed) : -Infinity);
      const hi = Math.min(r.hi, t);
      return lo <= hi ? [{ id: e.from, lo, hi, up: true }] : null;
    }
    if (e.from === x && e.to !== x) return r.up ? null : [onward(e.to)];
    if (e.from === x && e.to === x) {
      // Unpacked with no children named: every child packed into x before.
      if (r.up || dir === 'back') return [];
      const children = rows.filter((p) => UP_KINDS.has(p.kind) && p.to === x && p.eventTime <= t).map((p) => p.from);
      return [...new Set(children)].map((c) => onward(c));
    }
    return null;
  }

  /** Keeps only these of the edges found. */
  keepOnly(edges: readonly LineageEdgeRow[]): void {
    this.edges.clear();
    for (const e of edges) this.edges.set(edgeKey(e), e);
  }

  /** Waits for every event read, those the walk did not wait for included. */
  async settled(): Promise<void> {
    await Promise.all(new Set(this.eventReads.values()));
  }

  /** Loads the events behind `rows`, reading only those no earlier read brought or is bringing. */
  private async loadEvents(rows: LineageEdgeRow[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    const missing = new Set<string>();
    for (const e of rows) {
      const read = this.eventReads.get(e.eventRowId);
      if (read) waits.add(read);
      else missing.add(e.eventRowId);
    }
    if (missing.size) {
      const read = this.readEvents([...missing]);
      for (const id of missing) this.eventReads.set(id, read);
      waits.add(read);
    }
    await Promise.all(waits);
  }

  private async readEvents(missing: string[]): Promise<void> {
    const v = this.policy.visibility;
    // Independent reads: on PostgreSQL they overlap.
    const [events, counterparties] = await Promise.all([
      this.lineage.listTraceEvents(missing),
      v.kind === 'party' ? this.counterpartyTypes!.then((types) => this.lineage.listCounterparties(missing, v.identities, types)) : [],
    ]);
    const counter = new Map<string, string[]>();
    if (v.kind === 'party') {
      for (const c of counterparties) {
        const list = counter.get(c.eventRowId) ?? [];
        list.push(c.value);
        counter.set(c.eventRowId, list);
      }
    }
    for (const e of events) {
      this.events.set(e.id, e);
      this.visible.set(e.id, eventVisibleTo(this.policy.visibility, e, counter.get(e.id) ?? []));
    }
  }
}

/** What kind of node a canonical identifier is: a party, a site, or else a unit. */
export function nodeType(id: string): 'unit' | 'party' | 'site' {
  if (id.startsWith('https://id.gs1.org/417/') || id.startsWith('urn:suyuan:party:')) return 'party';
  if (id.startsWith('https://id.gs1.org/414/') || id.startsWith('urn:suyuan:site:')) return 'site';
  return 'unit';
}

async function present(
  deps: Deps,
  walker: Walker,
  root: TraceResult['root'],
  direction: TraceDirection,
  depth: number,
): Promise<TraceResult> {
  await walker.settled();
  const edges = [...walker.edges.values()];
  const ids = new Set<string>([root.code, ...walker.units]);
  for (const e of edges) {
    ids.add(e.from);
    ids.add(e.to);
    if (e.unit) ids.add(e.unit);
  }
  const usedEvents = [...new Set(edges.map((e) => e.eventRowId))].map((id) => walker.events.get(id)!).filter(Boolean);
  for (const ev of usedEvents) {
    const place = ev.bizLocation ?? ev.readPoint;
    if (place) ids.add(place);
  }
  const all = [...ids];
  const partyIds = [...new Set(edges.map((e) => e.partyId))];
  const unitIds = all.filter((id) => nodeType(id) === 'unit');
  const classOf = new Map(unitIds.map((u) => [u, productClassesOf(u)[0]]));
  // Independent reads: on PostgreSQL they overlap instead of queueing round trip after round trip.
  const [partiesById, partiesByUri, siteRows, productRows, recalled] = await Promise.all([
    deps.parties.listPartiesByIds(partyIds),
    deps.parties.listPartiesByUris(all.filter((id) => nodeType(id) === 'party')),
    deps.parties.listSitesByUris(all.filter((id) => nodeType(id) === 'site')),
    deps.products.listProductsByClassUris([...new Set(classOf.values())]),
    deps.recalls.listOpenRecallsOfUnits(unitIds),
  ]);
  const parties = [...partiesById, ...partiesByUri];
  const partyById = new Map(parties.map((p) => [p.id, p]));
  const partyByUri = new Map(parties.map((p) => [p.uri, p]));
  const sites = new Map(siteRows.map((s) => [s.uri, s]));
  const products = new Map(productRows.map((p) => [p.class_uri, p]));

  for (const p of partyIds) {
    const row = partyById.get(p);
    if (row) ids.add(row.uri);
  }
  const nodes: TraceNode[] = [...ids].sort().map((id) => {
    const type = nodeType(id);
    if (type === 'party') {
      const p = partyByUri.get(id);
      return compact({ id, type, label: p?.name, region: p?.region, partyId: p?.id });
    }
    if (type === 'site') {
      const s = sites.get(id);
      return compact({ id, type, label: s?.name, region: s?.region, partyId: s?.party_id });
    }
    const product = products.get(classOf.get(id) ?? id);
    return compact({ id, type, label: product?.name, category: product?.category, recalls: recalled.get(id) });
  });

  const partyOf = (id: string): TraceParty => {
    const p = partyById.get(id);
    return compact({ id, uri: p?.uri, name: p?.name });
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const outEdges: TraceEdge[] = edges
    .map((e) => {
      const ev = walker.events.get(e.eventRowId);
      return compact({
        from: e.from, to: e.to, kind: e.kind, unit: e.unit || undefined, quantity: e.quantity ?? undefined, uom: e.uom ?? undefined,
        eventId: ev?.eventId ?? e.eventRowId, time: iso(e.eventTime), party: partyOf(e.partyId),
      }) as TraceEdge;
    })
    .sort((a, b) => a.time.localeCompare(b.time) || a.eventId.localeCompare(b.eventId) || a.kind.localeCompare(b.kind) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || (a.unit ?? '').localeCompare(b.unit ?? ''));

  const byEvent = new Map<string, LineageEdgeRow[]>();
  for (const e of edges) byEvent.set(e.eventRowId, [...(byEvent.get(e.eventRowId) ?? []), e]);
  const timeline: TraceStep[] = [...byEvent.entries()]
    .map(([rowId, es]) => {
      const ev = walker.events.get(rowId)!;
      const kinds = [...new Set(es.map((e) => e.kind))].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
      const units = new Set<string>();
      for (const e of es) {
        if (e.unit) units.add(e.unit);
        else {
          units.add(e.from);
          units.add(e.to);
        }
      }
      const placeId = ev.bizLocation ?? ev.readPoint;
      const site = placeId ? sites.get(placeId) : undefined;
      return {
        time: iso(ev.eventTime), eventId: ev.eventId, eventType: ev.eventType, kind: kinds[0], kinds, bizStep: ev.bizStep,
        place: placeId ? compact({ id: placeId, name: site?.name, region: site?.region }) : null,
        region: ev.region, party: partyOf(ev.capturedBy), units: [...units].sort(),
      };
    })
    .sort((a, b) => a.time.localeCompare(b.time) || a.eventId.localeCompare(b.eventId));

  return { root, direction, depth, nodes, edges: outEdges, timeline, truncated: walker.truncated };
}

/** Drops undefined properties, so responses carry only what is known. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
