import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { ComplaintTable } from '../database.ts';
import { inRegulatorScope, type RegulatorScope } from './regulator-scope.ts';

export type ComplaintRow = Selectable<ComplaintTable>;

export interface ComplaintFilter {
  /** A regulator's lines and regions (complaints with no region are shown to every reader of the line); none = all. */
  scope?: RegulatorScope;
  status?: string;
  limit: number;
}

/** Complaints 投诉 from the public and regulators' answers. */
export class ComplaintRepository {
  constructor(private readonly store: Store) {}

  async insertComplaint(row: Insertable<ComplaintTable>): Promise<void> {
    await this.store.db.insertInto('complaint').values(row).execute();
  }

  async findByTrackingNo(trackingNo: string): Promise<ComplaintRow | undefined> {
    return this.store.db.selectFrom('complaint').selectAll().where('tracking_no', '=', trackingNo).executeTakeFirst();
  }

  async findComplaint(id: string): Promise<ComplaintRow | undefined> {
    return this.store.db.selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listComplaints(filter: ComplaintFilter): Promise<ComplaintRow[]> {
    let q = this.store.db.selectFrom('complaint').selectAll();
    if (filter.scope) q = q.where(inRegulatorScope(filter.scope, { category: 'category', region: 'region' }, { regionMayBeNull: true }));
    if (filter.status) q = q.where('status', '=', filter.status);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /** Records the answer; false when the complaint was already answered (first answer wins). */
  async answerComplaint(id: string, answer: string, answeredBy: string, at: string): Promise<boolean> {
    const result = await this.store.db
      .updateTable('complaint')
      .set({ answer, answered_by: answeredBy, answered_at: at, status: 'answered' })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
