import { sql, type Insertable, type Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { QuantityAnomalyTable } from '../database.ts';
import { inRegulatorScope, type RegulatorScope } from './regulator-scope.ts';

export type QuantityAnomalyRow = Selectable<QuantityAnomalyTable>;

const CURSOR_KEY = 'anomaly.scanned_through';

export interface AnomalyFilter {
  /** A regulator's lines and regions; none = all. */
  scope?: RegulatorScope;
  holder?: string;
  since?: number;
  limit: number;
}

/**
 * The standing anomaly list and the scan's cursor. The scan walks the integrity ledger in leaf order — the order
 * events were committed in, gap-free — so no event is skipped however captures interleave.
 */
export class AnomalyRepository {
  constructor(private readonly store: Store) {}

  /** The ledger leaf index the scan has covered (exclusive), and the ledger's size now. */
  async progress(): Promise<{ scannedThrough: number; treeSize: number }> {
    const cursor = await this.store.db.selectFrom('setting').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
    const state = await this.store.db.selectFrom('ledger_state').select('tree_size').where('id', '=', 1).executeTakeFirst();
    return { scannedThrough: cursor ? Number(cursor.value) : 0, treeSize: Number(state?.tree_size ?? 0) };
  }

  /**
   * Units moved in quantity by the events of ledger leaves [from, to): the leaves by their index, each one's edges about
   * units by `lineage_edge_event` (migration 0011). That index is partial, and a store uses it only when the query
   * states its condition as written: `unit <> ''` is literal text here, not a parameter.
   */
  async listUnitsMovedInLeaves(from: number, to: number, kinds: readonly string[]): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('ledger_leaf as f')
      .innerJoin('lineage_edge as l', 'l.event_id', 'f.event_id')
      .select('l.unit')
      .distinct()
      .where('f.idx', '>=', from)
      .where('f.idx', '<', to)
      .where('l.kind', 'in', [...kinds])
      .where(sql<boolean>`l.unit <> ''`)
      .execute();
    return rows.map((r) => r.unit);
  }

  /** Stores what a scan step found (again-found anomalies are kept once) and moves the cursor forward, together. */
  async recordScanStep(anomalies: Insertable<QuantityAnomalyTable>[], scannedThrough: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < anomalies.length; i += 200) {
        await trx.insertInto('quantity_anomaly').values(anomalies.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
      }
      const value = String(scannedThrough);
      const current = await trx.selectFrom('setting').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
      if (!current) await trx.insertInto('setting').values({ key: CURSOR_KEY, value }).execute();
      // Two scanners may race; the cursor only moves forward.
      else if (Number(current.value) < scannedThrough) await trx.updateTable('setting').set({ value }).where('key', '=', CURSOR_KEY).execute();
    });
  }

  /** Anomalies in scope, newest event first. Anomalies of events with no product line are seen only by unscoped readers. */
  async listAnomalies(filter: AnomalyFilter): Promise<Array<QuantityAnomalyRow & { holder_name: string | null; body: string }>> {
    let q = this.store.db
      .selectFrom('quantity_anomaly as a')
      .innerJoin('event as e', 'e.id', 'a.event_row_id')
      .leftJoin('party as p', 'p.id', 'a.holder')
      .selectAll('a')
      .select(['p.name as holder_name', 'e.body']);
    if (filter.scope) q = q.where(inRegulatorScope(filter.scope, { category: 'a.category', region: 'a.region' }));
    if (filter.holder) q = q.where('a.holder', '=', filter.holder);
    if (filter.since !== undefined) q = q.where('a.event_time', '>=', filter.since);
    return q.orderBy('a.event_time', 'desc').orderBy('a.unit').limit(filter.limit).execute();
  }
}
