import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { BlacklistEntryTable, ConsumerNoticeTable } from '../database.ts';
import { inSet, preparedObjects, setParameter } from './raw-select.ts';

export type ConsumerNoticeRow = Selectable<ConsumerNoticeTable>;
export type BlacklistEntryRow = Selectable<BlacklistEntryTable> & { party_name: string; party_uscc: string; party_region: string };

/** What a scanned code is about, for finding the notices and blacklist entries that concern it. */
export interface NoticeSubject {
  /** The unit, its lot and product class: canonical codes. */
  codes: readonly string[];
  /** Firms on the unit's chain. */
  partyIds: readonly string[];
  category: string | null;
}

/** Consumer notices 消费提示 and the dishonesty blacklist 黑名单, both published by regulators. */
export class NoticeRepository {
  constructor(private readonly store: Store) {}

  async insertNotice(row: Insertable<ConsumerNoticeTable>, codes: readonly string[]): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('consumer_notice').values(row).execute();
      if (codes.length) await trx.insertInto('notice_code').values(codes.map((code) => ({ code, notice_id: row.id }))).execute();
    });
  }

  async findNotice(id: string): Promise<ConsumerNoticeRow | undefined> {
    return this.store.db.selectFrom('consumer_notice').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async withdrawNotice(id: string, at: string): Promise<boolean> {
    const r = await this.store.db.updateTable('consumer_notice').set({ withdrawn_at: at }).where('id', '=', id).where('withdrawn_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Notices in force, newest first. */
  async listActiveNotices(limit: number): Promise<ConsumerNoticeRow[]> {
    return this.store.db.selectFrom('consumer_notice').selectAll().where('withdrawn_at', 'is', null).orderBy('published_at', 'desc').limit(limit).execute();
  }

  /**
   * Notices in force that concern a subject: naming one of its codes, one of its firms, or its whole product line
   * (a notice that names neither codes nor a firm).
   */
  async listNoticesConcerning(subject: NoticeSubject): Promise<ConsumerNoticeRow[]> {
    // Read by every scan page: one statement text, prepared once, whatever the subject (an empty set matches nothing,
    // a null category neither).
    const sqlite = this.store.dialect === 'sqlite';
    const text = `SELECT n.* FROM consumer_notice n WHERE n.withdrawn_at IS NULL AND (
        n.id IN (SELECT notice_id FROM notice_code WHERE ${inSet(this.store, 'code', 1)})
        OR ${inSet(this.store, 'n.party_id', 2)}
        OR (n.category = ${sqlite ? '?' : '$3::text'} AND n.party_id IS NULL AND n.codes = '[]'))`;
    const rows = await preparedObjects<ConsumerNoticeRow>(this.store, text, [setParameter(this.store, subject.codes), setParameter(this.store, subject.partyIds), subject.category]);
    return newestFirst(rows, (n) => n.published_at).slice(0, 20);
  }

  async insertBlacklistEntry(row: Insertable<BlacklistEntryTable>): Promise<void> {
    await this.store.db.insertInto('blacklist_entry').values(row).execute();
  }

  async removeBlacklistEntry(id: string, at: string): Promise<boolean> {
    const r = await this.store.db.updateTable('blacklist_entry').set({ removed_at: at }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Entries in force at `now` (not removed, not expired), optionally only for some firms. */
  async listBlacklist(now: string, partyIds?: readonly string[]): Promise<BlacklistEntryRow[]> {
    if (partyIds && partyIds.length === 0) return [];
    const inForce = `SELECT b.*, p.name AS party_name, p.uscc AS party_uscc, p.region AS party_region
      FROM blacklist_entry b JOIN party p ON p.id = b.party_id
      WHERE b.removed_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > ${this.store.dialect === 'sqlite' ? '?' : '$1::text'})`;
    // A scan page's few firms: their few entries sorted here (see newestFirst); the whole list by the store.
    if (partyIds) {
      const rows = await preparedObjects<BlacklistEntryRow>(this.store, `${inForce} AND ${inSet(this.store, 'b.party_id', 2)}`, [now, setParameter(this.store, partyIds)]);
      return newestFirst(rows, (b) => b.listed_at).slice(0, 500);
    }
    return preparedObjects<BlacklistEntryRow>(this.store, `${inForce} ORDER BY b.listed_at DESC, b.id DESC LIMIT 500`, [now]);
  }
}

/**
 * Rows newest first (ties by id, which grows with time), sorted in JS: the scan page's few notices and entries. Asked
 * of SQLite, ORDER BY on such a read set up a sorter that cost 20 µs on an empty table, and ~100 µs in the middle of a
 * scan page's work — most of the read.
 */
function newestFirst<T extends { id: string }>(rows: T[], at: (row: T) => string): T[] {
  return rows.sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
