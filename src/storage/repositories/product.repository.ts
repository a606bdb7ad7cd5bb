import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { ProductTable } from '../database.ts';
import { FoundRows } from './found-rows.ts';
import { readByKey } from './raw-select.ts';

export type ProductRow = Selectable<ProductTable>;

/** Products firms register; their class URIs tie events to a product line. */
export class ProductRepository {
  /** Registered products by class URI, as read (see FoundRows): every scan and linkset looks its product up. */
  readonly #byClassUri = new FoundRows<ProductRow>(20_000);

  constructor(private readonly store: Store) {}

  async insertProduct(product: Insertable<ProductTable>): Promise<void> {
    await this.store.db.insertInto('product').values(product).execute();
  }

  async findProductByClassUri(classUri: string): Promise<ProductRow | undefined> {
    return (await this.listProductsByClassUris([classUri]))[0];
  }

  /** The product of a class URI if it is kept in memory (read before); undefined says nothing of the store. */
  keptProductByClassUri(classUri: string): ProductRow | undefined {
    return this.#byClassUri.peek(classUri);
  }

  /** Products by class URI, each once. It runs inside captures: on SQLite through the raw handle (see readByKey). */
  async listProductsByClassUris(classUris: readonly string[]): Promise<ProductRow[]> {
    return [...(await this.#byClassUri.get(classUris, (missing) => readByKey<ProductRow>(this.store, 'product', 'class_uri', missing))).values()];
  }

  async listProductsOfParty(partyId: string): Promise<ProductRow[]> {
    return this.store.db.selectFrom('product').selectAll().where('party_id', '=', partyId).orderBy('id').execute();
  }
}
