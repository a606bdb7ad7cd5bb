import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { RecallNoticeTable, RecallTable } from '../database.ts';

export type RecallRow = Selectable<RecallTable>;
export type RecallNoticeRow = Selectable<RecallNoticeTable>;

const CHUNK = 500;

/** Recalls, their notices, and the unit-to-unit edges a recall walks. */
export class RecallRepository {
  constructor(private readonly store: Store) {}

  /** Stores a recall, one notice per holder and the units it reached, together. */
  async insertRecall(recall: Insertable<RecallTable>, notices: Insertable<RecallNoticeTable>[], units: readonly string[]): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('recall').values(recall).execute();
      if (notices.length) await trx.insertInto('recall_notice').values(notices).execute();
      for (let i = 0; i < units.length; i += CHUNK) {
        await trx.insertInto('recall_unit').values(units.slice(i, i + CHUNK).map((unit) => ({ unit, recall_id: recall.id }))).execute();
      }
    });
  }

  /** For each of the units under an open recall, the ids of those recalls. */
  async listOpenRecallsOfUnits(units: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < units.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('recall_unit as u')
        .innerJoin('recall as r', 'r.id', 'u.recall_id')
        .select(['u.unit', 'u.recall_id'])
        .where('u.unit', 'in', units.slice(i, i + CHUNK))
        .where('r.status', '=', 'open')
        .execute();
      for (const r of rows) out.set(r.unit, [...(out.get(r.unit) ?? []), r.recall_id]);
    }
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
   * Unit-to-unit edges of the given kinds leaving (`from`) or reaching (`to`) any of the nodes, in batches — one
   * frontier of a walk, as a sharded store can run it.
   */
  async listUnitEdges(nodes: readonly string[], side: 'from' | 'to', kinds: readonly string[]): Promise<Array<{ from: string; to: string; kind: string; quantity: number | null; uom: string | null }>> {
    const out: Array<{ from: string; to: string; kind: string; quantity: number | null; uom: string | null }> = [];
    const column = side === 'from' ? 'from_node' : 'to_node';
    for (let i = 0; i < nodes.length; i += CHUNK) {
      const rows = await this.store.db
        .selectFrom('lineage_edge')
        .select(['from_node', 'to_node', 'kind', 'quantity', 'uom'])
        .where(column, 'in', nodes.slice(i, i + CHUNK))
        .where('kind', 'in', [...kinds])
        .where('unit', '=', '')
        .execute();
      for (const r of rows) out.push({ from: r.from_node, to: r.to_node, kind: r.kind, quantity: r.quantity === null ? null : Number(r.quantity), uom: r.uom });
    }
    return out;
  }
}
