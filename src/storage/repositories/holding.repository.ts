import type { Store } from '../open-database.ts';

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
   * Every edge about any of the units, in batches, oldest first within each unit — plus, from the edges stored between
   * units, each time one of them was taken out of a container (`unpacked`, about the unit taken out) or was packed
   * into as a container (`packed`, about the container, once per event).
   * `withBody: false` skips the event bodies (body is then '').
   */
  async listMovementsOfUnits(units: readonly string[], options: { withBody?: boolean } = {}): Promise<UnitMovement[]> {
    const withBody = options.withBody ?? true;
    const out: UnitMovement[] = [];
    for (let i = 0; i < units.length; i += CHUNK) {
      const chunk = units.slice(i, i + CHUNK);
      const select = ['l.unit', 'l.kind', 'l.from_node', 'l.to_node', 'l.event_id', 'l.event_time', 'l.party_id', 'l.quantity', 'l.uom', 'e.region', 'e.category'] as const;
      const about = this.store.db
        .selectFrom('lineage_edge as l')
        .innerJoin('event as e', 'e.id', 'l.event_id')
        .select(select)
        .$if(withBody, (q) => q.select('e.body'))
        .where('l.unit', 'in', chunk);
      const unpacked = this.store.db
        .selectFrom('lineage_edge as l')
        .innerJoin('event as e', 'e.id', 'l.event_id')
        .select(select)
        .$if(withBody, (q) => q.select('e.body'))
        .where('l.kind', 'in', ['unpacked', 'packed'])
        .where('l.to_node', 'in', chunk);
      const seenPacking = new Set<string>();
      const between = (await unpacked.execute()).filter((r) => {
        if (r.kind !== 'packed') return true;
        const key = `${r.event_id}\u0000${r.to_node}`;
        if (seenPacking.has(key)) return false;
        seenPacking.add(key);
        return true;
      });
      const rows = [...(await about.execute()), ...between.map((r) => ({ ...r, unit: r.to_node, quantity: null }))];
      rows.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : Number(a.event_time) - Number(b.event_time) || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0)));
      for (const r of rows) {
        out.push({
          unit: r.unit, kind: r.kind, fromNode: r.from_node, toNode: r.to_node, eventRowId: r.event_id, eventTime: Number(r.event_time),
          partyId: r.party_id, quantity: r.quantity === null ? null : Number(r.quantity), uom: r.uom, body: (r as { body?: string }).body ?? '', region: r.region,
          category: r.category,
        });
      }
    }
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
