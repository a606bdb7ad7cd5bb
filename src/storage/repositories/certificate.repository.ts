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

  /** A firm's certificates: those of the firm itself and, when `productId` is given, those of that product. */
  async listCertificatesOf(partyId: string, productId?: string): Promise<CertificateRow[]> {
    return this.store.db
      .selectFrom('certificate')
      .selectAll()
      .where('party_id', '=', partyId)
      .where((eb) => (productId ? eb.or([eb('product_id', 'is', null), eb('product_id', '=', productId)]) : eb('product_id', 'is', null)))
      .orderBy('created_at')
      .execute();
  }

  async listCertificatesOfParty(partyId: string): Promise<CertificateRow[]> {
    return this.store.db.selectFrom('certificate').selectAll().where('party_id', '=', partyId).orderBy('created_at').execute();
  }
}
