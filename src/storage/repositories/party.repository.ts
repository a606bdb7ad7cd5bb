import type { Insertable, Selectable } from 'kysely';
import type { Store } from '../open-database.ts';
import type { LicenceTable, PartyTable, SiteTable } from '../database.ts';
import { FoundRows } from './found-rows.ts';
import { preparedObjects, readByKey } from './raw-select.ts';

export type PartyRow = Selectable<PartyTable>;
export type SiteRow = Selectable<SiteTable>;
export type LicenceRow = Selectable<LicenceTable>;

/** Parties (firms, labs, regulators), their sites and licences. */
export class PartyRepository {
  // A party and its licences are written once, together, and never changed (see FoundRows): every scan page asks for
  // its product's maker and the maker's licences.
  readonly #partiesById = new FoundRows<PartyRow>(KEPT_PARTIES);
  readonly #partiesByUri = new FoundRows<PartyRow>(KEPT_PARTIES);
  readonly #sitesByUri = new FoundRows<SiteRow>(KEPT_PARTIES);
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
    return (await this.listPartiesByIds([id]))[0];
  }

  /** The parties of `ids` that exist, each once. */
  async listPartiesByIds(ids: readonly string[]): Promise<PartyRow[]> {
    return [...(await this.#partiesById.get(ids, (missing) => readByKey<PartyRow>(this.store, 'party', 'id', missing))).values()];
  }

  /** The parties of canonical party URIs (`https://id.gs1.org/417/…`, `urn:suyuan:party:…`) that exist, each once. */
  async listPartiesByUris(uris: readonly string[]): Promise<PartyRow[]> {
    return [...(await this.#partiesByUri.get(uris, (missing) => readByKey<PartyRow>(this.store, 'party', 'uri', missing))).values()];
  }

  /**
   * Which party each party or site URI belongs to, with that party's id and name and the region of the URI's own party
   * or site: the holders of a quantity ledger, a recall or an anomaly. URIs of neither are left out.
   */
  async ownersByUris(uris: readonly string[]): Promise<Map<string, { partyId: string; name: string; region: string }>> {
    const [parties, sites] = await Promise.all([this.listPartiesByUris(uris), this.listSitesByUris(uris)]);
    const siteOwners = new Map((await this.listPartiesByIds([...new Set(sites.map((s) => s.party_id))])).map((p) => [p.id, p]));
    const out = new Map<string, { partyId: string; name: string; region: string }>();
    for (const p of parties) out.set(p.uri, { partyId: p.id, name: p.name, region: p.region });
    for (const s of sites) {
      const owner = siteOwners.get(s.party_id);
      if (owner) out.set(s.uri, { partyId: owner.id, name: owner.name, region: s.region });
    }
    return out;
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
      // Raw, as the scan page's other reads: during another request's capture it reads the committed view at once.
      const rows = await preparedObjects<LicenceRow>(this.store, `SELECT * FROM licence WHERE party_id = ${this.store.sqlite ? '?' : '$1'} ORDER BY id`, [key]);
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

  /** True when a registered party or site has a GLN starting with `prefix` (a GS1 Company Prefix). */
  async existsGlnWithPrefix(prefix: string): Promise<boolean> {
    const party = await this.store.db.selectFrom('party').select('id').where('gln', 'like', `${prefix}%`).limit(1).executeTakeFirst();
    if (party) return true;
    return (await this.store.db.selectFrom('site').select('id').where('gln', 'like', `${prefix}%`).limit(1).executeTakeFirst()) !== undefined;
  }

  /**
   * The sites of canonical site URIs that exist, each once. It runs inside captures (an event's region comes from its
   * location): on SQLite it reads through the raw handle, as the capture holds Kysely's only connection.
   */
  async listSitesByUris(uris: readonly string[]): Promise<SiteRow[]> {
    return [...(await this.#sitesByUri.get(uris, (missing) => readByKey<SiteRow>(this.store, 'site', 'uri', missing))).values()];
  }
}

/** Parties (and their licence lists), and sites, kept in memory. */
const KEPT_PARTIES = 20_000;

