import { DomainError, invalid } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { CERTIFICATE_TYPE_IDS, findCertificateType } from '../../domain/directory/certificate-types.ts';
import type { Actor } from '../actor.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from '../record-audit.ts';

export interface AttachCertificateInput {
  /** The firm holding the certificate. */
  partyId: string;
  /** The product it covers (product id); none = the firm as a whole. */
  productId?: string;
  type: string;
  number: string;
  /** Issuer's name when the caller is the admin recording a paper certificate; a certifier is its own issuer. */
  issuerName?: string;
  validFrom?: string;
  validTo?: string;
  /** Where the certificate can be checked (the certifier's own register). */
  url?: string;
}

export interface CertificateView {
  id: string;
  partyId: string;
  productId: string | null;
  type: string;
  nameZh: string;
  nameEn: string;
  mark: boolean;
  number: string;
  issuerName: string;
  validFrom: string | null;
  validTo: string | null;
  url: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A certifier (party kind `certifier`) or the admin attaches a certificate to a firm or one of its products; it then
 * shows on the product's scan page, and its mark on the labels. @throws forbidden `not_a_certifier`, invalid (field named)
 */
export async function attachCertificate(deps: Deps, actor: Actor, input: AttachCertificateInput): Promise<CertificateView> {
  const isCertifier = actor.kind === 'party' && actor.partyKind === 'certifier';
  if (actor.kind !== 'admin' && !isCertifier) {
    await recordAudit(deps, actor, 'certificate.attach', input.partyId ?? null, 'denied');
    throw new DomainError('forbidden', 'not_a_certifier', 'Only a certification body (party kind certifier) or the admin can attach certificates.');
  }
  const type = findCertificateType(input.type);
  if (!type) throw invalid('unknown_certificate_type', `type must be one of ${CERTIFICATE_TYPE_IDS.join(', ')}`, { field: 'type' });
  const number = String(input.number ?? '').trim();
  if (!number || number.length > 100) throw invalid('bad_number', 'number: 1 to 100 characters', { field: 'number' });
  const party = await deps.parties.findPartyById(input.partyId);
  if (!party) throw invalid('unknown_party', `partyId: no party ${input.partyId}`, { field: 'partyId' });
  if (input.productId) {
    const products = await deps.products.listProductsOfParty(party.id);
    if (!products.some((p) => p.id === input.productId)) throw invalid('unknown_product', `productId: ${input.productId} is not a product of ${party.name}`, { field: 'productId' });
  }
  for (const f of ['validFrom', 'validTo'] as const) {
    if (input[f] !== undefined && !DATE.test(input[f]!)) throw invalid('bad_date', `${f} must be a date YYYY-MM-DD`, { field: f });
  }
  if (input.validFrom && input.validTo && input.validTo < input.validFrom) throw invalid('bad_date', 'validTo is before validFrom', { field: 'validTo' });
  if (input.url !== undefined && !/^https?:\/\/[^\s"'<>]+$/.test(input.url)) throw invalid('bad_url', 'url must be an http(s) URL', { field: 'url' });
  let issuerName: string;
  let issuerPartyId: string | null = null;
  if (isCertifier) {
    const me = await deps.parties.findPartyById(actor.partyId);
    issuerName = me!.name;
    issuerPartyId = me!.id;
  } else {
    issuerName = String(input.issuerName ?? '').trim();
    if (!issuerName) throw invalid('missing_field', 'issuerName: the admin must name the issuing body', { field: 'issuerName' });
  }
  const id = newId('crt');
  const row = {
    id, party_id: party.id, product_id: input.productId ?? null, type: type.id, number, issuer_party_id: issuerPartyId, issuer_name: issuerName,
    valid_from: input.validFrom ?? null, valid_to: input.validTo ?? null, url: input.url ?? null, created_at: deps.now().toISOString(),
  };
  await deps.certificates.insertCertificate(row);
  await recordAudit(deps, actor, 'certificate.attach', party.id, 'ok', { certificate: id, type: type.id, productId: input.productId });
  return {
    id, partyId: party.id, productId: row.product_id, type: type.id, nameZh: type.nameZh, nameEn: type.nameEn, mark: type.mark, number, issuerName,
    validFrom: row.valid_from, validTo: row.valid_to, url: row.url,
  };
}
