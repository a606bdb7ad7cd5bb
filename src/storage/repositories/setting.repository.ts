import type { Store } from '../open-database.ts';

/** Small key/value settings kept with the data (e.g. whether the demo was loaded). */
export class SettingRepository {
  constructor(private readonly store: Store) {}

  async find(key: string): Promise<string | undefined> {
    const row = await this.store.db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  /** Stores the value unless the key exists (first writer wins, across processes). */
  async insertIfAbsent(key: string, value: string): Promise<void> {
    await this.store.db.insertInto('setting').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  }

  async put(key: string, value: string): Promise<void> {
    await this.store.db
      .insertInto('setting')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }
}
