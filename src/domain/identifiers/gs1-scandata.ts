/**
 * Scanner output with an AIM symbology identifier (`]d2…`, `]Q3…`, `]C1…`, `]e0…`, `]E0…`, …): decides whether
 * the payload is GS1 AI data, a GTIN from EAN/UPC, a Digital Link URI or plain text, and validates it.
 */
import { invalid } from '../errors.ts';
import { gs1CheckDigit } from './gs1-linters.ts';
import { parseUnbracketed, type AiValue, type Gs1Options } from './gs1-element-string.ts';
import { parseDigitalLinkUri } from './gs1-digital-link.ts';

/** What a scan carried. `data` uses `^` for FNC1 in GS1 data; plain data starting with `^` is escaped `\^`. */
export interface ScanResult {
  symbology: string;
  data: string;
  kind: 'gs1' | 'ean' | 'digital-link' | 'plain';
  ais?: AiValue[];
}

const GS1_AIM: Record<string, string> = {
  ']C1': 'GS1_128_CCA',
  ']e0': 'DataBarExpanded',
  ']d2': 'DM',
  ']Q3': 'QR',
  ']J1': 'DotCode',
};
const PLAIN_AIM: Record<string, string> = { ']Q1': 'QR', ']d1': 'DM', ']J0': 'DotCode' };
const EAN_AIM: Record<string, { name: string; len: number }> = { ']E0': { name: 'EAN13', len: 13 }, ']E4': { name: 'EAN8', len: 8 } };
const DL_PREFIXES = ['https://', 'http://', 'HTTPS://', 'HTTP://'];

function gs1Data(payload: string, opts: Gs1Options): { data: string; ais: AiValue[] } {
  if (payload.length === 0) throw invalid('empty_input', 'The scan carries no data', { position: 3 });
  const unbracketed = '^' + payload.replaceAll('\x1d', '^');
  if (payload.includes('^')) throw invalid('bad_character', 'A literal "^" cannot appear in GS1 scan data', { position: payload.indexOf('^') + 3 });
  return { data: unbracketed, ais: parseUnbracketed(unbracketed, opts) };
}

/**
 * Processes scanner output that begins with an AIM symbology identifier.
 * @throws DomainError invalid `bad_symbology`, `bad_check_digit`, `bad_length`, or any GS1 fault in the payload
 */
export function processScanData(scan: string, opts: Gs1Options = {}): ScanResult {
  const aim = scan.slice(0, 3);
  const payload = scan.slice(3);
  if (GS1_AIM[aim]) return { symbology: GS1_AIM[aim], kind: 'gs1', ...gs1Data(payload, opts) };
  if (PLAIN_AIM[aim]) {
    if (DL_PREFIXES.some((p) => payload.startsWith(p))) {
      const dl = parseDigitalLinkUri(payload, opts);
      return { symbology: PLAIN_AIM[aim], kind: 'digital-link', data: payload, ais: dl.ais };
    }
    // Plain data that would read as FNC1-led GS1 data is escaped with a backslash.
    const data = /^\\*\^/.test(payload) ? '\\' + payload : payload;
    return { symbology: PLAIN_AIM[aim], kind: 'plain', data };
  }
  const ean = EAN_AIM[aim];
  if (ean) {
    const bar = payload.indexOf('|');
    const primary = bar < 0 ? payload : payload.slice(0, bar);
    if (!/^\d+$/.test(primary) || primary.length !== ean.len)
      throw invalid('bad_length', `${ean.name} data must be ${ean.len} digits`, { position: 3 });
    const cd = gs1CheckDigit(primary.slice(0, -1));
    if (Number(primary.at(-1)) !== cd)
      throw invalid('bad_check_digit', `${ean.name} check digit should be ${cd}, found ${primary.at(-1)}`, { position: 3 + ean.len - 1 });
    const gtin = primary.padStart(14, '0');
    if (bar < 0) return { symbology: ean.name, kind: 'ean', data: primary, ais: [{ ai: '01', value: gtin }] };
    const cc = payload.slice(bar + 1);
    if (!cc.startsWith(']e0')) throw invalid('bad_symbology', 'A composite component must start with ]e0', { position: 3 + bar + 1 });
    const comp = gs1Data(cc.slice(3), opts);
    return { symbology: ean.name, kind: 'ean', data: `${primary}|${comp.data}`, ais: [{ ai: '01', value: gtin }, ...comp.ais] };
  }
  throw invalid('bad_symbology', scan.startsWith(']') ? `Unsupported symbology identifier "${aim}"` : 'Scan data must start with an AIM symbology identifier such as ]d2', {
    position: 0,
  });
}
