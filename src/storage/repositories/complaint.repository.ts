import { sql, type Insertable, type Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { ComplaintTable } from '../database.ts';

export type ComplaintRow = Selectable<ComplaintTable>;

export interface ComplaintFilter {
  /** Product lines the reader oversees; `undefined` = all. */
  categories?: readonly string[];
  /** GB/T 2260 prefixes the reader covers; complaints with no region are shown to every reader of the line. */
  regionPrefixes?: readonly string[];
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
    if (filter.categories) {
      const categories = [...filter.categories];
      q = categories.length ? q.where('category', 'in', categories) : q.where(sql<boolean>`1 = 0`);
    }
    if (filter.regionPrefixes) {
      const prefixes = [...filter.regionPrefixes];
      q = q.where((eb) => eb.or([eb('region', 'is', null), ...prefixes.map((p) => eb('region', 'like', `${p}%`))]));
    }
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
