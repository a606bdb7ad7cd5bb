import { DOWN_KINDS, UP_KINDS } from '../../domain/trace/lineage.ts';
import { inSet, preparedRows, setParameter, sqlLiterals } from './raw-select.ts';
import type { Store } from '../open-database.ts';

/** One stored edge, as the walk reads it. */
export interface LineageEdgeRow {
  from: string;
  to: string;
  kind: string;
  unit: string;
  eventRowId: string;
  eventTime: number;
  partyId: string;
  quantity: number | null;
  uom: string | null;
}

/** What a trace shows of an event: its served eventID, step, places, region, product line and capturing party. */
export interface TraceEventRow {
  id: string;
  /** The EPCIS eventID served: the client's own, else the CBV 2.0 hash ID. */
  eventId: string;
  eventType: string;
  bizStep: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  region: string | null;
  category: string | null;
  capturedBy: string;
  eventTime: number;
  timeZoneOffset: string;
}

/** What a walk asks of a frontier's edges (Walker in core/trace-unit.ts). */
export interface EdgeLookupOptions {
  /** Leave out transformations leading out of (`out`, a walk back) or into (`in`, forward) the frontier. */
  skipTransformations?: 'out' | 'in';
  /**
   * Frontier nodes entered from one of their contents: read without the edges to their contents (a container's
   * `packed` edges in, a lot's or container's `unpacked`/`disassociated`/`in_lot` edges out to another unit).
   */
  reachedFromContents?: ReadonlySet<string>;
}

/** The conditions that leave out a reached-up node's edges to its contents, by the column it is looked up in. */
const REACHED_UP_FILTER = {
  from_node: ` AND NOT (kind IN (${sqlLiterals([...DOWN_KINDS])}) AND to_node <> from_node)`,
  to_node: ` AND kind NOT IN (${sqlLiterals([...UP_KINDS])})`,
  unit: '',
} as const;

const EDGE_COLUMNS = ['from_node', 'to_node', 'kind', 'unit', 'event_id', 'event_time', 'party_id', 'quantity', 'uom'] as const;
const TRACE_EVENT_COLUMNS = 'id, event_id, event_hash, event_type, biz_step, read_point, biz_location, region, category, captured_by, event_time, event_time_zone_offset';
type TraceEventTuple = [id: string, eventId: string | null, hash: Uint8Array, eventType: string, bizStep: string | null, readPoint: string | null, bizLocation: string | null, region: string | null, category: string | null, capturedBy: string, eventTime: number | string, timeZoneOffset: string];
type EdgeTuple = [from: string, to: string, kind: string, unit: string, eventRowId: string, eventTime: number | string, partyId: string, quantity: number | string | null, uom: string | null];

/**
 * Reads for graph walks over `lineage_edge`. Every read is a set lookup on one indexed column (`from_node`, the
 * primary key's prefix; `to_node`, index lineage_edge_to; `unit`, index lineage_edge_unit) or a primary key, with no
 * joins and no recursive CTEs, so that a sharded PostgreSQL (Citus) runs each as an index lookup per shard: the walk
 * expands frontier by frontier (see docs/scaling-citus.md).
 */
export class LineageRepository {
  constructor(private readonly store: Store) {}

  /**
   * Every edge that leaves, reaches or is about one of `nodes`: one lookup per index, each with the nodes as one
   * parameter (see {@link inSet}), merged in that order. `skipTransformations` leaves out the transformations that lead
   * the other way from a walk — `out` of the nodes for a walk back, `in` to them for a walk forward — which a walk
   * never follows: a raw lot made into 100,000 serials has 100,000 of them. The kinds either side of
   * `transformed_into` are two ranges of the same index, so the skipped edges are never read.
   * @example `SELECT … FROM lineage_edge WHERE from_node = ANY($1)`, then `to_node = ANY($1)`, then `unit = ANY($1)`
   * (on PostgreSQL one statement: the three joined by `UNION ALL`).
   */
  async listEdgesTouching(nodes: readonly string[], options: EdgeLookupOptions = {}): Promise<LineageEdgeRow[]> {
    return this.listEdgesTouchingAtMost(nodes, null, options);
  }

  /**
   * {@link listEdgesTouching}, each lookup stopping after `limit` rows (null: no limit). For
   * questions one edge answers (was this code captured here?): a raw lot made into 100,000 serials has 100,000 edges.
   * Walks read whole: with `LIMIT ?` the same lookups ran 20–60 % slower on SQLite, though planned alike.
   */
  async listEdgesTouchingAtMost(nodes: readonly string[], limit: number | null, options: EdgeLookupOptions = {}): Promise<LineageEdgeRow[]> {
    if (nodes.length === 0) return [];
    // Nodes reached from their contents (a case from its item, a lot from its serial) are read without the edges to
    // their other contents, which such a walk never follows: a lot's 192 other serials, a case's 24 other items.
    const reachedUp = nodes.some((n) => options.reachedFromContents?.has(n)) ? options.reachedFromContents : undefined;
    // The others' set first ($1, perhaps empty), the reached-up nodes' second ($2).
    const groups = reachedUp ? [nodes.filter((n) => !reachedUp.has(n)), nodes.filter((n) => reachedUp.has(n))] : [nodes];
    type Lookup = { column: 'from_node' | 'to_node' | 'unit'; kind: '<' | '>' | null; group: number };
    const lookups = groups.flatMap((_, g) => (['from_node', 'to_node', 'unit'] as const).flatMap((column): Lookup[] => {
      const skip = (column === 'from_node' && options.skipTransformations === 'out') || (column === 'to_node' && options.skipTransformations === 'in');
      return skip ? [{ column, kind: '<', group: g }, { column, kind: '>', group: g }] : [{ column, kind: null, group: g }];
    }));
    const sets = groups.map((group) => setParameter(this.store, group));
    const bounded = limit !== null;
    // `unit <> ''` as the partial index lineage_edge_unit states it (migration 0012): no frontier node is ''.
    const texts = lookups.map((l) => `SELECT ${EDGE_COLUMNS.join(', ')} FROM lineage_edge WHERE ${inSet(this.store, l.column, l.group + 1)}`
      + `${l.column === 'unit' ? " AND unit <> ''" : ''}${l.kind ? ` AND kind ${l.kind} 'transformed_into'` : ''}${l.group ? REACHED_UP_FILTER[l.column] : ''}`
      + `${bounded ? ` LIMIT ${this.store.sqlite ? '?' : `$${sets.length + 1}`}` : ''}`);
    // The walks' hot read (trace, scan page): statements prepared once, rows as arrays. SQLite runs the lookups one by
    // one (no round trips to save); PostgreSQL as one statement joined by UNION ALL: one round trip a frontier.
    const results = this.store.sqlite
      ? await Promise.all(texts.map((text, i) => {
        const group = lookups[i]!.group;
        return groups[group]!.length === 0 ? [] : preparedRows(this.store, text, bounded ? [sets[group], limit] : [sets[group]]);
      }))
      : [await preparedRows(this.store, bounded ? texts.map((t) => `(${t})`).join(' UNION ALL ') : texts.join(' UNION ALL '), bounded ? [...sets, limit] : sets)];
    // An edge comes back once for each lookup it matches; only one matching more than one (between two frontier nodes,
    // or about one of them) needs a key to be kept once.
    const frontier = new Set(nodes);
    const skipOut = options.skipTransformations === 'out';
    const skipIn = options.skipTransformations === 'in';
    const seen = new Set<string>();
    const out: LineageEdgeRow[] = [];
    for (const rows of results) {
      for (const [from, to, kind, unit, eventRowId, eventTime, partyId, quantity, uom] of rows as EdgeTuple[]) {
        const skipped = kind === 'transformed_into';
        const byFrom = frontier.has(from) && !(skipOut && skipped) && !(reachedUp?.has(from) && DOWN_KINDS.has(kind) && to !== from);
        const byTo = frontier.has(to) && !(skipIn && skipped) && !(reachedUp?.has(to) && UP_KINDS.has(kind));
        const lookups = (byFrom ? 1 : 0) + (byTo ? 1 : 0) + (unit !== '' && frontier.has(unit) ? 1 : 0);
        if (lookups > 1) {
          const key = `${from}\u0000${kind}\u0000${to}\u0000${unit}\u0000${eventRowId}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push({ from, to, kind, unit, eventRowId, eventTime: Number(eventTime), partyId, quantity: quantity === null ? null : Number(quantity), uom });
      }
    }
    return out;
  }

  /** The events behind edges, by internal row id (the event table's distribution key): no body is read. */
  async listTraceEvents(ids: readonly string[]): Promise<TraceEventRow[]> {
    if (ids.length === 0) return [];
    const rows = await preparedRows(this.store, `SELECT ${TRACE_EVENT_COLUMNS} FROM event WHERE ${inSet(this.store, 'id')}`, [setParameter(this.store, ids)]);
    return (rows as TraceEventTuple[]).map(([id, eventId, hash, eventType, bizStep, readPoint, bizLocation, region, category, capturedBy, eventTime, timeZoneOffset]) => ({
      id,
      // The served eventID is the client's own, else the hash ID; the hash's 32 bytes give it back without the body.
      eventId: eventId ?? `ni:///sha-256;${Buffer.from(hash).toString('hex')}?ver=CBV2.0`,
      eventType, bizStep, readPoint, bizLocation, region, category, capturedBy, eventTime: Number(eventTime), timeZoneOffset,
    }));
  }

  /**
   * Which of `identities` (a firm's party and site URIs) the events name as a source or destination, given the `types`
   * they are named under ({@link listCounterpartyTypes}): what a firm's visibility needs of them. Every (identity,
   * role, type, event) is one exact probe of the identifier index's key. Without the type, a large firm's references
   * were scanned for the events: tens of thousands of entries, 15–40 ms a frontier on PostgreSQL at 1M events (and by
   * event id alone, a scan of every reference: 7 s).
   */
  async listCounterparties(ids: readonly string[], identities: readonly string[], types: readonly string[]): Promise<Array<{ eventRowId: string; value: string }>> {
    if (ids.length === 0 || identities.length === 0 || types.length === 0) return [];
    // The sets drive nested loops of exact probes; OFFSET 0 keeps PostgreSQL from merging the probe into a join it
    // would plan from guessed set sizes (it scanned the firm's references with the event ids as a filter).
    const text = this.store.sqlite
      ? `SELECT r.event_id, r.value FROM json_each(?) v CROSS JOIN (SELECT 'source' AS role UNION ALL SELECT 'destination') ro CROSS JOIN json_each(?) t
           CROSS JOIN json_each(?) e CROSS JOIN event_ref r WHERE r.value = v.value AND r.role = ro.role AND r.type = t.value AND r.event_id = e.value`
      : `SELECT r.event_id, r.value FROM unnest($1::text[]) v(value) CROSS JOIN unnest(ARRAY['source', 'destination']) ro(role) CROSS JOIN unnest($2::text[]) t(type)
           CROSS JOIN unnest($3::text[]) e(id) CROSS JOIN LATERAL (
             SELECT r.event_id, r.value FROM event_ref r WHERE r.value = v.value AND r.role = ro.role AND r.type = t.type AND r.event_id = e.id OFFSET 0
           ) r`;
    const rows = await preparedRows(this.store, text, [identities, types, ids].map((set) => setParameter(this.store, set)));
    return (rows as Array<[string, string]>).map(([eventRowId, value]) => ({ eventRowId, value }));
  }

  /**
   * The types (owning_party, possessing_party, location, or any other) under which `identities` are named as a source
   * or destination: a skip along the identifier index's key (value, role, type, …), one short probe per identity, role
   * and type, a round of probes at a time.
   */
  async listCounterpartyTypes(identities: readonly string[]): Promise<string[]> {
    const text = this.store.sqlite
      ? `SELECT v.value ->> '$[0]', v.value ->> '$[1]', (SELECT r.type FROM event_ref r WHERE r.value = v.value ->> '$[0]' AND r.role = v.value ->> '$[1]' AND r.type > v.value ->> '$[2]' ORDER BY r.type LIMIT 1) FROM json_each(?) v`
      : `SELECT v.value, v.role, (SELECT r.type FROM event_ref r WHERE r.value = v.value AND r.role = v.role AND r.type > v.after ORDER BY r.type LIMIT 1)
           FROM unnest($1::text[], $2::text[], $3::text[]) v(value, role, after)`;
    const found = new Set<string>();
    let open: Array<[value: string, role: string, after: string]> = identities.flatMap((value) => [[value, 'source', ''], [value, 'destination', '']] as Array<[string, string, string]>);
    while (open.length) {
      const values = this.store.sqlite ? [JSON.stringify(open)] : [0, 1, 2].map((c) => open.map((o) => o[c]));
      const rows = (await preparedRows(this.store, text, values)) as Array<[string, string, string | null]>;
      open = [];
      for (const [value, role, type] of rows) {
        if (type === null) continue;
        found.add(type);
        open.push([value, role, type]);
      }
    }
    return [...found].sort();
  }
}
