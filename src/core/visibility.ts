import { productLinesOfDepartment } from '../domain/directory/product-directory.ts';
import type { EventVisibility } from '../storage/repositories/event.repository.ts';
import type { Actor } from './actor.ts';
import type { Deps } from './deps.ts';

/**
 * What events an actor may see (issue 2 §5): an admin everything; a regulator its department's product lines in
 * its regions; a firm the events it captured and those naming itself or one of its sites.
 */
export async function eventVisibilityFor(deps: Deps, actor: Actor): Promise<EventVisibility> {
  if (actor.kind === 'admin') return { kind: 'all' };
  if (actor.kind !== 'party') return { kind: 'party', partyId: '', identities: [] };
  if (actor.partyKind === 'regulator') {
    return {
      kind: 'regulator',
      categories: actor.department ? productLinesOfDepartment(actor.department) : [],
      regionPrefixes: actor.regions.map(regionPrefix),
    };
  }
  const sites = await deps.parties.listSitesOfParty(actor.partyId);
  return { kind: 'party', partyId: actor.partyId, identities: [actor.partyUri, ...sites.map((s) => s.uri)] };
}

/**
 * The regulator-scope rule in memory, as `inRegulatorScope` applies it in SQL: one of the regulator's lines, in one of
 * its regions; with `regionMayBeNull`, a row naming no region is in every region.
 */
export function withinRegulatorScope(
  scope: { categories: readonly string[]; regionPrefixes: readonly string[] },
  category: string | null,
  region: string | null,
  options: { regionMayBeNull?: boolean } = {},
): boolean {
  if (category === null || !scope.categories.includes(category)) return false;
  if (region === null) return options.regionMayBeNull === true;
  return scope.regionPrefixes.some((p) => region.startsWith(p));
}

/** GB/T 2260 code → the prefix all codes inside it share: 440000 → 44, 441300 → 4413, 441302 → 441302. */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}
