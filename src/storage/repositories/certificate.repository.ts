import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { CertificateTable } from '../database.ts';

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
    let q = this.store.db
      .selectFrom('certificate')
      .selectAll()
      .where('party_id', '=', partyId)
      .where((eb) => (productId ? eb.or([eb('product_id', 'is', null), eb('product_id', '=', productId)]) : eb('product_id', 'is', null)));
    if (validOn) {
      q = q
        .where((eb) => eb.or([eb('valid_from', 'is', null), eb('valid_from', '<=', validOn)]))
        .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', validOn)]));
    }
    return q.orderBy('created_at').execute();
  }

  async listCertificatesOfParty(partyId: string): Promise<CertificateRow[]> {
    return this.store.db.selectFrom('certificate').selectAll().where('party_id', '=', partyId).orderBy('created_at').execute();
  }
}
