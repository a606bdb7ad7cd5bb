import { DomainError, invalid } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isPartyKind, PARTY_KINDS } from '../domain/party-kinds.ts';
import { isDepartmentId, DEPARTMENT_IDS } from '../domain/directory/product-directory.ts';
import { partyUri, validateGln, validateRegion, validateUscc } from '../domain/identifiers/index.ts';
import type { PartyRow } from '../storage/repositories/party.repository.ts';
import type { Actor } from './actor.ts';
import { requireAdmin } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';

export interface LicenceInput {
  type: string;
  number: string;
  scope?: string;
  validFrom?: string;
  validTo?: string;
}

export interface RegisterPartyInput {
  uscc: string;
  name: string;
  kind: string;
  region: string;
  gln?: string;
  department?: string;
  regions?: string[];
  licences?: LicenceInput[];
}

export interface PartyView {
  id: string;
  uscc: string;
  name: string;
  kind: string;
  region: string;
  uri: string;
  gln: string | null;
  department: string | null;
  regions: string[];
  licences: LicenceInput[];
  createdAt: string;
}

/** Registers a firm, lab or regulator (admin only). @throws invalid (field named), conflict `party_exists` */
export async function registerParty(deps: Deps, actor: Actor, input: RegisterPartyInput): Promise<PartyView> {
  requireAdmin(actor);
  const uscc = field('uscc', () => validateUscc(input.uscc));
  if (!input.name?.trim()) throw invalid('missing_field', 'name must not be empty', { field: 'name' });
  if (!isPartyKind(input.kind)) {
    throw invalid('unknown_party_kind', `kind "${input.kind}" is not one of ${PARTY_KINDS.join(', ')}`, { field: 'kind' });
  }
  const region = field('region', () => validateRegion(input.region).code);
  const gln = input.gln ? field('gln', () => validateGln(input.gln!)) : null;
  let department: string | null = null;
  let regions: string[] = [];
  if (input.kind === 'regulator') {
    if (!input.department || !isDepartmentId(input.department)) {
      throw invalid('unknown_department', `department must be one of ${DEPARTMENT_IDS.join(', ')} for a regulator`, { field: 'department' });
    }
    department = input.department;
    regions = (input.regions?.length ? input.regions : [region]).map((r, i) => field(`regions[${i}]`, () => validateRegion(r).code));
  } else if (input.department || input.regions?.length) {
    throw invalid('not_a_regulator', 'department and regions are only for parties of kind "regulator"', {
      field: input.department ? 'department' : 'regions',
    });
  }
  const licences = (input.licences ?? []).map((l, i) => {
    if (!l.type?.trim() || !l.number?.trim()) throw invalid('missing_field', `licences[${i}] needs type and number`, { field: `licences[${i}]` });
    for (const k of ['validFrom', 'validTo'] as const) {
      if (l[k] && Number.isNaN(Date.parse(l[k]!))) throw invalid('bad_date', `licences[${i}].${k} is not a date`, { field: `licences[${i}].${k}` });
    }
    return l;
  });
  const uri = partyUri({ gln: gln ?? undefined, uscc });
  const clash = await deps.parties.findPartyConflict(uscc, uri, gln);
  if (clash) {
    const fieldName = clash.uscc === uscc ? 'uscc' : 'gln';
    throw new DomainError('conflict', 'party_exists', `A party with this ${fieldName} is already registered (${clash.id}).`, {
      field: fieldName,
      partyId: clash.id,
    });
  }
  const now = deps.now().toISOString();
  const id = newId('pty');
  await deps.parties.insertParty(
    {
      id, uscc, name: input.name.trim(), kind: input.kind, region, uri, gln, department,
      regions: department ? JSON.stringify(regions) : null, created_at: now,
    },
    licences.map((l) => ({
      id: newId('lic'), party_id: id, type: l.type, number: l.number, scope: l.scope ?? null,
      valid_from: l.validFrom ?? null, valid_to: l.validTo ?? null, created_at: now,
    })),
  );
  await recordAudit(deps, actor, 'party.register', id, 'ok', { uscc, kind: input.kind });
  return presentParty((await deps.parties.findPartyById(id))!, licences);
}

/** A party as the API shows it. */
export function presentParty(p: PartyRow, licences: LicenceInput[]): PartyView {
  return {
    id: p.id, uscc: p.uscc, name: p.name, kind: p.kind, region: p.region, uri: p.uri, gln: p.gln,
    department: p.department, regions: p.regions ? JSON.parse(p.regions) : [], licences, createdAt: p.created_at,
  };
}

/** Runs a validator and re-labels its error with the input field it came from. */
export function field<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DomainError) {
      throw new DomainError(err.kind, err.code, `${name}: ${err.message}`, { ...err.details, field: name });
    }
    throw err;
  }
}
