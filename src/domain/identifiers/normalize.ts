/**
 * Canonical forms the platform stores (ARCHITECTURE.md "Data at rest"): GS1 keys as Digital Link URIs on
 * https://id.gs1.org (key + qualifiers only), other schemes as documented `urn:suyuan:` URNs.
 */
import { invalid, DomainError } from '../errors.ts';
import { parseBracketed, parseUnbracketed, toBracketed, type AiValue } from './gs1-element-string.ts';
import { parseDigitalLinkUri, buildDigitalLink, digitalLinkPath, CANONICAL_DL_HOST } from './gs1-digital-link.ts';
import { processScanData } from './gs1-scandata.ts';
import { epcUrnToAis } from './epc-urn.ts';
import { gs1CheckDigit } from './gs1-linters.ts';
import {
  validateUscc, validateDrugCode, validateRegion, validateIndustrialId, validateLocalCode, validateSpecialEquipmentCode, validateHsCode,
} from './china-codes.ts';

/** Which EPCIS field an identifier comes from. */
export type EpcisIdKind = 'epc' | 'epcClass' | 'location' | 'party';

/**
 * Each GS1 Digital Link primary key with the key qualifiers that belong to its identity (GS1 Digital Link 1.2 AI
 * table); any other AI — (10) after an SSCC, say — is a data attribute and not part of the identity.
 */
const KEY_QUALIFIERS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  // (01) takes either the 22/10/21 path or (235) alone, as the Syntax Dictionary's dlpkey says.
  '01': [['22', '10', '21'], ['235']], '8006': [['22', '10', '21']], '414': [['254'], ['7040']], '417': [['7040']], '8004': [['7040']],
  '8010': [['8011']], '8017': [['8019']], '8018': [['8019']], '00': [[]], '253': [[]], '255': [[]], '401': [[]], '402': [[]], '8003': [[]],
  '8013': [[]], '415': [['8020']],
};

/**
 * The key + qualifiers of a set of AIs, as the canonical Digital Link on id.gs1.org. `validated`: the AIs come from a
 * parse that has already checked every value and association (a subset of a parsed code's AIs), so they are only
 * joined — the resolver's hot path.
 */
export function canonicalDigitalLink(ais: readonly AiValue[], validated = false): string {
  const key = ais.find((a) => a.ai in KEY_QUALIFIERS);
  // The qualifier path with the most of the AIs present; the first of equals.
  let best: readonly string[] = [];
  let bestCount = -1;
  for (const path of key ? KEY_QUALIFIERS[key.ai]! : []) {
    let n = 0;
    for (const q of path) if (ais.some((a) => a.ai === q)) n++;
    if (n > bestCount) [best, bestCount] = [path, n];
  }
  if (validated && key) return digitalLinkPath(CANONICAL_DL_HOST, [key, ...best.flatMap((q) => ais.find((a) => a.ai === q) ?? [])]);
  const identity = new Set(key ? [key.ai, ...best] : []);
  return buildDigitalLink(ais.filter((a) => identity.has(a.ai)), CANONICAL_DL_HOST);
}

const SITE_LOCAL_ID = /^[A-Za-z0-9._-]{1,40}$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/**
 * Canonical party identifier: the GLN as https://id.gs1.org/417/<GLN>, else urn:suyuan:party:<USCC>.
 * @throws DomainError invalid (GLN or USCC faults)
 */
export function partyUri(p: { gln?: string; uscc: string }): string {
  if (p.gln) return `${CANONICAL_DL_HOST}/417/${validateGln(p.gln)}`;
  return `urn:suyuan:party:${validateUscc(p.uscc)}`;
}

/**
 * Canonical site identifier: the GLN as https://id.gs1.org/414/<GLN>, else urn:suyuan:site:<USCC>:<localId>.
 * @throws DomainError invalid `missing_local_id`, `bad_local_id`, or GLN/USCC faults
 */
export function siteUri(s: { gln?: string; localId?: string; partyUscc: string }): string {
  if (s.gln) return `${CANONICAL_DL_HOST}/414/${validateGln(s.gln)}`;
  const uscc = validateUscc(s.partyUscc);
  if (!s.localId) throw invalid('missing_local_id', 'A site without a GLN needs a local id', {});
  if (!SITE_LOCAL_ID.test(s.localId)) throw invalid('bad_local_id', `Site local id "${s.localId}" must be 1–40 of A–Z a–z 0–9 . _ -`, {});
  return `urn:suyuan:site:${uscc}:${s.localId}`;
}

function checkDigits(kind: string, s: string, lengths: readonly number[]): string {
  const c = s.trim();
  const bad = /\D/.exec(c);
  if (bad) throw invalid('bad_character', `${kind} must be digits; found "${bad[0]}" at position ${bad.index + 1}`, { position: bad.index });
  if (!lengths.includes(c.length)) throw invalid('bad_length', `${kind} must be ${lengths.join(', ')} digits, found ${c.length}`, { position: c.length });
  const cd = gs1CheckDigit(c.slice(0, -1));
  if (Number(c.at(-1)) !== cd) throw invalid('bad_check_digit', `${kind} check digit should be ${cd}, found ${c.at(-1)}`, { position: c.length - 1 });
  return c;
}

/** Validates a 13-digit GLN. @throws DomainError invalid `bad_length`, `bad_character`, `bad_check_digit` */
export function validateGln(gln: string): string {
  return checkDigits('GLN', gln, [13]);
}

/** Validates a GTIN-8/12/13/14 and returns the 14-digit form. @throws DomainError invalid `bad_length`, `bad_character`, `bad_check_digit` */
export function validateGtin(gtin: string): string {
  return checkDigits('GTIN', gtin, [8, 12, 13, 14]).padStart(14, '0');
}

/** Which GS1 primary keys each EPCIS field accepts. */
const KEYS_FOR_KIND: Record<EpcisIdKind, ReadonlySet<string>> = {
  epc: new Set(['00', '01', '253', '255', '401', '402', '414', '417', '8003', '8004', '8006', '8010', '8013', '8017', '8018']),
  epcClass: new Set(['01', '8006', '8013', '253', '8003']),
  location: new Set(['414']),
  party: new Set(['417', '414']),
};

function checkKind(ais: readonly AiValue[], kind: EpcisIdKind, value: string, classLevel: boolean): void {
  const key = ais[0].ai;
  if (!KEYS_FOR_KIND[kind].has(key))
    throw invalid('wrong_identifier_kind', `(${key}) is not a valid ${kind} identifier: ${value}`, { ai: key, kind });
  if (kind === 'epcClass' && key === '01' && ais.some((a) => a.ai === '21'))
    throw invalid('wrong_identifier_kind', `A serialised GTIN is an instance, not a class: ${value}`, { kind });
  if (kind === 'epc' && classLevel) throw invalid('wrong_identifier_kind', `A class-level identifier is not an EPC: ${value}`, { kind });
}

function ourUrn(value: string, kind?: EpcisIdKind): { scheme: string; canonical: string; display: string } {
  const rest = value.slice('urn:suyuan:'.length);
  const colon = rest.indexOf(':');
  const type = rest.slice(0, colon);
  const body = rest.slice(colon + 1);
  const allowed: Record<string, readonly EpcisIdKind[]> = {
    party: ['party'], site: ['location'], drug: ['epc'], iid: ['epc', 'epcClass'], local: ['epc', 'epcClass'], equip: ['epc'],
  };
  if (colon < 0 || !allowed[type]) throw invalid('unknown_scheme', `Unknown Suyuan URN type in ${value}`, { value });
  if (kind && !allowed[type].includes(kind))
    throw invalid('wrong_identifier_kind', `urn:suyuan:${type} is not a valid ${kind} identifier`, { kind });
  switch (type) {
    case 'party': {
      const u = validateUscc(body);
      return { scheme: 'party', canonical: `urn:suyuan:party:${u}`, display: u };
    }
    case 'site': {
      const i = body.indexOf(':');
      if (i < 0) throw invalid('bad_site_urn', `${value} must be urn:suyuan:site:<USCC>:<localId>`, { value });
      const canonical = siteUri({ partyUscc: body.slice(0, i), localId: body.slice(i + 1) });
      return { scheme: 'site', canonical, display: canonical.slice('urn:suyuan:site:'.length) };
    }
    case 'drug': {
      const d = validateDrugCode(body);
      return { scheme: 'drug', canonical: `urn:suyuan:drug:${d}`, display: d };
    }
    case 'iid': {
      const d = validateIndustrialId(body);
      return { scheme: 'iid', canonical: `urn:suyuan:iid:${d.id}`, display: d.id };
    }
    case 'equip': {
      const d = validateSpecialEquipmentCode(body);
      return { scheme: 'equipment', canonical: `urn:suyuan:equip:${d.code}`, display: d.code };
    }
    default: {
      const d = validateLocalCode(value);
      return { scheme: 'local', canonical: d.urn, display: `${d.category}:${d.code}` };
    }
  }
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 50_000;

/**
 * Canonical form of an identifier from an EPCIS event field (see {@link EpcisIdKind}). EPC URNs, Digital Link
 * URIs on any host and urn:suyuan: URNs are normalised; other absolute URIs are returned unchanged.
 * @throws DomainError invalid `not_a_uri`, `wrong_identifier_kind`, or the fault of a malformed GS1 key
 */
export function normalizeEpcisId(value: string, kind: EpcisIdKind): string {
  const ck = kind + '\u0000' + value;
  const hit = cache.get(ck);
  if (hit !== undefined) return hit;
  const out = normalizeUncached(value, kind);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ck, out);
  return out;
}

function normalizeUncached(value: string, kind: EpcisIdKind): string {
  if (value.startsWith('urn:epc:')) {
    if (!value.startsWith('urn:epc:id:') && !value.startsWith('urn:epc:class:') && !value.startsWith('urn:epc:idpat:')) return value;
    let r;
    try {
      r = epcUrnToAis(value);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'unsupported_epc_scheme') return value; // e.g. gdti, gsrn: kept as given
      throw e;
    }
    checkKind(r.ais, kind, value, r.classLevel);
    return canonicalDigitalLink(r.ais);
  }
  if (value.startsWith('https://') || value.startsWith('http://') || value.startsWith('HTTPS://') || value.startsWith('HTTP://')) {
    let ais: AiValue[];
    try {
      ais = parseDigitalLinkUri(value).ais;
    } catch (e) {
      // A web URI that is not a Digital Link at all (no AI path; a last segment that only looks compressed) is an
      // ordinary URI.
      if (e instanceof DomainError && (e.code === 'no_primary_key' || e.code === 'bad_uri' || e.code === 'bad_compressed_link')) return value;
      throw e;
    }
    checkKind(ais, kind, value, ais[0].ai === '01' && !ais.some((a) => a.ai === '21'));
    return canonicalDigitalLink(ais);
  }
  if (value.startsWith('urn:suyuan:')) return ourUrn(value, kind).canonical;
  if (!SCHEME.test(value)) throw invalid('not_a_uri', `EPCIS ${kind} identifier must be an absolute URI: "${value}"`, { kind });
  return value;
}

/** What {@link parseAnyCode} recognised. */
export interface ParsedCode {
  scheme: string;
  canonical: string;
  ais?: Array<{ ai: string; value: string }>;
  display: string;
}

/** `validated`: the parser has checked every value and association as {@link buildDigitalLink} would. */
function fromAis(ais: AiValue[], scheme: string, validated = false): ParsedCode {
  const display = toBracketed(ais);
  let canonical: string;
  try {
    canonical = canonicalDigitalLink(ais, validated);
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'no_primary_key') throw e;
    canonical = display; // AI data without a primary key (e.g. a lone (17) date) has no Digital Link form
  }
  return { scheme, canonical, ais, display };
}

/** A Digital Link URI through the general parser (any host, qualifiers, query attributes, compressed forms). */
export function parseDigitalLinkCode(uri: string): ParsedCode {
  return fromAis(parseDigitalLinkUri(uri).ais, 'gs1-digital-link', true);
}

const COMMON_GTIN_LINK = /^https:\/\/id\.gs1\.org\/01\/([0-8]\d{13})(?:\/10\/([A-Za-z0-9]{1,20}))?(?:\/21\/([A-Za-z0-9]{1,20}))?$/;

/**
 * The form nearly every scan carries — canonical `https://id.gs1.org/01/{gtin}[/10/{lot}][/21/{serial}]` with plain
 * alphanumeric values and no query — whose only possible fault is the GTIN check digit: parsed without the general
 * parser's dictionary work (the resolver's hot path). Anything else, or a wrong check digit, gives null and goes the
 * general way, which names the fault. Equal to {@link parseDigitalLinkCode} on every input it accepts (property test).
 */
export function parseCommonGtinLink(uri: string): ParsedCode | null {
  const m = COMMON_GTIN_LINK.exec(uri);
  if (!m || gs1CheckDigit(m[1]!.slice(0, 13)) !== m[1]!.charCodeAt(13) - 48) return null;
  const ais: AiValue[] = [{ ai: '01', value: m[1]! }];
  if (m[2] !== undefined) ais.push({ ai: '10', value: m[2] });
  if (m[3] !== undefined) ais.push({ ai: '21', value: m[3] });
  return { scheme: 'gs1-digital-link', canonical: uri, ais, display: toBracketed(ais) };
}

/**
 * {@link parseAnyCode} of the value of an input field: any fault becomes invalid `invalid_code` naming the field, with
 * the scheme's own error code as `cause`.
 */
export function parseCodeField(input: string, field: string): ParsedCode {
  try {
    return parseAnyCode(input);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw invalid('invalid_code', `${field}: ${err.message}`, { field, cause: err.code });
  }
}

/**
 * Parses any code a person or scanner might present and returns what it is and its canonical form. Recognises
 * scanner output (AIM prefix), bracketed and FNC1 element strings, Digital Link URIs, EPC URNs, urn:suyuan: URNs,
 * industrial-internet ids, bare GTINs (8/12/13/14 digits), 18-character USCC (else SSCC, else special-equipment
 * code), 20-digit drug codes, 6-digit region codes and `HS:` codes.
 * @throws DomainError invalid `unrecognised_code` or the fault of the scheme it matched
 */
export function parseAnyCode(input: string): ParsedCode {
  const s = input.trim();
  if (s.length === 0) throw invalid('empty_input', 'No code given', {});
  if (s.startsWith(']')) {
    const r = processScanData(s);
    if (r.kind === 'plain') return parseAnyCode(r.data.replace(/^\\/, ''));
    return fromAis(r.ais!, r.kind === 'digital-link' ? 'gs1-digital-link' : r.kind === 'ean' ? 'gtin' : 'gs1-element-string');
  }
  if (s.startsWith('(')) return fromAis(parseBracketed(s), 'gs1-element-string');
  if (s.startsWith('^') || s.startsWith('\x1d')) return fromAis(parseUnbracketed(s), 'gs1-element-string');
  if (/^https?:\/\//i.test(s)) {
    return parseCommonGtinLink(s) ?? parseDigitalLinkCode(s.replace(/^https?:/i, (m) => m.toLowerCase()));
  }
  if (s.startsWith('urn:epc:')) {
    const r = epcUrnToAis(s);
    return { ...fromAis(r.ais, 'epc-' + r.scheme.replace(':', '-')), display: s };
  }
  if (s.startsWith('urn:suyuan:')) return ourUrn(s);
  if (s.startsWith('88.')) {
    const d = validateIndustrialId(s);
    return { scheme: 'iid', canonical: `urn:suyuan:iid:${d.id}`, display: d.id };
  }
  if (/^HS[:\s]/i.test(s)) {
    const h = validateHsCode(s.slice(3));
    return { scheme: 'hs', canonical: `urn:suyuan:hs:${h}`, display: h };
  }
  if (/^\d{8}$|^\d{12,14}$/.test(s)) {
    const gtin = validateGtin(s);
    return fromAis([{ ai: '01', value: gtin }], 'gtin');
  }
  if (/^\d{20}$/.test(s)) return { scheme: 'drug', canonical: `urn:suyuan:drug:${validateDrugCode(s)}`, display: s };
  if (/^\d{6}$/.test(s)) {
    const r = validateRegion(s);
    return { scheme: 'region', canonical: `urn:suyuan:region:${r.code}`, display: `${r.code} ${r.nameZh} ${r.nameEn}` };
  }
  if (s.length === 18) {
    const tries: Array<() => ParsedCode> = [
      () => {
        const u = validateUscc(s);
        return { scheme: 'uscc', canonical: `urn:suyuan:party:${u}`, display: u };
      },
      () => fromAis([{ ai: '00', value: checkDigits('SSCC', s, [18]) }], 'sscc'),
      () => {
        const e = validateSpecialEquipmentCode(s);
        return { scheme: 'equipment', canonical: `urn:suyuan:equip:${e.code}`, display: `${e.code} ${e.category}` };
      },
    ];
    let first: unknown;
    for (const t of tries) {
      try {
        return t();
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        first ??= e;
      }
    }
    throw first;
  }
  if (/^\d{2,4}[\x21-\x7e]+$/.test(s)) {
    try {
      return fromAis(parseUnbracketed('^' + s), 'gs1-element-string');
    } catch {
      // fall through to the generic error
    }
  }
  throw invalid('unrecognised_code', `Unrecognised code "${s.length > 60 ? s.slice(0, 60) + '…' : s}"`, {});
}
