import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { ApiKeyTable, PartyTable } from '../database.ts';

export type ApiKeyRow = Selectable<ApiKeyTable>;
export type ApiKeyWithParty = ApiKeyRow & { party: Selectable<PartyTable> | null };

/** API keys, stored only as hashes. */
export class ApiKeyRepository {
  constructor(private readonly store: Store) {}

  async insertKey(key: Insertable<ApiKeyTable>): Promise<void> {
    await this.store.db.insertInto('api_key').values(key).execute();
  }

  /** The live (unrevoked) key with this hash, joined with its party. */
  async findLiveKeyByHash(keyHash: string): Promise<ApiKeyWithParty | undefined> {
    const key = await this.store.db
      .selectFrom('api_key')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!key) return undefined;
    const party = key.party_id
      ? ((await this.store.db.selectFrom('party').selectAll().where('id', '=', key.party_id).executeTakeFirst()) ?? null)
      : null;
    return { ...key, party };
  }

  async findKeyById(id: string): Promise<ApiKeyRow | undefined> {
    return this.store.db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listKeysOfParty(partyId: string): Promise<ApiKeyRow[]> {
    return this.store.db.selectFrom('api_key').selectAll().where('party_id', '=', partyId).orderBy('id').execute();
  }

  async revokeKey(id: string, at: string): Promise<void> {
    await this.store.db.updateTable('api_key').set({ revoked_at: at }).where('id', '=', id).execute();
  }

  async countAdminKeys(): Promise<number> {
    const row = await this.store.db
      .selectFrom('api_key')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('party_id', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
