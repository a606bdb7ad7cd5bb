import type { Store } from '../open-database.ts';
import { oneOf } from './lineage.repository.ts';

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
   * Three statements however many units, each with its set as one parameter (see `oneOf`): the edges about the units
   * (index lineage_edge_unit), the edges into them (lineage_edge_to), then each event they name once — its region,
   * product line and body — rather than joining the event to every edge: a transformation of 1,000 serials is read once,
   * and in a sharded store the event table is distributed by its own key, not the unit.
   */
  async listMovementsOfUnits(units: readonly string[], options: { withBody?: boolean } = {}): Promise<UnitMovement[]> {
    if (units.length === 0) return [];
    const withBody = options.withBody ?? true;
    const columns = ['unit', 'kind', 'from_node', 'to_node', 'event_id', 'event_time', 'party_id', 'quantity', 'uom'] as const;
    const about = await this.store.db.selectFrom('lineage_edge').select(columns).where(oneOf(this.store, 'unit', units)).execute();
    const into = await this.store.db
      .selectFrom('lineage_edge')
      .select(columns)
      .where(oneOf(this.store, 'to_node', units))
      .where('kind', 'in', ['unpacked', 'packed'])
      .execute();
    type Row = (typeof about)[number];
    const byUnit = new Map<string, Row[]>();
    const push = (unit: string, r: Row) => {
      const list = byUnit.get(unit);
      if (list) list.push(r);
      else byUnit.set(unit, [r]);
    };
    for (const r of about) push(r.unit, r);
    const seenPacking = new Set<string>();
    for (const r of into) {
      if (r.kind === 'packed') {
        const key = `${r.event_id}\u0000${r.to_node}`;
        if (seenPacking.has(key)) continue;
        seenPacking.add(key);
      }
      push(r.to_node, { ...r, unit: r.to_node, quantity: null });
    }
    const events = await this.eventsOf([...new Set([...about, ...into].map((r) => r.event_id))], withBody);

    const out: UnitMovement[] = [];
    for (let i = 0; i < units.length; i += CHUNK) {
      const batch = [...new Set(units.slice(i, i + CHUNK))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const unit of batch) {
        const rows = byUnit.get(unit);
        if (!rows) continue;
        // Stable: edges of one event keep the order the store gave them, the edges about the unit first.
        rows.sort((a, b) => Number(a.event_time) - Number(b.event_time) || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
        for (const r of rows) {
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

  /** Region, product line and (when asked) body of each event, by row id. */
  private async eventsOf(ids: readonly string[], withBody: boolean): Promise<Map<string, { region: string | null; category: string | null; body: string }>> {
    const out = new Map<string, { region: string | null; category: string | null; body: string }>();
    if (ids.length === 0) return out;
    const rows = await this.store.db
      .selectFrom('event')
      .select(['id', 'region', 'category'])
      .$if(withBody, (q) => q.select('body'))
      .where(oneOf(this.store, 'id', ids))
      .execute();
    for (const r of rows) out.set(r.id, { region: r.region, category: r.category, body: (r as { body?: string }).body ?? '' });
    return out;
  }

  /** Which party each party or site URI belongs to, with the party's name and region. */
  async partiesByUris(uris: readonly string[]): Promise<Map<string, { partyId: string; name: string; region: string }>> {
    const out = new Map<string, { partyId: string; name: string; region: string }>();
    for (let i = 0; i < uris.length; i += CHUNK) {
      const chunk = uris.slice(i, i + CHUNK);
      const parties = await this.store.db.selectFrom('party').select(['id', 'uri', 'name', 'region']).where('uri', 'in', chunk).execute();
      for (const p of parties) out.set(p.uri, { partyId: p.id, name: p.name, region: p.region });
      const sites = await this.store.db
        .selectFrom('site as s')
        .innerJoin('party as p', 'p.id', 's.party_id')
        .select(['s.uri', 'p.id', 'p.name', 's.region'])
        .where('s.uri', 'in', chunk)
        .execute();
      for (const s of sites) out.set(s.uri, { partyId: s.id, name: s.name, region: s.region });
    }
    return out;
  }

  /** The bodies of events by row id, each once (an event with many units would otherwise repeat per movement). */
  async eventBodies(eventRowIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < eventRowIds.length; i += CHUNK) {
      for (const e of await this.store.db.selectFrom('event').select(['id', 'body']).where('id', 'in', eventRowIds.slice(i, i + CHUNK)).execute()) {
        out.set(e.id, e.body);
      }
    }
    return out;
  }

  /** Site names and addresses by canonical site URI. */
  async sitesByUris(uris: readonly string[]): Promise<Map<string, { name: string; address: string; region: string }>> {
    const out = new Map<string, { name: string; address: string; region: string }>();
    for (let i = 0; i < uris.length; i += CHUNK) {
      for (const s of await this.store.db.selectFrom('site').select(['uri', 'name', 'address', 'region']).where('uri', 'in', uris.slice(i, i + CHUNK)).execute()) {
        out.set(s.uri, { name: s.name, address: s.address, region: s.region });
      }
    }
    return out;
  }

  async partiesByIds(ids: readonly string[]): Promise<Map<string, { name: string; region: string }>> {
    const out = new Map<string, { name: string; region: string }>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const p of await this.store.db.selectFrom('party').select(['id', 'name', 'region']).where('id', 'in', ids.slice(i, i + CHUNK)).execute()) {
        out.set(p.id, { name: p.name, region: p.region });
      }
    }
    return out;
  }
}
