/**
 * Identifiers: parse, validate, normalise and format GS1 keys (element strings, Digital Link, EPC URNs) and the
 * Chinese and local schemes the platform uses. Pure; reads only its bundled data files at module load.
 * See docs/identifiers.md.
 */
import { parseBracketed, parseUnbracketed, type AiValue } from './gs1-element-string.ts';
import { parseDigitalLinkUri, buildDigitalLink, CANONICAL_DL_HOST } from './gs1-digital-link.ts';
import { processScanData } from './gs1-scandata.ts';
import { invalid } from '../errors.ts';

export { normalizeEpcisId, parseAnyCode, parseCodeField, partyUri, siteUri, validateGln, validateGtin, canonicalDigitalLink } from './normalize.ts';
export type { EpcisIdKind, ParsedCode } from './normalize.ts';
export { epcUrnToDigitalLink, digitalLinkToEpcUrn, aisToEpcUrn, epcUrnToAis, DEFAULT_COMPANY_PREFIX_LENGTH } from './epc-urn.ts';
export {
  validateUscc, validateDrugCode, splitDrugCode, validateRegion, validateHsCode, validateSpecialEquipmentCode, validateIndustrialId,
  makeLocalCode, validateLocalCode, HUIZHOU_REGIONS, PROVINCES, LOCAL_CATEGORIES, usccCheckChar,
} from './china-codes.ts';
export { toBracketed, toUnbracketed, validateAiValue, validateAssociations } from './gs1-element-string.ts';
export type { AiValue, Gs1Options } from './gs1-element-string.ts';
export { processScanData } from './gs1-scandata.ts';
export { CANONICAL_DL_HOST, digitalLinkPath } from './gs1-digital-link.ts';
export { gs1DateToIso, type Gs1Date } from './gs1-dates.ts';

/**
 * Parses a GS1 element string: bracketed `(01)…(10)…`, unbracketed starting with FNC1 (`^` or GS), scanner output
 * with an AIM prefix (`]d2`, `]Q3`, `]C1`, `]e0`, `]J1`), or FNC1-less digits as keyboard-wedge scanners send them.
 * @throws DomainError invalid naming the fault (`bad_check_digit`, `unknown_ai`, `bad_length`, `missing_required_ai`, …)
 */
export function parseElementString(input: string): { ais: Array<{ ai: string; value: string }> } {
  const s = input.trim();
  if (s.startsWith('(')) return { ais: parseBracketed(s) };
  if (s.startsWith(']')) {
    const r = processScanData(s);
    if (!r.ais || r.kind === 'digital-link') throw invalid('not_element_string', 'The scan does not carry GS1 element-string data', {});
    return { ais: r.ais };
  }
  return { ais: parseUnbracketed(s.startsWith('^') || s.startsWith('\x1d') ? s : '^' + s) };
}

/**
 * Parses an uncompressed GS1 Digital Link URI on any host.
 * @throws DomainError invalid (`bad_uri`, `no_primary_key`, `bad_qualifier`, AI value faults)
 */
export function parseDigitalLink(uri: string): { ais: Array<{ ai: string; value: string }>; host: string } {
  const { ais, host } = parseDigitalLinkUri(uri.trim());
  return { ais, host };
}

/**
 * Builds a Digital Link URI (canonical host https://id.gs1.org unless given).
 * @throws DomainError invalid (`no_primary_key`, `not_dl_attribute`, AI value faults)
 */
export function toDigitalLink(ais: Array<{ ai: string; value: string }>, host: string = CANONICAL_DL_HOST): string {
  return buildDigitalLink(ais as AiValue[], host);
}
