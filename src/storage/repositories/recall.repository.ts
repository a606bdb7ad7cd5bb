import { sql, type Insertable, type Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { RecallNoticeTable, RecallTable } from '../database.ts';
import { oneOf } from './one-of.ts';
import { inSet, largeSet, offloadedValues, preparedRows, setParameter, sqlLiterals } from './raw-select.ts';

export type RecallRow = Selectable<RecallTable>;
export type RecallNoticeRow = Selectable<RecallNoticeTable>;

/** The far ends of edges as a walk adds them, by column: each node, and the quantity and unit of measure its edge gives it. */
export interface EdgeEnds {
  node: string[];
  quantity: Array<number | null>;
  uom: Array<string | null>;
}

/** Recalls, their notices, and the unit-to-unit edges a recall walks. */
export class RecallRepository {
  constructor(private readonly store: Store) {}

  /** Stores a recall, one notice per holder and the units it reached, together. */
  async insertRecall(recall: Insertable<RecallTable>, notices: Insertable<RecallNoticeTable>[], units: readonly string[]): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('recall').values(recall).execute();
      if (notices.length) await trx.insertInto('recall_notice').values(notices).execute();
      // One statement with the units as one parameter, in key order: 100,000 rows in ~0.4 s on SQLite, where inserts
      // of 500 rows each in the walk's order took 0.7–1.1 s (each a descent to another page of the key's index), the
      // server's one thread held for all of it.
      if (units.length) {
        const set = this.store.dialect === 'sqlite' ? sql`SELECT value, ${recall.id} FROM json_each(${JSON.stringify(units)}) ORDER BY 1` : sql`SELECT u, ${recall.id} FROM unnest(${[...units]}::text[]) AS u ORDER BY 1`;
        await sql`INSERT INTO recall_unit (unit, recall_id) ${set}`.execute(trx);
      }
    });
  }

  /** For each of the units under an open recall, the ids of those recalls. */
  async listOpenRecallsOfUnits(units: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (units.length === 0) return out;
    // Read by every trace and scan page: prepared once, the units as one parameter.
    const rows = await preparedRows(this.store, `SELECT u.unit, u.recall_id FROM recall_unit u JOIN recall r ON r.id = u.recall_id WHERE ${inSet(this.store, 'u.unit')} AND r.status = 'open'`, [setParameter(this.store, units)]);
    for (const [unit, recallId] of rows as Array<[string, string]>) out.set(unit, [...(out.get(unit) ?? []), recallId]);
    return out;
  }

  async findRecall(id: string): Promise<RecallRow | undefined> {
    return this.store.db.selectFrom('recall').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listNoticesOfRecall(recallId: string): Promise<RecallNoticeRow[]> {
    return this.store.db.selectFrom('recall_notice').selectAll().where('recall_id', '=', recallId).orderBy('party_id').execute();
  }

  async listNoticesOfParty(partyId: string): Promise<Array<RecallNoticeRow & { reason: string; severity: string; codes: string; recall_status: string }>> {
    return this.store.db
      .selectFrom('recall_notice as n')
      .innerJoin('recall as r', 'r.id', 'n.recall_id')
      .selectAll('n')
      .select(['r.reason', 'r.severity', 'r.codes', 'r.status as recall_status'])
      .where('n.party_id', '=', partyId)
      .orderBy('n.created_at', 'desc')
      .execute();
  }

  async findNotice(id: string): Promise<RecallNoticeRow | undefined> {
    return this.store.db.selectFrom('recall_notice').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async closeRecall(id: string, at: string): Promise<void> {
    await this.store.db.updateTable('recall').set({ status: 'closed', closed_at: at }).where('id', '=', id).where('status', '=', 'open').execute();
  }

  async acknowledgeNotice(id: string, at: string): Promise<void> {
    await this.store.db.updateTable('recall_notice').set({ status: 'acknowledged', acknowledged_at: at }).where('id', '=', id).where('status', '=', 'sent').execute();
  }

  /**
   * Unit-to-unit edges of the given kinds leaving (`from`) or reaching (`to`) any of the nodes: one frontier of a walk,
   * as one statement with the frontier as one parameter (see {@link oneOf}), as a sharded store can run it.
   */
  async listUnitEdges(nodes: readonly string[], side: 'from' | 'to', kinds: readonly string[]): Promise<Array<{ from: string; to: string; kind: string; quantity: number | null; uom: string | null }>> {
    if (nodes.length === 0 || kinds.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('lineage_edge')
      .select(['from_node', 'to_node', 'kind', 'quantity', 'uom'])
      .where(oneOf(this.store, side === 'from' ? 'from_node' : 'to_node', nodes))
      .where('kind', 'in', [...kinds])
      .where(sql<boolean>`${sql.raw(this.noUnit())}`)
      .execute();
    return rows.map((r) => ({ from: r.from_node, to: r.to_node, kind: r.kind, quantity: r.quantity === null ? null : Number(r.quantity), uom: r.uom }));
  }

  /**
   * The far ends of those edges, each with the quantity and unit of measure an edge gives it, in the order the store
   * meets them, leaving out edges from a node to itself: what a walk adds to its set. A large frontier's come back once
   * per distinct (end, quantity, uom) (100,000 serials packed into 1,000 cases: 1,000 rows); a small one's may repeat.
   * By column: a lot made into 100,000 serials is 100,000 ends, and an object or array for each was most of the read.
   */
  async listEdgeEnds(nodes: readonly string[], side: 'from' | 'to', kinds: readonly string[]): Promise<EdgeEnds> {
    const ends: EdgeEnds = { node: [], quantity: [], uom: [] };
    if (nodes.length === 0 || kinds.length === 0) return ends;
    const far = side === 'from' ? 'to_node' : 'from_node';
    const list = sqlLiterals(kinds);
    // Packing or association leads from a child to its container, whose quantity is not the child's: left unknown.
    const toContainer = side === 'from' ? `kind IN ('packed', 'associated')` : 'FALSE';
    const quantity = `CASE WHEN ${toContainer} THEN NULL ELSE quantity END`;
    const uom = `CASE WHEN ${toContainer} THEN NULL ELSE uom END`;
    const frontier = largeSet(this.store, nodes);
    const inFrontier = frontier.in(side === 'from' ? 'from_node' : 'to_node');
    const parameter = [frontier.parameter];
    if (this.store.dialect === 'sqlite') {
      // One text value a row, read as plain strings (`pluck`): an array a row cost more than the read. The value is
      // the end alone when the edge gives it no quantity (a lot made into serials gives each none), else the end with
      // its quantity and unit of measure. `%!.17g` prints 17 significant digits, the double itself; `%.17g` stops at 15.
      // A large frontier has a few edges per node: one index seek per node, the kinds checked on the row (`+kind`),
      // rather than a seek per node and kind. A small frontier fans out to ends that are mostly distinct (one lot,
      // 100,000 serials): they come back as met, repeats and all (the walk adds each end once), without DISTINCT.
      const large = nodes.length >= LARGE_FRONTIER;
      const value = `CASE WHEN ${quantity} IS NULL AND ${uom} IS NULL THEN ${far} ELSE ${far} || char(31) || ifnull(printf('%!.17g', ${quantity}), '') || char(31) || ifnull(${uom}, '') END`;
      const text = `SELECT ${large ? 'DISTINCT ' : ''}${value} FROM lineage_edge WHERE ${inFrontier} AND ${large ? '+kind' : 'kind'} IN (${list}) AND ${this.noUnit()} AND from_node <> to_node`;
      // On the worker's connection: the read of a frontier of 100,000 serials (~300 ms), or of one lot's 100,000 ends,
      // would otherwise hold the server's thread, and every scan page waiting on it, for that long.
      for (const v of (await offloadedValues(this.store, text, parameter)) as string[]) {
        if (v.indexOf('\u001f') < 0) {
          ends.node.push(v);
          ends.quantity.push(null);
          ends.uom.push(null);
        } else {
          const [node, q, u] = v.split('\u001f') as [string, string, string];
          ends.node.push(node);
          ends.quantity.push(q === '' ? null : Number(q));
          ends.uom.push(u === '' ? null : u);
        }
      }
      return ends;
    }
    // A small frontier's ends as met, without DISTINCT, as on SQLite: hashing a lot's 100,000 serials took 100 ms.
    const select = nodes.length < LARGE_FRONTIER
      ? `SELECT ${far} AS node, ${quantity} AS quantity, ${uom} AS uom FROM lineage_edge WHERE ${inFrontier} AND kind IN (${list}) AND ${this.noUnit()} AND from_node <> to_node`
      // OFFSET 0 keeps the kinds out of the index condition, where each node × kind pair would be one more descent.
      : `SELECT DISTINCT node, ${quantity} AS quantity, ${uom} AS uom FROM (
          SELECT ${far} AS node, kind, quantity, uom FROM lineage_edge WHERE ${inFrontier} AND unit = '' AND from_node <> to_node OFFSET 0
        ) e WHERE kind IN (${list})`;
    // By column, as three JSON arrays in one row, in the order the rows came: node-pg made 100,000 rows (a lot's
    // serials) in ~200 ms, JSON.parse reads the same in a tenth of that. float8's JSON is its shortest exact form.
    const [row] = (await preparedRows(this.store, `SELECT json_agg(node), json_agg(quantity), json_agg(uom) FROM (${select}) e`, parameter)) as Array<[string[] | null, Array<number | null> | null, Array<string | null> | null]>;
    return row?.[0] ? { node: row[0], quantity: row[1]!, uom: row[2]! } : ends;
  }

  /** `unit = ''` (edges between units), kept out of SQLite's index choice: its unit index would cost a row lookup. */
  private noUnit(): string {
    return this.store.dialect === 'sqlite' ? `+unit = ''` : `unit = ''`;
  }
}

/** Frontiers of this many nodes and more check edge kinds on the row instead of seeking each kind in the index. */
const LARGE_FRONTIER = 1_000;
