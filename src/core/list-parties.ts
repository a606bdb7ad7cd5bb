import { DomainError } from '../domain/errors.ts';
import type { Actor } from './actor.ts';
import { requireAdmin } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { presentParty, type PartyView } from './register-party.ts';
import type { SiteView } from './add-site.ts';

/** Parties, oldest first, paged by id (admin only). */
export async function listParties(deps: Deps, actor: Actor, limit = 100, after?: string): Promise<PartyView[]> {
  requireAdmin(actor);
  const rows = await deps.parties.listParties(Math.min(Math.max(limit, 1), 1000), after);
  await recordAudit(deps, actor, 'party.list', null, 'ok', { count: rows.length });
  return Promise.all(rows.map(async (p) => presentParty(p, await licencesOf(deps, p.id))));
}

/** One party with its sites (admin only). @throws not_found `party_not_found` */
export async function getParty(deps: Deps, actor: Actor, id: string): Promise<PartyView & { sites: SiteView[] }> {
  requireAdmin(actor);
  const p = await deps.parties.findPartyById(id);
  if (!p) throw new DomainError('not_found', 'party_not_found', `No party ${id}.`, { field: 'id' });
  const sites = await deps.parties.listSitesOfParty(id);
  await recordAudit(deps, actor, 'party.read', id);
  return {
    ...presentParty(p, await licencesOf(deps, id)),
    sites: sites.map((s) => ({
      id: s.id, partyId: s.party_id, uri: s.uri, gln: s.gln, localId: s.local_id, name: s.name, address: s.address,
      region: s.region, createdAt: s.created_at,
    })),
  };
}

async function licencesOf(deps: Deps, partyId: string) {
  return (await deps.parties.listLicences(partyId)).map((l) => ({
    type: l.type, number: l.number, scope: l.scope ?? undefined, validFrom: l.valid_from ?? undefined, validTo: l.valid_to ?? undefined,
  }));
}
