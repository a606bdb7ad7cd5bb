import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { ProductTable } from '../database.ts';
import { rawSelectIn } from './raw-select.ts';

export type ProductRow = Selectable<ProductTable>;

/** Products firms register; their class URIs tie events to a product line. */
export class ProductRepository {
  /**
   * Registered products by class URI, as read. Every scan and linkset looks its product up; products are never
   * updated or deleted (there is no such operation), so a row once read stays true and only found rows are kept —
   * a product registered by another process is found on its first lookup. Bounded, oldest dropped first.
   */
  private readonly byClassUri = new Map<string, ProductRow>();
  private static readonly KEPT = 20_000;

  constructor(private readonly store: Store) {}

  async insertProduct(product: Insertable<ProductTable>): Promise<void> {
    await this.store.db.insertInto('product').values(product).execute();
  }

  async findProductByClassUri(classUri: string): Promise<ProductRow | undefined> {
    const known = this.byClassUri.get(classUri);
    if (known) return known;
    const row = await this.store.db.selectFrom('product').selectAll().where('class_uri', '=', classUri).executeTakeFirst();
    if (row) {
      if (this.byClassUri.size >= ProductRepository.KEPT) this.byClassUri.delete(this.byClassUri.keys().next().value!);
      this.byClassUri.set(classUri, row);
    }
    return row;
  }

  /** Products by class URI. On SQLite this reads through the raw handle, because it runs inside a capture that holds the connection. */
  async listProductsByClassUris(classUris: readonly string[]): Promise<ProductRow[]> {
    if (classUris.length === 0) return [];
    if (this.store.sqlite) return rawSelectIn<ProductRow>(this.store.sqlite, 'product', 'class_uri', classUris);
    const rows: ProductRow[] = [];
    for (let i = 0; i < classUris.length; i += 500) rows.push(...(await this.store.db.selectFrom('product').selectAll().where('class_uri', 'in', classUris.slice(i, i + 500)).execute()));
    return rows;
  }

  async listProductsOfParty(partyId: string): Promise<ProductRow[]> {
    return this.store.db.selectFrom('product').selectAll().where('party_id', '=', partyId).orderBy('id').execute();
  }
}
