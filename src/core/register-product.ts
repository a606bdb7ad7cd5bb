import { DomainError, invalid } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { findSubKind, isProductLineId, PRODUCT_LINE_IDS } from '../domain/directory/product-directory.ts';
import { parseAnyCode, toDigitalLink, validateGtin, validateUscc } from '../domain/identifiers/index.ts';
import { drugProductClass, productClassesOf } from './capture-events.ts';
import type { ProductRow } from '../storage/repositories/product.repository.ts';
import type { Actor } from './actor.ts';
import { requirePartyScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { field } from './register-party.ts';

export interface RegisterProductInput {
  gtin?: string;
  localCode?: string;
  /** The 7-digit product part (药品标识码) of the drug's 20-digit traceability codes; drug line only. */
  drugProductCode?: string;
  name: string;
  category: string;
  subKind?: string;
  spec?: string;
  shelfLifeDays?: number;
  /** An https picture of the product, shown on the scan page. */
  imageUrl?: string;
}

export interface ProductView {
  id: string;
  partyId: string;
  gtin: string | null;
  localCode: string | null;
  drugProductCode: string | null;
  classUri: string;
  name: string;
  category: string;
  spec: string | null;
  shelfLifeDays: number | null;
  imageUrl: string | null;
  createdAt: string;
}

/** A firm registers one of its products under a product line; events naming it then belong to that line. @throws invalid, conflict `product_exists` */
export async function registerProduct(deps: Deps, actor: Actor, input: RegisterProductInput): Promise<ProductView> {
  const party = requirePartyScope(actor, 'capture');
  const keys = (['gtin', 'localCode', 'drugProductCode'] as const).filter((k) => input[k] !== undefined);
  if (keys.length === 0) throw invalid('missing_field', 'a product needs gtin, localCode or drugProductCode', { field: 'gtin' });
  if (keys.length > 1) throw invalid('conflicting_fields', `a product is registered by one code; got ${keys.join(' and ')}`, { field: keys[1] });
  if (!input.name?.trim()) throw invalid('missing_field', 'name must not be empty', { field: 'name' });
  if (!isProductLineId(input.category)) {
    throw invalid('unknown_product_line', `category "${input.category}" is not one of ${PRODUCT_LINE_IDS.join(', ')}`, { field: 'category' });
  }
  if (input.subKind && !findSubKind(input.category, input.subKind)) {
    throw invalid('unknown_sub_kind', `subKind "${input.subKind}" is not a sub-kind of ${input.category}`, { field: 'subKind' });
  }
  if (input.shelfLifeDays !== undefined && (!Number.isInteger(input.shelfLifeDays) || input.shelfLifeDays <= 0)) {
    throw invalid('bad_number', 'shelfLifeDays must be a positive whole number', { field: 'shelfLifeDays' });
  }
  if (input.imageUrl !== undefined && !/^https:\/\/[^\s"'<>]+$/.test(input.imageUrl)) {
    throw invalid('bad_url', 'imageUrl must be an https URL', { field: 'imageUrl' });
  }
  if (input.drugProductCode !== undefined) {
    if (!/^\d{7}$/.test(input.drugProductCode)) throw invalid('bad_drug_product_code', `drugProductCode must be the 7 digits that begin the drug's 20-digit traceability codes, not "${input.drugProductCode}"`, { field: 'drugProductCode' });
    if (input.category !== 'drug') throw invalid('not_a_drug', `a drugProductCode is for the drug line, not "${input.category}"`, { field: 'category' });
  }
  const gtin = input.gtin ? field('gtin', () => validateGtin(input.gtin!)) : null;
  const classUri = gtin ? toDigitalLink([{ ai: '01', value: gtin }])
    : input.drugProductCode !== undefined ? drugProductClass(input.drugProductCode)
    : await localProductClass(deps, party.partyId, input.localCode!);
  const clash = await deps.products.findProductByClassUri(classUri);
  if (clash) {
    throw new DomainError('conflict', 'product_exists', `This product code is already registered (${clash.id}).`, {
      field: keys[0],
      productId: clash.id,
    });
  }
  const id = newId('prd');
  const now = deps.now().toISOString();
  const row: ProductRow = {
    id, party_id: party.partyId, gtin, local_code: input.localCode ?? null, class_uri: classUri, name: input.name.trim(),
    category: input.category, spec: input.spec ?? null, shelf_life_days: input.shelfLifeDays ?? null,
    image_url: input.imageUrl ?? null, created_at: now,
  };
  await deps.products.insertProduct(row);
  await recordAudit(deps, actor, 'product.register', id, 'ok', { classUri, category: input.category });
  return presentProduct(row);
}

/**
 * The class a local code names: a bare category slug (`pig`) is the firm's own (`urn:suyuan:local:<its USCC>:pig`);
 * `urn:suyuan:local:<USCC>:<category>` is taken as it is; a full local code stands for its issuer and category.
 */
async function localProductClass(deps: Deps, partyId: string, localCode: string): Promise<string> {
  const code = localCode.trim();
  if (/^[a-z][a-z0-9-]{0,31}$/.test(code)) {
    const party = await deps.parties.findPartyById(partyId);
    return `urn:suyuan:local:${party!.uscc}:${code}`;
  }
  const classOnly = /^urn:suyuan:local:([^:]+):([a-z][a-z0-9-]{0,31})$/.exec(code);
  if (classOnly) return `urn:suyuan:local:${field('localCode', () => validateUscc(classOnly[1]))}:${classOnly[2]}`;
  const parsed = field('localCode', () => parseAnyCode(code));
  return productClassesOf(parsed.canonical)[0];
}

/** The products the calling firm registered. */
export async function listOwnProducts(deps: Deps, actor: Actor): Promise<ProductView[]> {
  const party = requirePartyScope(actor, 'query');
  const rows = await deps.products.listProductsOfParty(party.partyId);
  await recordAudit(deps, actor, 'product.list', party.partyId);
  return rows.map(presentProduct);
}

function presentProduct(p: ProductRow): ProductView {
  return {
    id: p.id, partyId: p.party_id, gtin: p.gtin, localCode: p.local_code, drugProductCode: /^urn:suyuan:drug-product:(\d{7})$/.exec(p.class_uri)?.[1] ?? null,
    classUri: p.class_uri, name: p.name,
    category: p.category, spec: p.spec, shelfLifeDays: p.shelf_life_days, imageUrl: p.image_url, createdAt: p.created_at,
  };
}
