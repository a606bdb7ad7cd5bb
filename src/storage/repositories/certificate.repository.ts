import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { CertificateTable } from '../database.ts';
import { preparedObjects } from './raw-select.ts';

export type CertificateRow = Selectable<CertificateTable>;

/** Certificates held by firms and their products. */
export class CertificateRepository {
  constructor(private readonly store: Store) {}

  async insertCertificate(row: Insertable<CertificateTable>): Promise<void> {
    await this.store.db.insertInto('certificate').values(row).execute();
  }

  /**
   * A firm's certificates: those of the firm itself and, when `productId` is given, those of that product; with
   * `validOn` (YYYY-MM-DD), only those valid that day (no bound means open-ended).
   */
  async listCertificatesOf(partyId: string, productId?: string, validOn?: string): Promise<CertificateRow[]> {
    // Read by every scan page and label sheet: one statement text, prepared once (a null product or day matches as
    // the rule above says), rows ordered here rather than by a sorter set up for a handful of rows.
    const sqlite = this.store.dialect === 'sqlite';
    const text = sqlite
      ? `SELECT * FROM certificate WHERE party_id = ? AND (product_id IS NULL OR product_id = ?)
           AND (? IS NULL OR ((valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?)))`
      : `SELECT * FROM certificate WHERE party_id = $1 AND (product_id IS NULL OR product_id = $2::text)
           AND ($3::text IS NULL OR ((valid_from IS NULL OR valid_from <= $3) AND (valid_to IS NULL OR valid_to >= $3)))`;
    const on = validOn ?? null;
    const rows = await preparedObjects<CertificateRow>(this.store, text, sqlite ? [partyId, productId ?? null, on, on, on] : [partyId, productId ?? null, on]);
    return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  }

  async listCertificatesOfParty(partyId: string): Promise<CertificateRow[]> {
    return this.store.db.selectFrom('certificate').selectAll().where('party_id', '=', partyId).orderBy('created_at').execute();
  }
}
