import { CANONICAL_DL_HOST, digitalLinkPath, parseCodeField } from '../../domain/identifiers/index.ts';
import { productClassesOf } from '../capture-events.ts';
import { nodeType } from '../trace-unit.ts';
import type { Deps } from '../deps.ts';
import type { ProductRow } from '../../storage/repositories/product.repository.ts';

/** GS1 Digital Link primary keys the resolver answers at its root (issue 4 §1). */
export const RESOLVER_PRIMARY_KEYS = ['01', '00', '414', '417', '8003', '8004', '253', '255', '401', '402', '8006', '8010', '8017', '8018'] as const;

/** What a scanned code names, in the forms the public window needs. */
export interface ResolvedCode {
  /** The code as scanned (Digital Link URI, or the /code/ value). */
  input: string;
  scheme: string;
  /** Human form: a GS1 element string, or the code itself. */
  display: string;
  /** The identity to trace: the serialised instance, else the lot, else the class or key. Canonical. */
  unit: string;
  /** The lot the unit belongs to when the code names it (`/01/{gtin}/10/{lot}`), canonical. */
  lot: string | null;
  /** The product class (`/01/{gtin}` or a local class). */
  productClass: string | null;
  level: 'instance' | 'lot' | 'class' | 'logistic-unit' | 'asset' | 'location' | 'party' | 'other';
  gtin: string | null;
  lotNumber: string | null;
  serial: string | null;
  /** Data attributes carried in the query string or element string: (17) expiry, (11) production date … */
  attributes: Record<string, string>;
}

/**
 * Parses what a scanner sent to the resolver into canonical identities.
 * @throws invalid `invalid_code` naming the field and the fault (the resolver answers 400)
 */
export function resolveCode(input: string, field = 'code'): ResolvedCode {
  const parsed = parseCodeField(input, field);
  const ais = new Map((parsed.ais ?? []).map((a) => [a.ai, a.value]));
  const gtin = ais.get('01') ?? null;
  const lotNumber = ais.get('10') ?? null;
  const serial = ais.get('21') ?? null;
  const attributes: Record<string, string> = {};
  for (const [ai, value] of ais) if (!['01', '10', '21', '22', '235'].includes(ai)) attributes[ai] = value;
  if (gtin) {
    // The AIs passed the parse, so their canonical forms (key, then qualifiers in dlpkey order) are only joined.
    const key = { ai: '01', value: gtin };
    const productClass = digitalLinkPath(CANONICAL_DL_HOST, [key]);
    const lot = lotNumber ? digitalLinkPath(CANONICAL_DL_HOST, [key, { ai: '10', value: lotNumber }]) : null;
    const unit = serial ? digitalLinkPath(CANONICAL_DL_HOST, [key, { ai: '21', value: serial }]) : lot ?? productClass;
    return {
      input, scheme: parsed.scheme, display: parsed.display, unit, lot, productClass,
      level: serial ? 'instance' : lot ? 'lot' : 'class', gtin, lotNumber, serial, attributes,
    };
  }
  const unit = parsed.canonical;
  const level: ResolvedCode['level'] = ais.has('00') ? 'logistic-unit' : ais.has('8003') || ais.has('8004') ? 'asset'
    : nodeType(unit) === 'site' ? 'location' : nodeType(unit) === 'party' ? 'party'
    : parsed.scheme === 'drug' || parsed.scheme === 'iid' || /^urn:suyuan:local:[^:]+:[^:]+:[^:]+$/.test(unit) ? 'instance' : 'other';
  // Local codes and drug codes name a registrable product class; other keys (SSCC, GRAI …) name none.
  const classOfUnit = productClassesOf(unit)[0]!;
  const productClass = /^urn:suyuan:(local|drug):/.test(unit) && classOfUnit !== unit ? classOfUnit : null;
  return { input, scheme: parsed.scheme, display: parsed.display, unit, lot: null, productClass, level, gtin: null, lotNumber: null, serial: null, attributes };
}

/** Whether the platform answers for a code, and the product registered for it (see {@link findRegistration}). */
export interface Registration {
  registered: boolean;
  product: ProductRow | null;
}

/**
 * {@link findRegistration} answered from memory, for a code whose product was read before (products are never changed
 * once registered); undefined when it would take a read.
 */
export function keptRegistration(deps: Deps, code: ResolvedCode): Registration | undefined {
  const product = code.productClass ? deps.products.keptProductByClassUri(code.productClass) : undefined;
  return product ? { registered: true, product } : undefined;
}

/**
 * Whether the platform answers for a code: its product is registered here, the code has been captured here, or a
 * registered firm's GLN shares its GS1 Company Prefix (taken as the first 9 digits of the key — GS1 China's usual
 * prefix length). Anything else belongs to another resolver (issue 4 §1).
 */
export async function findRegistration(deps: Deps, code: ResolvedCode): Promise<Registration> {
  const product = (code.productClass && (await deps.products.findProductByClassUri(code.productClass))) || null;
  if (product) return { registered: true, product };
  // One edge is enough to know the code: a raw lot of a product not registered here had its 100,000 read every time.
  if ((await deps.lineage.listEdgesTouchingAtMost(code.lot ? [code.unit, code.lot] : [code.unit], 1)).length > 0) return { registered: true, product };
  const key = gs1KeyDigits(code);
  return { registered: key !== null && (await deps.parties.existsGlnWithPrefix(key.slice(0, 9))), product };
}

/** The company-prefix part of a GS1 key: a GTIN without its indicator digit, an SSCC without its extension digit. */
function gs1KeyDigits(code: ResolvedCode): string | null {
  if (code.gtin) return code.gtin.slice(1);
  const m = /^https:\/\/id\.gs1\.org\/(\d{2,4})\/([^/?]+)/.exec(code.unit);
  if (!m) return null;
  const value = decodeURIComponent(m[2]!);
  if (m[1] === '00') return value.slice(1);
  if (m[1] === '8003') return value.slice(1);
  return /^\d{9}/.test(value) ? value : null;
}
