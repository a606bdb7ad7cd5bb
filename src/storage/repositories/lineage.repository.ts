import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { oneOf } from './one-of.ts';
import { rawStatement } from './raw-select.ts';
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

const EDGE_COLUMNS = ['from_node', 'to_node', 'kind', 'unit', 'event_id', 'event_time', 'party_id', 'quantity', 'uom'] as const;
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
   * parameter (see {@link oneOf}), merged in that order. `skipTransformations` leaves out the transformations that lead
   * the other way from a walk — `out` of the nodes for a walk back, `in` to them for a walk forward — which a walk
   * never follows: a raw lot made into 100,000 serials has 100,000 of them. The kinds either side of
   * `transformed_into` are two ranges of the same index, so the skipped edges are never read.
   * @example `SELECT … FROM lineage_edge WHERE from_node = ANY($1)`, then `to_node = ANY($1)`, then `unit = ANY($1)`
   * (on PostgreSQL one statement: the three joined by `UNION ALL`).
   */
  async listEdgesTouching(nodes: readonly string[], options: { skipTransformations?: 'out' | 'in' } = {}): Promise<LineageEdgeRow[]> {
    if (nodes.length === 0) return [];
    type Lookup = { column: 'from_node' | 'to_node' | 'unit'; kind: '<' | '>' | null };
    const lookups = (['from_node', 'to_node', 'unit'] as const).flatMap((column): Lookup[] => {
      const skip = (column === 'from_node' && options.skipTransformations === 'out') || (column === 'to_node' && options.skipTransformations === 'in');
      return skip ? [{ column, kind: '<' }, { column, kind: '>' }] : [{ column, kind: null }];
    });
    let results: unknown[][][];
    if (this.store.sqlite) {
      // The walks' hot read (trace, scan page): statements prepared once, rows as arrays — no query building, no
      // object per row.
      const json = JSON.stringify(nodes);
      results = lookups.map((l) => this.edgeStatement(l.column, l.kind).all(json) as unknown[][]);
    } else {
      // One statement, the lookups joined by UNION ALL: one round trip a frontier, not one per index.
      const parts = lookups.map((l) => {
        let q = this.store.db.selectFrom('lineage_edge').select([...EDGE_COLUMNS]).where(oneOf(this.store, l.column, nodes));
        if (l.kind) q = q.where('kind', l.kind, 'transformed_into');
        return q;
      });
      const rows = await parts.slice(1).reduce((all, q) => all.unionAll(q), parts[0]!).execute();
      results = [rows.map((r) => EDGE_COLUMNS.map((c) => r[c]))];
    }
    const seen = new Set<string>();
    const out: LineageEdgeRow[] = [];
    for (const rows of results) {
      for (const [from, to, kind, unit, eventRowId, eventTime, partyId, quantity, uom] of rows as EdgeTuple[]) {
        const key = `${from}\u0000${kind}\u0000${to}\u0000${unit}\u0000${eventRowId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ from, to, kind, unit, eventRowId, eventTime: Number(eventTime), partyId, quantity: quantity === null ? null : Number(quantity), uom });
      }
    }
    return out;
  }

  /** `SELECT <edge columns> … WHERE column IN (SELECT value FROM json_each(?))`, optionally one side of `transformed_into`. */
  private edgeStatement(column: 'from_node' | 'to_node' | 'unit', kind: '<' | '>' | null): BetterSqlite3.Statement {
    return rawStatement(this.store.sqlite!, `SELECT ${EDGE_COLUMNS.join(', ')} FROM lineage_edge WHERE ${column} IN (SELECT value FROM json_each(?))${kind ? ` AND kind ${kind} 'transformed_into'` : ''}`);
  }

  /** The events behind edges, by internal row id (the event table's distribution key): no body is read. */
  async listTraceEvents(ids: readonly string[]): Promise<TraceEventRow[]> {
    if (ids.length === 0) return [];
    // The set as one parameter: one statement text however many events a frontier brings.
    const rows = await this.store.db
      .selectFrom('event')
      .select(['id', 'event_id', 'event_hash', 'event_type', 'biz_step', 'read_point', 'biz_location', 'region', 'category', 'captured_by', 'event_time', 'event_time_zone_offset'])
      .where(oneOf(this.store, 'id', ids))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      // The served eventID is the client's own, else the hash ID; the hash's 32 bytes give it back without the body.
      eventId: r.event_id ?? `ni:///sha-256;${Buffer.from(r.event_hash).toString('hex')}?ver=CBV2.0`,
      eventType: r.event_type, bizStep: r.biz_step, readPoint: r.read_point, bizLocation: r.biz_location, region: r.region,
      category: r.category, capturedBy: r.captured_by, eventTime: Number(r.event_time), timeZoneOffset: r.event_time_zone_offset,
    }));
  }

  /**
   * Which of `identities` (a firm's party and site URIs) the events name as a source or destination: what a firm's
   * visibility needs of them. Read through the identifier index by value (its key's prefix): the firm's own references
   * only — by event id alone it was a scan of every reference (7 s a frontier at 2.6M events).
   */
  async listCounterparties(ids: readonly string[], identities: readonly string[]): Promise<Array<{ eventRowId: string; value: string }>> {
    if (ids.length === 0 || identities.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('event_ref')
      .select(['event_id', 'value'])
      .where(oneOf(this.store, 'value', identities))
      .where('role', 'in', ['source', 'destination'])
      .where(oneOf(this.store, 'event_id', ids))
      .execute();
    return rows.map((r) => ({ eventRowId: r.event_id, value: r.value }));
  }

  /** Names of parties by id or by canonical URI. */
  async listPartyNames(ids: readonly string[], uris: readonly string[]): Promise<Array<{ id: string; uri: string; name: string; region: string }>> {
    const lookups = (column: 'id' | 'uri', values: readonly string[]) =>
      values.length === 0 ? [] : this.store.db.selectFrom('party').select(['id', 'uri', 'name', 'region']).where(oneOf(this.store, column, values)).execute();
    const [byId, byUri] = await Promise.all([lookups('id', ids), lookups('uri', uris)]);
    return [...byId, ...byUri];
  }

  /** Sites by canonical URI: name, region and owning party. */
  async listSites(uris: readonly string[]): Promise<Array<{ uri: string; name: string; region: string; partyId: string }>> {
    if (uris.length === 0) return [];
    const rows = await this.store.db.selectFrom('site').select(['uri', 'name', 'region', 'party_id']).where(oneOf(this.store, 'uri', uris)).execute();
    return rows.map((r) => ({ uri: r.uri, name: r.name, region: r.region, partyId: r.party_id }));
  }

  /** Product names and lines by class URI. */
  async listProducts(classUris: readonly string[]): Promise<Array<{ classUri: string; name: string; category: string }>> {
    if (classUris.length === 0) return [];
    const rows = await this.store.db.selectFrom('product').select(['class_uri', 'name', 'category']).where(oneOf(this.store, 'class_uri', classUris)).execute();
    return rows.map((r) => ({ classUri: r.class_uri, name: r.name, category: r.category }));
  }
}
