/**
 * EPC pure-identity URNs (GS1 EPC Tag Data Standard) ⇄ GS1 Digital Link: sgtin, sscc, sgln, pgln, grai, giai,
 * lgtin (class) and the sgtin id pattern `urn:epc:idpat:sgtin:CP.IR.*` (class level).
 */
import { invalid } from '../errors.ts';
import { gs1CheckDigit } from './gs1-linters.ts';
import { validateAiValue, type AiValue } from './gs1-element-string.ts';
import { buildDigitalLink, parseDigitalLinkUri, CANONICAL_DL_HOST } from './gs1-digital-link.ts';

/**
 * Company-prefix length assumed when turning a Digital Link into an EPC URN and none is given. 7 digits is the
 * most common allocation (and the length of GS1 China's 690/691 prefixes); pass the real length when known.
 */
export const DEFAULT_COMPANY_PREFIX_LENGTH = 7;

const DIGITS = /^\d+$/;
/** Characters escaped in EPC URI serials/references (TDS: ", %, &, /, <, >, ?). */
const EPC_ESCAPE = /["%&/<>?]/g;

function epcEscape(s: string): string {
  return s.replace(EPC_ESCAPE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}
function epcUnescape(s: string, urn: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/%([0-9A-Fa-f]{2})|%/g, (m, h: string | undefined) => {
    if (!h) throw invalid('bad_epc_urn', `Bad percent-escape in ${urn}`, { urn });
    return String.fromCharCode(parseInt(h, 16));
  });
}

function fault(urn: string, why: string): never {
  throw invalid('bad_epc_urn', `${urn}: ${why}`, { urn });
}

function digitsPart(urn: string, s: string, what: string): string {
  if (!DIGITS.test(s)) fault(urn, `${what} must be digits, found "${s}"`);
  return s;
}
function companyPrefix(urn: string, cp: string): string {
  digitsPart(urn, cp, 'company prefix');
  if (cp.length < 6 || cp.length > 12) fault(urn, `company prefix must be 6 to 12 digits, found ${cp.length}`);
  return cp;
}
const withCheck = (body: string) => body + gs1CheckDigit(body);

/** The AIs an EPC URN stands for, and whether it names a class (lgtin, idpat) rather than an instance. */
export interface EpcAis {
  ais: AiValue[];
  scheme: string;
  classLevel: boolean;
}

/**
 * Reads an EPC URN into its GS1 AIs.
 * @throws DomainError invalid `bad_epc_urn`, `unsupported_epc_scheme`, or an AI value fault
 */
export function epcUrnToAis(urn: string): EpcAis {
  const m = /^urn:epc:(id|class|idpat):([a-z0-9]+):(.*)$/.exec(urn);
  if (!m) fault(urn, 'not an EPC URN');
  const [, kind, scheme, rest] = m;
  const parts = rest.split('.');
  const need = (n: number) => {
    if (parts.length !== n) fault(urn, `expected ${n} dot-separated parts, found ${parts.length}`);
  };
  let ais: AiValue[];
  let classLevel = false;
  const key = `${kind}:${scheme}`;
  switch (key) {
    case 'id:sgtin':
    case 'class:lgtin':
    case 'idpat:sgtin': {
      need(3);
      const cp = companyPrefix(urn, parts[0]);
      const ir = digitsPart(urn, parts[1], 'item reference');
      if (cp.length + ir.length !== 13) fault(urn, `company prefix + item reference must be 13 digits, found ${cp.length + ir.length}`);
      const gtin = withCheck(ir[0] + cp + ir.slice(1));
      ais = [{ ai: '01', value: gtin }];
      if (key === 'idpat:sgtin') {
        if (parts[2] !== '*') fault(urn, 'an sgtin pattern must end in ".*"');
        classLevel = true;
      } else {
        const extra = epcUnescape(parts[2], urn);
        ais.push({ ai: key === 'id:sgtin' ? '21' : '10', value: extra });
        classLevel = key === 'class:lgtin';
      }
      break;
    }
    case 'id:sscc': {
      need(2);
      const cp = companyPrefix(urn, parts[0]);
      const sr = digitsPart(urn, parts[1], 'serial reference');
      if (cp.length + sr.length !== 17) fault(urn, `company prefix + serial reference must be 17 digits, found ${cp.length + sr.length}`);
      ais = [{ ai: '00', value: withCheck(sr[0] + cp + sr.slice(1)) }];
      break;
    }
    case 'id:sgln':
    case 'id:pgln': {
      need(key === 'id:sgln' ? 3 : 2);
      const cp = companyPrefix(urn, parts[0]);
      const ref = parts[1] === '' ? '' : digitsPart(urn, parts[1], 'location/party reference');
      if (cp.length + ref.length !== 12) fault(urn, `company prefix + reference must be 12 digits, found ${cp.length + ref.length}`);
      const gln = withCheck(cp + ref);
      if (key === 'id:pgln') ais = [{ ai: '417', value: gln }];
      else {
        ais = [{ ai: '414', value: gln }];
        const ext = epcUnescape(parts[2], urn);
        if (ext !== '0') ais.push({ ai: '254', value: ext });
      }
      break;
    }
    case 'id:grai': {
      need(3);
      const cp = companyPrefix(urn, parts[0]);
      const at = parts[1] === '' ? '' : digitsPart(urn, parts[1], 'asset type');
      if (cp.length + at.length !== 12) fault(urn, `company prefix + asset type must be 12 digits, found ${cp.length + at.length}`);
      ais = [{ ai: '8003', value: '0' + withCheck(cp + at) + epcUnescape(parts[2], urn) }];
      break;
    }
    case 'id:giai': {
      need(2);
      const cp = companyPrefix(urn, parts[0]);
      ais = [{ ai: '8004', value: cp + epcUnescape(parts[1], urn) }];
      break;
    }
    default:
      throw invalid('unsupported_epc_scheme', `EPC scheme urn:epc:${kind}:${scheme} has no Digital Link mapping here`, { urn });
  }
  for (const a of ais) validateAiValue(a.ai, a.value);
  return { ais, scheme: `${kind === 'id' ? '' : kind + ':'}${scheme}`, classLevel };
}

/**
 * Converts an EPC URN to the canonical Digital Link URI on https://id.gs1.org.
 * @throws DomainError invalid `bad_epc_urn`, `unsupported_epc_scheme`, or an AI value fault
 */
export function epcUrnToDigitalLink(urn: string): string {
  return buildDigitalLink(epcUrnToAis(urn).ais, CANONICAL_DL_HOST);
}

/**
 * Converts a Digital Link URI (any host) to an EPC URN. The company-prefix length cannot be derived from the
 * key; it defaults to {@link DEFAULT_COMPANY_PREFIX_LENGTH}.
 * @throws DomainError invalid `no_epc_equivalent`, `bad_company_prefix_length`, or any Digital Link fault
 */
export function digitalLinkToEpcUrn(dl: string, companyPrefixLength: number = DEFAULT_COMPANY_PREFIX_LENGTH): string {
  return aisToEpcUrn(parseDigitalLinkUri(dl).ais, companyPrefixLength, dl);
}

/** Converts AIs (key + qualifiers) to an EPC URN; see {@link digitalLinkToEpcUrn}. */
export function aisToEpcUrn(ais: readonly AiValue[], cpl: number = DEFAULT_COMPANY_PREFIX_LENGTH, shown = ''): string {
  if (!Number.isInteger(cpl) || cpl < 6 || cpl > 12)
    throw invalid('bad_company_prefix_length', `Company prefix length must be 6 to 12, got ${cpl}`, { companyPrefixLength: cpl });
  const get = (ai: string) => ais.find((a) => a.ai === ai)?.value;
  const gtin = get('01');
  if (gtin) {
    const ir = gtin[0] + gtin.slice(1 + cpl, 13);
    const cp = gtin.slice(1, 1 + cpl);
    const serial = get('21');
    if (serial !== undefined) return `urn:epc:id:sgtin:${cp}.${ir}.${epcEscape(serial)}`;
    const lot = get('10');
    if (lot !== undefined) return `urn:epc:class:lgtin:${cp}.${ir}.${epcEscape(lot)}`;
    return `urn:epc:idpat:sgtin:${cp}.${ir}.*`;
  }
  const sscc = get('00');
  if (sscc) return `urn:epc:id:sscc:${sscc.slice(1, 1 + cpl)}.${sscc[0]}${sscc.slice(1 + cpl, 17)}`;
  const sgln = get('414');
  if (sgln) return `urn:epc:id:sgln:${sgln.slice(0, cpl)}.${sgln.slice(cpl, 12)}.${epcEscape(get('254') ?? '0')}`;
  const pgln = get('417');
  if (pgln) return `urn:epc:id:pgln:${pgln.slice(0, cpl)}.${pgln.slice(cpl, 12)}`;
  const grai = get('8003');
  if (grai) {
    if (grai.length <= 14) throw invalid('no_epc_equivalent', 'A GRAI without serial component has no EPC pure-identity URN', { ai: '8003' });
    return `urn:epc:id:grai:${grai.slice(1, 1 + cpl)}.${grai.slice(1 + cpl, 13)}.${epcEscape(grai.slice(14))}`;
  }
  const giai = get('8004');
  if (giai) {
    if (giai.length <= cpl) throw invalid('bad_company_prefix_length', 'GIAI shorter than the company prefix', { ai: '8004' });
    return `urn:epc:id:giai:${giai.slice(0, cpl)}.${epcEscape(giai.slice(cpl))}`;
  }
  throw invalid('no_epc_equivalent', `${shown || 'These AIs'} have no EPC URN mapping here (supported: 01, 00, 414, 417, 8003, 8004)`, {
    ais: ais.map((a) => a.ai),
  });
}
