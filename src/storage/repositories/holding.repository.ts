import { nextTurn, TurnCounter } from '../../domain/turns.ts';
import type { Store } from '../open-database.ts';
import { largeSet, offloadedRows, preparedRows, sqlLiterals } from './raw-select.ts';

/** One movement of a unit, from the lineage edges that are about it, with what the quantity ledger needs. */
export interface UnitMovement {
  kind: string;
  fromNode: string;
  toNode: string;
  eventRowId: string;
  eventTime: number;
  partyId: string;
  quantity: number | null;
  uom: string | null;
  body: string;
  /** The unit the movement is about. */
  unit: string;
  /** GB/T 2260 code where the event happened. */
  region: string | null;
  /** Product line of the event. */
  category: string | null;
}

const CHUNK = 500;
/** Rows handled between turns of the event loop (see nextTurn). */
const ROWS_PER_TURN = 5_000;
/**
 * From this many units a movement read goes to SQLite's worker connection (see offloadedRows): ~5 ms of SQL or more
 * (1,000 cases of 100 serials each: ~60 ms), against a round trip to the worker of well under a millisecond. A recall's
 * 100,000 serials are ~430 ms.
 */
export const OFFLOADED_MOVEMENT_READ = 1_000;

/**
 * One quantity movement of a unit as the recall reads it, a row straight from the driver (an array, not an object):
 * the unit, the edge kind, its ends (null where the end is the unit itself), the event row id and time, the recording
 * party, the quantity (null for an instance, and always for a container's `packed`/`unpacked`) and its uom.
 */
export type LeanMovement = [unit: string, kind: string, from: string | null, to: string | null, eventRowId: string, eventTime: number, partyId: string, quantity: number | null, uom: string | null];

/**
 * Items put in buckets 0…count−1, in bucket order (a counting sort: no array per bucket), then each bucket's few items
 * ordered by a stable insertion sort; an item in bucket −1 is left out.
 */
function bucketSort<T>(items: readonly T[], bucketOf: ArrayLike<number>, count: number, outOfOrder: (earlier: T, later: T) => boolean): T[] {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < items.length; i++) if (bucketOf[i]! >= 0) start[bucketOf[i]! + 1]++;
  for (let b = 0; b < count; b++) start[b + 1] += start[b];
  const out: T[] = new Array(start[count]);
  const fill = start.slice(0, count);
  for (let i = 0; i < items.length; i++) if (bucketOf[i]! >= 0) out[fill[bucketOf[i]!]++] = items[i]!;
  for (let b = 0; b < count; b++) {
    for (let i = start[b] + 1; i < start[b + 1]; i++) {
      const x = out[i]!;
      let j = i - 1;
      for (; j >= start[b] && outOfOrder(out[j]!, x); j--) out[j + 1] = out[j]!;
      out[j + 1] = x;
    }
  }
  return out;
}

/**
 * The order of two edges about the same unit: as SQLite's `lineage_edge_unit` index holds them, (event_time, party_id,
 * quantity, uom, from_node, kind, to_node, event_id), an end given as null being the unit itself; NULL first, numbers by
 * value, text by UTF-16 code unit (SQLite's BINARY order of UTF-8 bytes is the same within the Basic Multilingual Plane,
 * where the stored URIs and ids are). The quantity ledger replays one event's edges in this order on both stores.
 */
function unitIndexOrder(a: LeanMovement, b: LeanMovement): number {
  return compareSqlite(a[5], b[5]) || compareSqlite(a[6], b[6]) || compareSqlite(a[7], b[7]) || compareSqlite(a[8], b[8])
    || compareSqlite(a[2] ?? a[0], b[2] ?? b[0]) || compareSqlite(a[1], b[1]) || compareSqlite(a[3] ?? a[0], b[3] ?? b[0]) || compareSqlite(a[4], b[4]);
}

function compareSqlite(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The ledger order of two movements of one unit, given whether each is an edge into the unit as a container: oldest
 * first; within one event the edges about the unit first, in {@link unitIndexOrder}, then those into it (equal: they
 * keep the order they were read in). Both the general read and the lean read order by it.
 */
function ledgerOrder(a: LeanMovement, b: LeanMovement, aInto: boolean, bInto: boolean): number {
  if (a[5] !== b[5]) return a[5] < b[5] ? -1 : 1;
  if (a[4] !== b[4]) return a[4] < b[4] ? -1 : 1;
  if (aInto !== bInto) return aInto ? 1 : -1;
  return aInto ? 0 : unitIndexOrder(a, b);
}

/** Whether a lean row is an edge into the unit as a container (the lean read about the unit leaves these kinds out). */
const isInto = (r: LeanMovement) => r[1] === 'packed' || r[1] === 'unpacked';

const leanOutOfOrder = (a: LeanMovement, b: LeanMovement): boolean => ledgerOrder(a, b, isInto(a), isInto(b)) > 0;

/** Lean movement rows in ledger order, and the region of each event they name. */
export interface LeanMovements {
  rows: LeanMovement[];
  regionOf: Map<string, string | null>;
}

/** Reads for the per-lot quantity ledger (issue 3 §3). */
export class HoldingRepository {
  constructor(private readonly store: Store) {}

  /** Every edge about the unit, oldest first, with its event's body (for the served eventID). */
  async listMovements(unit: string): Promise<UnitMovement[]> {
    return this.listMovementsOfUnits([unit]);
  }

  /**
   * Every edge about any of the units, in batches of 500 units as given (each batch ordered by unit), oldest first within
   * each unit — plus, from the edges stored between units, each time one of them was taken out of a container
   * (`unpacked`, about the unit taken out) or was packed into as a container (`packed`, about the container, once per
   * event). `withBody: false` skips the event bodies (body is then '').
   *
   * Three statements however many units, each with its set as one parameter (see `largeSet`): the edges about the units
   * (index lineage_edge_unit), the edges into them (lineage_edge_to), then each event they name once — its region,
   * product line and body — rather than joining the event to every edge: a transformation of 1,000 serials is read once,
   * and in a sharded store the event table is distributed by its own key, not the unit.
   */
  async listMovementsOfUnits(units: readonly string[], options: { withBody?: boolean } = {}): Promise<UnitMovement[]> {
    if (units.length === 0) return [];
    const withBody = options.withBody ?? true;
    const columns = 'unit, kind, from_node, to_node, event_id, event_time, party_id, quantity, uom';
    type Row = { unit: string; kind: string; from_node: string; to_node: string; event_id: string; event_time: number | string; party_id: string; quantity: number | string | null; uom: string | null };
    const asRow = ([unit, kind, from_node, to_node, event_id, event_time, party_id, quantity, uom]: unknown[]) => ({ unit, kind, from_node, to_node, event_id, event_time, party_id, quantity, uom }) as Row;
    const readRows = this.readerFor(units.length);
    const { in: inUnits, parameter: set } = largeSet(this.store, units);
    const [about, into] = await Promise.all([
      // `unit <> ''` as the partial index lineage_edge_unit states it (migration 0012).
      readRows(`SELECT ${columns} FROM lineage_edge WHERE ${inUnits('unit')} AND unit <> ''`, [set]),
      readRows(`SELECT ${columns} FROM lineage_edge WHERE ${inUnits('to_node')} AND kind IN ('unpacked', 'packed')`, [set]),
    ]);
    // A recall's export puts the movements of 100,000 units in order here (~0.5 s): others' requests are answered
    // between stretches of it.
    const turns = new TurnCounter(ROWS_PER_TURN);
    const byUnit = new Map<string, Row[]>();
    const eventIds = new Set<string>();
    const push = (unit: string, r: Row) => {
      const list = byUnit.get(unit);
      if (list) list.push(r);
      else byUnit.set(unit, [r]);
      eventIds.add(r.event_id);
    };
    for (const a of about) {
      const r = asRow(a);
      push(r.unit, r);
      if (turns.due()) await nextTurn();
    }
    const intoRows = new Set<Row>();
    const leanOf = (r: Row): LeanMovement => [r.unit, r.kind, r.from_node, r.to_node, r.event_id, Number(r.event_time), r.party_id, r.quantity === null ? null : Number(r.quantity), r.uom];
    const seenPacking = new Set<string>();
    for (const a of into) {
      if (turns.due()) await nextTurn();
      const r = asRow(a);
      if (r.kind === 'packed') {
        const key = `${r.event_id}\u0000${r.to_node}`;
        if (seenPacking.has(key)) continue;
        seenPacking.add(key);
      }
      const row = { ...r, unit: r.to_node, quantity: null };
      intoRows.add(row);
      push(r.to_node, row);
    }
    const events = await this.eventsOf([...eventIds], withBody, readRows);

    const out: UnitMovement[] = [];
    for (let i = 0; i < units.length; i += CHUNK) {
      const batch = [...new Set(units.slice(i, i + CHUNK))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const unit of batch) {
        const rows = byUnit.get(unit);
        if (!rows) continue;
        // Ledger order (see ledgerOrder), as the lean read gives it: the same on both stores.
        const ordered = rows.map((r) => ({ r, lean: leanOf(r), into: intoRows.has(r) }));
        ordered.sort((a, b) => ledgerOrder(a.lean, b.lean, a.into, b.into));
        if (turns.due(rows.length)) await nextTurn();
        for (const { r } of ordered) {
          const e = events.get(r.event_id);
          if (!e) continue;
          out.push({
            unit, kind: r.kind, fromNode: r.from_node, toNode: r.to_node, eventRowId: r.event_id, eventTime: Number(r.event_time),
            partyId: r.party_id, quantity: r.quantity === null ? null : Number(r.quantity), uom: r.uom, body: e.body, region: e.region,
            category: e.category,
          });
        }
      }
    }
    return out;
  }

  /**
   * The movements {@link listMovementsOfUnits} gives for `units` (distinct) whose kind is one of `kinds` (the kinds
   * that move quantities), in the same order — units in batches of 500 as given, each batch ordered by unit, oldest
   * first within each unit, the edges about the unit before those into it — but as driver arrays with only what the
   * quantity ledger needs: for a recall of 100,000 units, turning rows into objects of every column cost more than
   * reading them. A container's `packed` is one row per packing event (the first child in `from_node` order).
   * @example SQLite: `SELECT unit, kind, CASE WHEN from_node = unit THEN NULL ELSE from_node END, … FROM lineage_edge
   *   WHERE unit IN (SELECT value FROM json_each(?)) AND +kind IN (…)`; PostgreSQL: `unit = ANY($1)`, rows as arrays.
   */
  async listLeanMovementsOfUnits(units: readonly string[], kinds: readonly string[]): Promise<LeanMovements> {
    return this.groupLeanMovements(units, [await this.readLeanMovements(units, kinds)]);
  }

  /**
   * The reading half of {@link listLeanMovementsOfUnits}, for some of the units: a walk reads each frontier's movements
   * while it looks for the next (on PostgreSQL the reads overlap), then {@link groupLeanMovements} puts the parts in
   * the order the whole read gives.
   */
  async readLeanMovements(units: readonly string[], kinds: readonly string[]): Promise<LeanMovements> {
    if (units.length === 0) return { rows: [], regionOf: new Map() };
    const aboutKinds = kinds.filter((k) => k !== 'packed' && k !== 'unpacked');
    const intoKinds = kinds.filter((k) => k === 'packed' || k === 'unpacked');
    const ends = `CASE WHEN from_node = unit THEN NULL ELSE from_node END, CASE WHEN to_node = unit THEN NULL ELSE to_node END`;
    const columns = `event_id, event_time, party_id`;
    const sqlite = this.store.dialect === 'sqlite';
    // SQLite: `+kind` keeps the kinds off the index choice (the unit index, one seek per unit); both: the set is one parameter.
    const read: LeanMovement[] = [];
    const { in: inUnits, parameter: set, asText } = largeSet(this.store, units);
    const reads: Array<Promise<void>> = [];
    // A large set is read on another core where the store has one to give (SQLite's worker; PostgreSQL's pool anyway),
    // so that a walk finds its next frontier meanwhile.
    const readRows = this.readerFor(units.length);
    if (aboutKinds.length) {
      // Grouped by everything but the unit, each group with its units: 100,000 serials made by 100 events come back as
      // 100 rows, not 100,000 rows of nine values each (most of the read's time was making those values). SQLite gives
      // each unit as its position in the parameter (json_each's key, a JSON array); PostgreSQL the units themselves as
      // one newline-joined text when none holds a newline (`unnest … WITH ORDINALITY` for positions made it join the whole
      // table; a text[] took longer to parse than the statement took to run). groupLeanMovements puts the rows in order.
      const text = sqlite
        ? `SELECT e.kind, ${ends.replace(/(from_node|to_node|unit)/g, 'e.$1')}, e.event_id, e.event_time, e.party_id, e.quantity, e.uom, json_group_array(k.key)
           FROM json_each(?) AS k JOIN lineage_edge AS e ON e.unit = k.value WHERE e.unit <> '' AND +e.kind IN (${sqlLiterals(aboutKinds)}) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`
        : `SELECT kind, ${ends}, ${columns}, quantity, uom, ${asText ? `string_agg(unit, E'\\n')` : 'array_agg(unit)'} FROM lineage_edge WHERE ${inUnits('unit')} AND unit <> '' AND kind IN (${sqlLiterals(aboutKinds)}) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
      reads.push(readRows(text, [set]).then((groups) => {
        type AboutGroup = [string, string | null, string | null, string, number | string, string, number | string | null, string | null, string | string[]];
        for (const [kind, from, to, eventRowId, eventTime, partyId, q, uom, members] of groups as AboutGroup[]) {
          const time = Number(eventTime);
          const quantity = q === null ? null : Number(q);
          const of = sqlite ? (JSON.parse(members as string) as number[]).map((key) => units[key]!) : typeof members === 'string' ? members.split('\n') : members;
          for (const unit of of) read.push([unit, kind, from, to, eventRowId, time, partyId, quantity, uom]);
        }
      }));
    }
    const into: LeanMovement[] = [];
    if (intoKinds.length) {
      // One index descent per unit for both kinds (checked on the row), and one row per unit and event: packing 100
      // children into a case is 100 edges into it, of which the first child's (in from_node order) stands for them.
      // SQLite takes the other columns from the row where min() is found; an unpacking has one edge per unit anyway.
      // SQLite gives each row's unit as its position in the parameter, as above.
      reads.push(readRows(sqlite
        ? `SELECT k.key, e.kind, NULL, NULL, e.event_id, e.event_time, e.party_id, NULL, e.uom, min(e.from_node) FROM json_each(?) AS k JOIN lineage_edge AS e ON e.to_node = k.value WHERE +e.kind IN (${sqlLiterals(intoKinds)}) AND +e.unit = '' GROUP BY k.key, e.kind, e.event_id`
        : `SELECT to_node, kind, NULL, NULL, event_id, min(event_time), min(party_id), NULL::real, (array_agg(uom ORDER BY from_node))[1] FROM (
            SELECT to_node, kind, from_node, event_id, event_time, party_id, uom FROM lineage_edge WHERE ${inUnits('to_node')} AND unit = '' OFFSET 0
          ) e WHERE kind IN (${sqlLiterals(intoKinds)}) GROUP BY to_node, kind, event_id`, [set])
        .then((rows) => {
          for (const r of rows as LeanMovement[]) {
            if (sqlite) r[0] = units[r[0] as unknown as number]!;
            into.push(r);
          }
        }));
    }
    // PostgreSQL runs the two reads at once, on two connections of the pool (each is a few hundred ms for 100,000 units).
    await Promise.all(reads);
    // Those about the unit first, as groupLeanMovements expects.
    for (const r of into) read.push(r);
    const regionOf = new Map<string, string | null>();
    for (const [id, e] of await this.eventsOf([...new Set(read.map((r) => r[4]))], false, readRows)) regionOf.set(id, e.region);
    return { rows: read, regionOf };
  }

  /**
   * Rows of `units` read in parts ({@link readLeanMovements} of disjoint subsets that together cover them), in the
   * order {@link listLeanMovementsOfUnits} gives; rows whose event was not found are left out.
   */
  groupLeanMovements(units: readonly string[], parts: readonly LeanMovements[]): LeanMovements {
    const read = parts.length === 1 ? parts[0]!.rows : parts.flatMap((p) => p.rows);
    const regionOf = parts.length === 1 ? parts[0]!.regionOf : new Map(parts.flatMap((p) => [...p.regionOf]));

    // Group by unit in output order (a counting sort: no array per unit), then order each unit's few rows by time.
    const ordinal = new Map<string, number>();
    for (let i = 0; i < units.length; i += CHUNK) {
      for (const unit of units.slice(i, i + CHUNK).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) if (!ordinal.has(unit)) ordinal.set(unit, ordinal.size);
    }
    const slot = new Int32Array(read.length);
    for (let i = 0; i < read.length; i++) {
      const r = read[i];
      if (typeof r[5] !== 'number') r[5] = Number(r[5]);
      if (r[7] !== null && typeof r[7] !== 'number') r[7] = Number(r[7]);
      slot[i] = regionOf.has(r[4]) ? ordinal.get(r[0])! : -1;
    }
    // Oldest first; within one event the edges about the unit first, in the unit index's order, then those into it as
    // read (stable): the order listMovementsOfUnits gives.
    return { rows: bucketSort(read, slot, ordinal.size, leanOutOfOrder), regionOf };
  }

  /**
   * How a read about `units` units runs: on the caller's connection, or from {@link OFFLOADED_MOVEMENT_READ} units on
   * another core where the store has one to give (SQLite's worker; PostgreSQL's pool anyway). There the server goes on
   * answering — scan pages, other callers — while a recall's reads run, and a walk finds its next frontier meanwhile.
   */
  private readerFor(units: number): (text: string, values: unknown[]) => Promise<unknown[][]> {
    return (text, values) => (units >= OFFLOADED_MOVEMENT_READ ? offloadedRows : preparedRows)(this.store, text, values);
  }

  /** Region, product line and (when asked) body of each event, by row id. */
  private async eventsOf(ids: readonly string[], withBody: boolean, readRows: (text: string, values: unknown[]) => Promise<unknown[][]>): Promise<Map<string, { region: string | null; category: string | null; body: string }>> {
    const out = new Map<string, { region: string | null; category: string | null; body: string }>();
    if (ids.length === 0) return out;
    const { in: inIds, parameter } = largeSet(this.store, ids);
    const rows = await readRows(`SELECT id, region, category${withBody ? ', body' : ''} FROM event WHERE ${inIds('id')}`, [parameter]);
    for (const [id, region, category, body] of rows as Array<[string, string | null, string | null, string | undefined]>) out.set(id, { region, category, body: body ?? '' });
    return out;
  }

  /** The bodies of events by row id, each once (an event with many units would otherwise repeat per movement). */
  async eventBodies(eventRowIds: readonly string[]): Promise<Map<string, string>> {
    return new Map([...(await this.eventsOf(eventRowIds, true, this.readerFor(eventRowIds.length))).entries()].map(([id, e]) => [id, e.body]));
  }
}
