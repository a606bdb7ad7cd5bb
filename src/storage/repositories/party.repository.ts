import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { LicenceTable, PartyTable, SiteTable } from '../database.ts';
import { FoundRows } from './found-rows.ts';
import { rawSelectIn } from './raw-select.ts';

export type PartyRow = Selectable<PartyTable>;
export type SiteRow = Selectable<SiteTable>;
export type LicenceRow = Selectable<LicenceTable>;

/** Parties (firms, labs, regulators), their sites and licences. */
export class PartyRepository {
  // A party and its licences are written once, together, and never changed (see FoundRows): every scan page asks for
  // its product's maker and the maker's licences.
  readonly #partiesById = new FoundRows<PartyRow>(KEPT_PARTIES);
  readonly #licences = new FoundRows<LicenceRow[]>(KEPT_PARTIES);

  constructor(private readonly store: Store) {}

  /** Inserts a party with its licences in one transaction. */
  async insertParty(party: Insertable<PartyTable>, licences: Insertable<LicenceTable>[]): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('party').values(party).execute();
      if (licences.length) await trx.insertInto('licence').values(licences).execute();
    });
  }

  async findPartyById(id: string): Promise<PartyRow | undefined> {
    return this.#partiesById.getOne(id, (key) => this.store.db.selectFrom('party').selectAll().where('id', '=', key).executeTakeFirst());
  }

  /** Finds a party by any of its unique keys, to report which one a new party collides with. */
  async findPartyConflict(uscc: string, uri: string, gln: string | null): Promise<PartyRow | undefined> {
    return this.store.db
      .selectFrom('party')
      .selectAll()
      .where((eb) => eb.or([eb('uscc', '=', uscc), eb('uri', '=', uri), ...(gln ? [eb('gln', '=', gln)] : [])]))
      .executeTakeFirst();
  }

  async listParties(limit: number, after?: string): Promise<PartyRow[]> {
    let q = this.store.db.selectFrom('party').selectAll().orderBy('id').limit(limit);
    if (after) q = q.where('id', '>', after);
    return q.execute();
  }

  async countParties(): Promise<number> {
    const row = await this.store.db.selectFrom('party').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listLicences(partyId: string): Promise<LicenceRow[]> {
    // An empty list is not kept: the party may not be registered yet (its licences come with it).
    const read = async (key: string) => {
      const rows = await this.store.db.selectFrom('licence').selectAll().where('party_id', '=', key).orderBy('id').execute();
      return rows.length ? rows : undefined;
    };
    return (await this.#licences.getOne(partyId, read)) ?? [];
  }

  async insertSite(site: Insertable<SiteTable>): Promise<void> {
    await this.store.db.insertInto('site').values(site).execute();
  }

  async findSiteConflict(uri: string, gln: string | null): Promise<SiteRow | undefined> {
    return this.store.db
      .selectFrom('site')
      .selectAll()
      .where((eb) => eb.or([eb('uri', '=', uri), ...(gln ? [eb('gln', '=', gln)] : [])]))
      .executeTakeFirst();
  }

  async listSitesOfParty(partyId: string): Promise<SiteRow[]> {
    return this.store.db.selectFrom('site').selectAll().where('party_id', '=', partyId).orderBy('id').execute();
  }

  /** Sites by canonical URI, for deciding an event's region from its location. */
  /** True when a registered party or site has a GLN starting with `prefix` (a GS1 Company Prefix). */
  async existsGlnWithPrefix(prefix: string): Promise<boolean> {
    const party = await this.store.db.selectFrom('party').select('id').where('gln', 'like', `${prefix}%`).limit(1).executeTakeFirst();
    if (party) return true;
    return (await this.store.db.selectFrom('site').select('id').where('gln', 'like', `${prefix}%`).limit(1).executeTakeFirst()) !== undefined;
  }

  async listSitesByUris(uris: readonly string[]): Promise<SiteRow[]> {
    if (uris.length === 0) return [];
    // Raw on SQLite: this runs inside a capture that holds the single connection.
    if (this.store.sqlite) return rawSelectIn<SiteRow>(this.store.sqlite, 'site', 'uri', uris);
    const rows: SiteRow[] = [];
    for (let i = 0; i < uris.length; i += 500) rows.push(...(await this.store.db.selectFrom('site').selectAll().where('uri', 'in', uris.slice(i, i + 500)).execute()));
    return rows;
  }
}

/** Parties (and their licence lists) kept in memory. */
const KEPT_PARTIES = 20_000;
