/**
 * What a label carries (issue 4 §4, A4 labels and marks): the data its symbol encodes, the human-readable text under
 * it and the certification marks beside it. Pure: the same code, origin and options always give the same label.
 */
import { invalid } from '../errors.ts';
import { CANONICAL_DL_HOST } from '../identifiers/gs1-digital-link.ts';
import { findAi } from '../identifiers/gs1-syntax-dictionary.ts';
import { gs1DateToIso, parseDigitalLink, toBracketed, toDigitalLink, toUnbracketed, type ParsedCode } from '../identifiers/index.ts';

/** The two symbols a label may carry: a QR code with a GS1 Digital Link URI, or a (GS1) Data Matrix. */
export type Symbology = 'qr' | 'datamatrix';
export const SYMBOLOGIES: readonly Symbology[] = ['qr', 'datamatrix'];

/** The bwip-js symbol to draw: its encoder id and the exact data it encodes. */
export interface SymbolSpec {
  bcid: 'qrcode' | 'gs1datamatrix' | 'datamatrix';
  text: string;
  /** The text marks FNC1 as `^FNC1` (a GS1 Data Matrix built without bwip-js's bracketed-AI parser). */
  parsefnc?: boolean;
}

/** A certification mark printed on the label (only for certificate types that carry a mark). */
export interface LabelMark {
  /** Certificate type id (src/domain/directory/certificate-types.ts), e.g. `green-food`. */
  type: string;
  nameEn: string;
  nameZh: string;
  /** The certificate number as issued. */
  number: string;
}

/** Everything drawn on one label. */
export interface LabelContent {
  symbology: Symbology;
  symbol: SymbolSpec;
  /** The GS1 element string in brackets, or the code itself when it has no GS1 form. */
  humanReadable: string;
  /** Where a scan leads: the Digital Link URI on the platform's origin, or `<origin>/code/<code>`. */
  link: string;
  /** Short labelled lines: GTIN, LOT, SN, EXP … (Latin, so a PDF standard font can draw them). */
  fields: Array<{ label: string; value: string }>;
  /** Expiry as an ISO date (YYYY-MM-DD; YYYY-MM when the day is 00), or null when not known. */
  expiry: string | null;
  productName: string | null;
  marks: LabelMark[];
}

export interface LabelContentInput {
  /** The code as parseAnyCode returned it. */
  code: ParsedCode;
  /** The platform's public origin, e.g. `http://localhost:8080` (no trailing slash). */
  origin: string;
  symbology: Symbology;
  /** Expiry date YYYY-MM-DD to print and encode as AI (17); see {@link parseExpiry}. */
  expiry?: string | null;
  productName?: string | null;
  marks?: readonly LabelMark[];
  /** Today, for the century of a two-digit year carried in the code. */
  today: Date;
}

const FIELD_NAMES: Record<string, string> = {
  '00': 'SSCC', '01': 'GTIN', '10': 'LOT', '17': 'EXP', '21': 'SN', '22': 'CPV', '235': 'TPX', '253': 'GDTI', '414': 'GLN',
  '8003': 'GRAI', '8004': 'GIAI',
};

const SCHEME_NAMES: Record<string, string> = { drug: 'DRUG CODE', local: 'LOCAL CODE', iid: 'IIOT ID', equipment: 'EQUIP CODE' };

/** True when the canonical form is a GS1 Digital Link, i.e. the code has a GS1 element-string form. */
export function isGs1Canonical(canonical: string): boolean {
  return canonical.startsWith(`${CANONICAL_DL_HOST}/`);
}

/**
 * The label for a code. GS1 keys: the QR code carries the Digital Link URI on `origin` (AI 17 as a query attribute
 * when the expiry is known), the Data Matrix the GS1 element string (FNC1 form, fixed-length AIs first). Codes with
 * no GS1 form (drug codes, local codes, industrial-internet ids): the QR code carries `<origin>/code/<code>`, the
 * Data Matrix the code itself (plain ECC 200).
 * @throws DomainError invalid `bad_expiry` (field `expiry`), or an AI fault of the code
 */
export function labelContent(input: LabelContentInput): LabelContent {
  const origin = input.origin.replace(/\/+$/, '');
  const expiry = input.expiry ? parseExpiry(input.expiry) : null;
  const marks = [...(input.marks ?? [])];
  const productName = input.productName ?? null;
  if (isGs1Canonical(input.code.canonical)) {
    const identity = parseDigitalLink(input.code.canonical).ais;
    const carried = input.code.ais?.find((a) => a.ai === '17')?.value;
    const ai17 = expiry ? isoToAi17(expiry) : carried;
    const all = ai17 ? [...identity, { ai: '17', value: ai17 }] : identity;
    // Predefined-length AIs first, so the element string needs no FNC1 separator between them (GS1 GenSpecs 7.8.6).
    const ordered = [...all.filter((a) => findAi(a.ai)?.fnc1Required === false), ...all.filter((a) => findAi(a.ai)?.fnc1Required !== false)];
    const elementString = toBracketed(ordered);
    const link = toDigitalLink(ordered, origin);
    return {
      symbology: input.symbology,
      symbol: input.symbology === 'qr' ? { bcid: 'qrcode', text: link } : gs1DataMatrix(ordered),
      humanReadable: elementString,
      link,
      fields: ordered.map((a) => ({ label: FIELD_NAMES[a.ai] ?? `AI ${a.ai}`, value: a.ai === '17' ? ai17ToIso(a.value, input.today) : a.value })),
      expiry: ai17 ? ai17ToIso(ai17, input.today) : null,
      productName,
      marks,
    };
  }
  const plain = plainCode(input.code);
  const link = `${origin}/code/${encodeURIComponent(plain)}`;
  const fields = [{ label: SCHEME_NAMES[input.code.scheme] ?? 'CODE', value: plain }];
  if (expiry) fields.push({ label: 'EXP', value: expiry });
  return {
    symbology: input.symbology,
    symbol: input.symbology === 'qr' ? { bcid: 'qrcode', text: link } : { bcid: 'datamatrix', text: plain },
    humanReadable: plain,
    link,
    fields,
    expiry,
    productName,
    marks,
  };
}

/**
 * The GS1 Data Matrix of the AIs: bwip-js's gs1datamatrix (which checks the AIs again) from the bracketed string;
 * when a value holds "(" or ")", which its bracket parser cannot escape, the FNC1 form of a plain Data Matrix
 * (the AIs were checked when the code was parsed).
 */
function gs1DataMatrix(ais: ReadonlyArray<{ ai: string; value: string }>): SymbolSpec {
  if (ais.some((a) => /[()]/.test(a.value))) return { bcid: 'datamatrix', text: toUnbracketed(ais, '^FNC1'), parsefnc: true };
  return { bcid: 'gs1datamatrix', text: toBracketed(ais) };
}

/**
 * The code as printed when it has no GS1 form: the 20-digit drug code, the industrial-internet id or special-equipment
 * code without its URN wrapper; a local code as its full `urn:suyuan:local:…` URN (its issuer is part of it).
 */
export function plainCode(code: ParsedCode): string {
  const m = /^urn:suyuan:(drug|iid|equip):(.+)$/.exec(code.canonical);
  return m ? m[2] : code.canonical;
}

/**
 * Checks an expiry date given as YYYY-MM-DD (a real calendar date in 2000–2099, the range AI 17 can carry).
 * @throws DomainError invalid `bad_expiry` naming field `expiry`
 */
export function parseExpiry(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const bad = () => invalid('bad_expiry', `expiry must be a date YYYY-MM-DD between 2000 and 2099, not "${value}"`, { field: 'expiry' });
  if (!m) throw bad();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 2000 || y > 2099 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw bad();
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** YYYY-MM-DD → the YYMMDD of AI (17). */
export function isoToAi17(iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

/** AI (17) YYMMDD as printed: YYYY-MM-DD, or YYYY-MM for DD 00 ("end of month"); the century as GS1 determines it. */
export function ai17ToIso(yymmdd: string, today: Date): string {
  const d = gs1DateToIso(yymmdd, today);
  if (!d) return yymmdd;
  return d.endOfMonth ? d.date.slice(0, 7) : d.date;
}
