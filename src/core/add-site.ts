import { DomainError, invalid } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { siteUri, validateGln, validateRegion } from '../domain/identifiers/index.ts';
import type { Actor } from './actor.ts';
import { requireAdmin } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { field } from './register-party.ts';

export interface AddSiteInput {
  gln?: string;
  localId?: string;
  name: string;
  address: string;
  region: string;
}

export interface SiteView {
  id: string;
  partyId: string;
  uri: string;
  gln: string | null;
  localId: string | null;
  name: string;
  address: string;
  region: string;
  createdAt: string;
}

/** Adds a site (farm, plant, warehouse, shop…) to a party. @throws not_found `party_not_found`, invalid, conflict `site_exists` */
export async function addSite(deps: Deps, actor: Actor, partyId: string, input: AddSiteInput): Promise<SiteView> {
  requireAdmin(actor);
  const party = await deps.parties.findPartyById(partyId);
  if (!party) throw new DomainError('not_found', 'party_not_found', `No party ${partyId}.`, { field: 'id' });
  if (!input.gln && !input.localId) throw invalid('missing_field', 'a site needs gln or localId', { field: 'gln' });
  if (input.localId !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(input.localId)) {
    throw invalid('bad_local_id', 'localId must be 1–40 letters, digits, ".", "_" or "-"', { field: 'localId' });
  }
  const gln = input.gln ? field('gln', () => validateGln(input.gln!)) : null;
  const region = field('region', () => validateRegion(input.region).code);
  if (!input.name?.trim()) throw invalid('missing_field', 'name must not be empty', { field: 'name' });
  const uri = siteUri({ gln: gln ?? undefined, localId: input.localId, partyUscc: party.uscc });
  const clash = await deps.parties.findSiteConflict(uri, gln);
  if (clash) throw new DomainError('conflict', 'site_exists', `This site is already registered (${clash.id}).`, { field: gln ? 'gln' : 'localId', siteId: clash.id });
  const id = newId('site');
  const now = deps.now().toISOString();
  const row = {
    id, party_id: partyId, uri, gln, local_id: input.localId ?? null, name: input.name.trim(),
    address: input.address ?? '', region, created_at: now,
  };
  await deps.parties.insertSite(row);
  await recordAudit(deps, actor, 'site.add', id, 'ok', { partyId });
  return { id, partyId, uri, gln, localId: row.local_id, name: row.name, address: row.address, region, createdAt: now };
}
