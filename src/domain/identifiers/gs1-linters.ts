/**
 * The GS1 Barcode Syntax Tests ("linters") named by the GS1 Barcode Syntax Dictionary. Each takes the text of
 * one AI component and returns undefined when it passes, or the GS1 linter error name with the position and
 * length of the offending characters. Behaviour follows the reference implementations in gs1/gs1-syntax-engine
 * (src/c-lib/syntax/lint_*.c, Apache-2.0); the conformance suite runs their unit-test vectors.
 */
import { readFileSync } from 'node:fs';

/** A linter failure: GS1 error name (e.g. GS1_LINTER_INCORRECT_CHECK_DIGIT), start and length of the bad data. */
export interface LintFailure {
  readonly err: string;
  readonly pos: number;
  readonly len: number;
}

/** A linter: undefined means the data passed. */
export type Linter = (data: string) => LintFailure | undefined;

const lists = JSON.parse(readFileSync(new URL('./data/gs1-code-lists.json', import.meta.url), 'utf8')) as Record<
  string,
  string[]
>;
const ISO3166 = new Set(lists.iso3166);
const ISO3166_ALPHA2 = new Set(lists.iso3166alpha2);
const ISO4217 = new Set(lists.iso4217);
const PACKAGE_TYPES = new Set(lists.packagetype);
const MEDIA_TYPES = new Set(lists.mediatype);

/** GS1 AI encodable character set 82, in the order used for the check character pair. */
export const CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const CSET39 = '#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CSET64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const IMPORTER_IDX = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}
const CSET82_T = charTable(CSET82);
const CSET39_T = charTable(CSET39);
const CSET64_T = charTable(CSET64);
const CSET82_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < CSET82.length; i++) CSET82_VALUE[CSET82.charCodeAt(i)] = i;

/** The first 97 primes: the weights of the GS1 check character pair, rightmost data character first. */
const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 97; n++) if (PRIMES.every((p) => n % p !== 0)) PRIMES.push(n);

const fail = (err: string, pos: number, len: number): LintFailure => ({ err, pos, len });
const whole = (err: string, data: string): LintFailure => ({ err, pos: 0, len: data.length });
const isDigit = (c: number) => c >= 48 && c <= 57;

function firstNonDigit(data: string): number {
  for (let i = 0; i < data.length; i++) if (!isDigit(data.charCodeAt(i))) return i;
  return -1;
}
function nonDigit(data: string): LintFailure | undefined {
  const i = firstNonDigit(data);
  return i >= 0 ? fail('GS1_LINTER_NON_DIGIT_CHARACTER', i, 1) : undefined;
}
function inTable(t: Uint8Array, err: string): Linter {
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c >= 128 || !t[c]) return fail(err, i, 1);
    }
    return undefined;
  };
}

/** GS1 mod-10 check digit over all but the last digit of `body` (weights 3,1 from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

const csetnumeric: Linter = nonDigit;
const cset82: Linter = inTable(CSET82_T, 'GS1_LINTER_INVALID_CSET82_CHARACTER');
const cset39: Linter = inTable(CSET39_T, 'GS1_LINTER_INVALID_CSET39_CHARACTER');

const cset64: Linter = (data) => {
  let end = data.length;
  while (end > 0 && data[end - 1] === '=') end--;
  for (let i = 0; i < end; i++) {
    const c = data.charCodeAt(i);
    if (c >= 128 || !CSET64_T[c]) return fail('GS1_LINTER_INVALID_CSET64_CHARACTER', i, 1);
  }
  const pad = data.length - end;
  if (pad > 0 && (end === 0 || pad > 2 || data.length % 3 !== 0))
    return fail('GS1_LINTER_INVALID_CSET64_PADDING', end, pad);
  return undefined;
};

const csum: Linter = (data) => {
  const nd = nonDigit(data);
  if (nd) return nd;
  if (data.length === 0) return whole('GS1_LINTER_TOO_SHORT_FOR_CHECK_DIGIT', data);
  const expected = gs1CheckDigit(data.slice(0, -1));
  if (data.charCodeAt(data.length - 1) - 48 !== expected) return fail('GS1_LINTER_INCORRECT_CHECK_DIGIT', data.length - 1, 1);
  return undefined;
};

/** The GS1 check character pair for `body` (GS1 General Specifications 7.9.5). */
export function gs1CheckPair(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, k = 0; i >= 0; i--, k++) sum += CSET82_VALUE[body.charCodeAt(i)] * PRIMES[k];
  sum %= 1021;
  return CSET32[sum >> 5] + CSET32[sum & 31];
}

const csumalpha: Linter = (data) => {
  if (data.length < 2) return whole('GS1_LINTER_TOO_SHORT_FOR_CHECK_PAIR', data);
  const body = data.length - 2;
  if (body > PRIMES.length) return whole('GS1_LINTER_TOO_LONG_FOR_CHECK_PAIR_IMPLEMENTATION', data);
  for (let i = 0; i < body; i++) {
    const c = data.charCodeAt(i);
    if (c >= 128 || CSET82_VALUE[c] < 0) return fail('GS1_LINTER_INVALID_CSET82_CHARACTER', i, 1);
  }
  if (gs1CheckPair(data.slice(0, body)) !== data.slice(body)) return fail('GS1_LINTER_INCORRECT_CHECK_PAIR', body, 2);
  return undefined;
};

/** Minimum GS1 Company Prefix length the gcppos linters require, and the digits that must lead. */
const GCP_MIN_LENGTH = 4;
function gcpAt(offset: number): Linter {
  return (data) => {
    if (data.length < offset + GCP_MIN_LENGTH) return fail('GS1_LINTER_TOO_SHORT_FOR_GCP', offset > data.length ? 0 : offset, Math.max(0, data.length - offset));
    for (let i = offset; i < offset + GCP_MIN_LENGTH; i++)
      if (!isDigit(data.charCodeAt(i))) return fail('GS1_LINTER_INVALID_GCP_PREFIX', offset, data.length - offset);
    return undefined;
  };
}
const gcppos1 = gcpAt(0);
const gcppos2 = gcpAt(1);

const hasnondigit: Linter = (data) => (firstNonDigit(data) < 0 ? whole('GS1_LINTER_REQUIRES_NON_DIGIT_CHARACTER', data) : undefined);

function daysIn(month: number, leap: boolean): number {
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}
function dateLinter(yearDigits: 2 | 4, zeroDay: boolean): Linter {
  const n = yearDigits + 4;
  return (data) => {
    const nd = nonDigit(data);
    if (nd) return nd;
    if (data.length < n) return whole('GS1_LINTER_DATE_TOO_SHORT', data);
    if (data.length > n) return whole('GS1_LINTER_DATE_TOO_LONG', data);
    const y = Number(data.slice(0, yearDigits));
    const m = Number(data.slice(yearDigits, yearDigits + 2));
    const d = Number(data.slice(yearDigits + 2));
    if (m < 1 || m > 12) return fail('GS1_LINTER_ILLEGAL_MONTH', yearDigits, 2);
    const leap = yearDigits === 2 ? y % 4 === 0 : (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if ((d === 0 && !zeroDay) || d > daysIn(m, leap)) return fail('GS1_LINTER_ILLEGAL_DAY', yearDigits + 2, 2);
    return undefined;
  };
}

function twoDigit(max: number, illegal: string, short: string, long: string): Linter {
  return (data) => {
    const nd = nonDigit(data);
    if (nd) return nd;
    if (data.length < 2) return whole(short, data);
    if (data.length > 2) return whole(long, data);
    return Number(data) > max ? fail(illegal, 0, 2) : undefined;
  };
}
const hh = twoDigit(23, 'GS1_LINTER_ILLEGAL_HOUR', 'GS1_LINTER_HOUR_TOO_SHORT', 'GS1_LINTER_HOUR_TOO_LONG');
const mi = twoDigit(59, 'GS1_LINTER_ILLEGAL_MINUTE', 'GS1_LINTER_MINUTE_TOO_SHORT', 'GS1_LINTER_MINUTE_TOO_LONG');
const ss = twoDigit(59, 'GS1_LINTER_ILLEGAL_SECOND', 'GS1_LINTER_SECOND_TOO_SHORT', 'GS1_LINTER_SECOND_TOO_LONG');
const hhmi: Linter = (data) => {
  const nd = nonDigit(data);
  if (nd) return nd;
  if (data.length < 4) return whole('GS1_LINTER_HOUR_WITH_MINUTE_TOO_SHORT', data);
  if (data.length > 4) return whole('GS1_LINTER_HOUR_WITH_MINUTE_TOO_LONG', data);
  if (Number(data.slice(0, 2)) > 23) return fail('GS1_LINTER_ILLEGAL_HOUR', 0, 2);
  if (Number(data.slice(2)) > 59) return fail('GS1_LINTER_ILLEGAL_MINUTE', 2, 2);
  return undefined;
};

function listLinter(set: Set<string>, err: string, extra?: string): Linter {
  return (data) => (set.has(data) || data === extra ? undefined : whole(err, data));
}
function oneOf(chars: string, err: string): Linter {
  return (data) => (data.length === 1 && chars.includes(data) ? undefined : whole(err, data));
}

function coordinate(max: number, lenErr: string, valErr: string): Linter {
  return (data) => {
    if (data.length !== 10) return whole(lenErr, data);
    const nd = nonDigit(data);
    if (nd) return nd;
    return Number(data) > max ? whole(valErr, data) : undefined;
  };
}

const nonzero: Linter = (data) => nonDigit(data) ?? (/^0*$/.test(data) ? whole('GS1_LINTER_ILLEGAL_ZERO_VALUE', data) : undefined);
const zero: Linter = (data) => (data.length > 0 && /^0+$/.test(data) ? undefined : whole('GS1_LINTER_NOT_ZERO', data));
const nozeroprefix: Linter = (data) =>
  nonDigit(data) ?? (data.startsWith('0') ? fail('GS1_LINTER_ILLEGAL_ZERO_PREFIX', 0, 1) : undefined);
const hyphen: Linter = (data) => (data.length > 0 && /^-+$/.test(data) ? undefined : whole('GS1_LINTER_NOT_HYPHEN', data));

const pieceoftotal: Linter = (data) => {
  if (data.length === 0 || data.length % 2 !== 0) return whole('GS1_LINTER_INVALID_LENGTH_FOR_PIECE_OF_TOTAL', data);
  const nd = nonDigit(data);
  if (nd) return nd;
  const h = data.length / 2;
  const piece = Number(data.slice(0, h));
  const total = Number(data.slice(h));
  if (piece === 0) return fail('GS1_LINTER_ZERO_PIECE_NUMBER', 0, h);
  if (total === 0) return fail('GS1_LINTER_ZERO_TOTAL_PIECES', h, h);
  if (piece > total) return whole('GS1_LINTER_PIECE_NUMBER_EXCEEDS_TOTAL', data);
  return undefined;
};

const POS_IN_SEQ = /^(\d+)\/(\d+)$/;
const posinseqslash: Linter = (data) => {
  const m = POS_IN_SEQ.exec(data);
  if (!m) return whole('GS1_LINTER_POSITION_IN_SEQUENCE_MALFORMED', data);
  if (m[1].startsWith('0')) return fail('GS1_LINTER_ILLEGAL_ZERO_PREFIX', 0, m[1].length);
  if (m[2].startsWith('0')) return fail('GS1_LINTER_ILLEGAL_ZERO_PREFIX', m[1].length + 1, m[2].length);
  if (Number(m[1]) > Number(m[2])) return whole('GS1_LINTER_POSITION_EXCEEDS_END', data);
  return undefined;
};

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const pcenc: Linter = (data) => {
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== '%') continue;
    if (i + 2 >= data.length || !isHex(data.charCodeAt(i + 1)) || !isHex(data.charCodeAt(i + 2)))
      return fail('GS1_LINTER_INVALID_PERCENT_SEQUENCE', i, Math.min(3, data.length - i));
    i += 2;
  }
  return undefined;
};

/** Shorter than the shortest IBAN in the registry (Norway, 15 characters). */
const IBAN_MIN = 14;
const IBAN_MAX = 34;
const ibanWeight = (c: number) => (c >= 48 && c <= 57 ? c - 48 + 1 : c >= 65 && c <= 90 ? c - 65 + 11 : 0);
const iban: Linter = (data) => {
  if (data.length < 4) return whole('GS1_LINTER_IBAN_TOO_SHORT', data);
  if (!ISO3166_ALPHA2.has(data.slice(0, 2))) return fail('GS1_LINTER_ILLEGAL_IBAN_COUNTRY_CODE', 0, 2);
  if (data.length > IBAN_MAX) return whole('GS1_LINTER_IBAN_TOO_LONG', data);
  if (data.length <= IBAN_MIN) return whole('GS1_LINTER_IBAN_TOO_SHORT', data);
  let sum = 0;
  for (let k = 4; k < data.length + 4; k++) {
    const i = k < data.length ? k : k - data.length;
    const w = ibanWeight(data.charCodeAt(i));
    if (w === 0) return fail('GS1_LINTER_INVALID_IBAN_CHARACTER', i, 1);
    sum = (sum * (w <= 10 ? 10 : 100) + w - 1) % 97;
  }
  return sum === 1 ? undefined : fail('GS1_LINTER_INCORRECT_IBAN_CHECKSUM', 2, 2);
};

const yymmdd = dateLinter(2, false);

/** A cursor over coupon data; each step returns a failure or advances. */
function couponLinter(positiveOffer: boolean): Linter {
  return (data) => {
    const nd = nonDigit(data);
    if (nd) return nd;
    const q = data.length;
    let p = 0;
    const missing = (what: string) => fail(`GS1_LINTER_COUPON_MISSING_${what}`, 0, q);
    const invalid = (what: string) => fail(`GS1_LINTER_COUPON_INVALID_${what}`, p, 1);
    const truncated = (err: string) => (p === q ? fail(err, 0, q) : fail(err, p, q - p));
    const digit = () => data.charCodeAt(p) - 48;
    /** A VLI-prefixed field: returns the field length or a failure. p is left after the VLI. */
    const gcpField = (vli: number, trunc: string, check: boolean): LintFailure | undefined => {
      if (q - p < vli) return truncated(trunc);
      if (check && vli > 0) {
        const g = gcppos1(data.slice(p, p + vli));
        if (g) return fail(g.err, p, vli);
      }
      p += vli;
      return undefined;
    };
    let r: LintFailure | undefined;

    if (positiveOffer) {
      if (p === q) return missing('FORMAT_CODE');
      if (digit() > 1) return invalid('FORMAT_CODE');
      if (++p === q) return missing('FUNDER_VLI');
      if (digit() > 6) return invalid('FUNDER_LENGTH');
      const v = digit() + 6;
      p++;
      if ((r = gcpField(v, 'GS1_LINTER_COUPON_TRUNCATED_FUNDER', false))) return r;
      if (q - p < 6) return truncated('GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE');
      p += 6;
      if (p === q) return missing('SERIAL_NUMBER_VLI');
      const s = digit() + 6;
      p++;
      if (q - p < s) return truncated('GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER');
      p += s;
      return p !== q ? fail('GS1_LINTER_COUPON_EXCESS_DATA', p, q - p) : undefined;
    }

    if (p === q) return missing('GCP_VLI');
    if (digit() > 6) return invalid('GCP_LENGTH');
    let v = digit() + 6;
    p++;
    if ((r = gcpField(v, 'GS1_LINTER_COUPON_TRUNCATED_GCP', true))) return r;
    if (q - p < 6) return truncated('GS1_LINTER_COUPON_TRUNCATED_OFFER_CODE');
    p += 6;
    if (p === q) return missing('SAVE_VALUE_VLI');
    if (digit() < 1 || digit() > 5) return invalid('SAVE_VALUE_LENGTH');
    v = digit();
    p++;
    if (q - p < v) return truncated('GS1_LINTER_COUPON_TRUNCATED_SAVE_VALUE');
    p += v;

    const purchase = (nth: '1ST' | '2ND' | '3RD', withVliAtP: boolean): LintFailure | undefined => {
      if (withVliAtP ? p === q : ++p === q) return missing(`${nth}_PURCHASE_REQUIREMENT_VLI`);
      if (digit() < 1 || digit() > 5) return invalid(`${nth}_PURCHASE_REQUIREMENT_LENGTH`);
      const n = digit();
      p++;
      if (q - p < n) return truncated(`GS1_LINTER_COUPON_TRUNCATED_${nth}_PURCHASE_REQUIREMENT`);
      p += n;
      if (p === q) return missing(`${nth}_PURCHASE_REQUIREMENT_CODE`);
      if (digit() > 4 && digit() !== 9) return invalid(`${nth}_PURCHASE_REQUIREMENT_CODE`);
      p++;
      if (q - p < 3) return truncated(`GS1_LINTER_COUPON_TRUNCATED_${nth}_PURCHASE_FAMILY_CODE`);
      p += 3;
      return undefined;
    };
    const purchaseGcp = (nth: '2ND' | '3RD'): LintFailure | undefined => {
      if (p === q) return missing(`${nth}_PURCHASE_GCP_VLI`);
      if (digit() > 6 && digit() !== 9) return invalid(`${nth}_PURCHASE_GCP_LENGTH`);
      const n = digit() !== 9 ? digit() + 6 : 0;
      p++;
      return gcpField(n, `GS1_LINTER_COUPON_TRUNCATED_${nth}_PURCHASE_GCP`, true);
    };

    if ((r = purchase('1ST', true))) return r;

    if (p < q && data[p] === '1') {
      if (++p === q) return missing('ADDITIONAL_PURCHASE_RULES_CODE');
      if (digit() > 3) return invalid('ADDITIONAL_PURCHASE_RULES_CODE');
      if ((r = purchase('2ND', false))) return r;
      if ((r = purchaseGcp('2ND'))) return r;
    }
    if (p < q && data[p] === '2') {
      if ((r = purchase('3RD', false))) return r;
      if ((r = purchaseGcp('3RD'))) return r;
    }
    let expiry: string | undefined;
    if (p < q && data[p] === '3') {
      p++;
      if (q - p < 6) return truncated('GS1_LINTER_COUPON_TOO_SHORT_FOR_EXPIRATION_DATE');
      expiry = data.slice(p, p + 6);
      if (yymmdd(expiry)) return fail('GS1_LINTER_COUPON_INVALID_EXIPIRATION_DATE', p, 6);
      p += 6;
    }
    if (p < q && data[p] === '4') {
      p++;
      if (q - p < 6) return truncated('GS1_LINTER_COUPON_TOO_SHORT_FOR_START_DATE');
      const start = data.slice(p, p + 6);
      if (yymmdd(start)) return fail('GS1_LINTER_COUPON_INVALID_START_DATE', p, 6);
      if (expiry !== undefined && start > expiry) return fail('GS1_LINTER_COUPON_EXPIRATION_BEFORE_START', p - 8, 14);
      p += 6;
    }
    if (p < q && data[p] === '5') {
      if (++p === q) return missing('SERIAL_NUMBER_VLI');
      const n = digit() + 6;
      p++;
      if (q - p < n) return truncated('GS1_LINTER_COUPON_TRUNCATED_SERIAL_NUMBER');
      p += n;
    }
    if (p < q && data[p] === '6') {
      if (++p === q) return missing('RETAILER_GCP_OR_GLN_VLI');
      if (digit() < 1 || digit() > 7) return invalid('RETAILER_GCP_OR_GLN_LENGTH');
      const n = digit() + 6;
      p++;
      if ((r = gcpField(n, 'GS1_LINTER_COUPON_TRUNCATED_RETAILER_GCP_OR_GLN', true))) return r;
    }
    if (p < q && data[p] === '9') {
      if (++p === q) return missing('SAVE_VALUE_CODE');
      if (!'01256'.includes(data[p])) return invalid('SAVE_VALUE_CODE');
      if (++p === q) return missing('SAVE_VALUE_APPLIES_TO_ITEM');
      if (digit() > 2) return invalid('SAVE_VALUE_APPLIES_TO_ITEM');
      if (++p === q) return missing('STORE_COUPON_FLAG');
      if (++p === q) return missing('DONT_MULTIPLY_FLAG');
      if (digit() > 1) return invalid('DONT_MULTIPLY_FLAG');
      p++;
    }
    return p !== q ? fail('GS1_LINTER_COUPON_EXCESS_DATA', p, q - p) : undefined;
  };
}

/** Every linter by the name the Syntax Dictionary uses (plus the character-set checks behind N, X, Y and Z). */
export const LINTERS: Readonly<Record<string, Linter>> = {
  csetnumeric,
  cset82,
  cset39,
  cset64,
  csum,
  csumalpha,
  gcppos1,
  gcppos2,
  hasnondigit,
  yymmd0: dateLinter(2, true),
  yymmdd,
  yyyymmd0: dateLinter(4, true),
  yyyymmdd: dateLinter(4, false),
  hh,
  mi,
  ss,
  hhmi,
  iso3166: listLinter(ISO3166, 'GS1_LINTER_NOT_ISO3166'),
  iso3166999: listLinter(ISO3166, 'GS1_LINTER_NOT_ISO3166_OR_999', '999'),
  iso3166alpha2: listLinter(ISO3166_ALPHA2, 'GS1_LINTER_NOT_ISO3166_ALPHA2'),
  iso4217: listLinter(ISO4217, 'GS1_LINTER_NOT_ISO4217'),
  iso5218: oneOf('0129', 'GS1_LINTER_INVALID_BIOLOGICAL_SEX_CODE'),
  packagetype: listLinter(PACKAGE_TYPES, 'GS1_LINTER_INVALID_PACKAGE_TYPE'),
  mediatype: listLinter(MEDIA_TYPES, 'GS1_LINTER_INVALID_MEDIA_TYPE'),
  importeridx: (data) =>
    data.length !== 1
      ? whole('GS1_LINTER_IMPORTER_IDX_MUST_BE_ONE_CHARACTER', data)
      : IMPORTER_IDX.includes(data) ? undefined : whole('GS1_LINTER_INVALID_IMPORT_IDX_CHARACTER', data),
  latitude: coordinate(1800000000, 'GS1_LINTER_LATITUDE_INVALID_LENGTH', 'GS1_LINTER_INVALID_LATITUDE'),
  longitude: coordinate(3600000000, 'GS1_LINTER_LONGITUDE_INVALID_LENGTH', 'GS1_LINTER_INVALID_LONGITUDE'),
  nonzero,
  zero,
  nozeroprefix,
  hyphen,
  winding: oneOf('019', 'GS1_LINTER_INVALID_WINDING_DIRECTION'),
  yesno: oneOf('01', 'GS1_LINTER_NOT_ZERO_OR_ONE'),
  pieceoftotal,
  posinseqslash,
  pcenc,
  iban,
  couponcode: couponLinter(false),
  couponposoffer: couponLinter(true),
};
