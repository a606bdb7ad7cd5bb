/**
 * Compressed GS1 Digital Link URIs (GS1 Digital Link standard 1.2+, "GS1 Digital Link: Compression"), both ways:
 * `https://id.gs1.org/GhFKk4XBoI1XgkZ_jeCjA5` ⇄ `https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231`.
 *
 * The last path segment is a base64url bit stream of elements, each a header then a value:
 * - header: the AI's digits as 4-bit nibbles (its 2-digit prefix tells how many digits follow), or one byte from
 *   the optimisation table standing for a fixed sequence of AIs, or nibble F + 7-bit length + base64url key for a
 *   non-GS1 query parameter;
 * - value, per component of the AI's format: fixed-length digits as one binary integer; variable-length digits as
 *   a length indicator then an integer; characters as a 3-bit encoding indicator (0 digits, 1 lower-case hex,
 *   2 upper-case hex, 3 base64url, 4 7-bit ASCII), a length indicator when variable, then the data.
 * The stream is zero-padded to whole base64url characters. A partially compressed URI keeps the primary key
 * uncompressed in the path: `…/01/09506000134352/<stream>`.
 *
 * Formats come from the Barcode Syntax Dictionary, components merged as the toolkit's format table ("table F")
 * does (adjacent fixed parts join; optional parts become a variable part; fixed then variable characters join),
 * so every AI the dictionary defines can be compressed. That agrees with the GS1 Digital Link toolkit (52dc9ce)
 * for every AI except where the toolkit's table contradicts the General Specifications: 235 (the toolkit adds an
 * N3 prefix), 7040 (it drops the X3 part) and 8007 (it caps the IBAN at 24, 5 length bits, not 34 and 6).
 *
 * Two toolkit defects are not reproduced, so every stream here round-trips:
 * - digits decoded from an encoding-0 or variable numeric field keep the leading zeros the length indicator
 *   implies (the toolkit turns serial `00001` into `1`);
 * - the character part of a two-part AI (253 GDTI, 8003 GRAI, 7030 …) follows the numeric part once (the toolkit
 *   writes the numeric part's bits twice and cannot read its own output).
 *
 * This module and gs1-digital-link.ts import each other (parsing accepts compressed URIs; compressing reads and
 * builds uncompressed ones). Neither calls the other while loading, so the cycle is safe.
 */
import { invalid } from '../errors.ts';
import type { AiValue } from './gs1-element-string.ts';
import { AI_TABLE, findAi, type AiEntry } from './gs1-syntax-dictionary.ts';
import {
  buildDigitalLink,
  parseDigitalLinkUri,
  escapePathComponent,
  escapeQueryComponent,
  unescapePathComponent,
  unescapeQueryComponent,
} from './gs1-digital-link.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789ABCDEF';
const B64URL = /^[A-Za-z0-9_-]+$/;
const SCHEME = /^https?:\/\//i;
const AI_DIGITS = /^\d{2,4}$/;
const ALL_DIGITS = /^\d+$/;

/** One part of an AI value as the stream encodes it: N or X (Y and Z are encoded as X), fixed or variable. */
interface Part {
  readonly kind: 'N' | 'X';
  readonly fixed: boolean;
  /** Length when fixed, maximum length when variable. */
  readonly len: number;
}

function partsOf(entry: AiEntry): Part[] {
  const parts: Array<{ kind: 'N' | 'X'; fixed: boolean; len: number }> = [];
  for (const c of entry.components) {
    const kind = c.cset === 'N' ? 'N' : 'X';
    const fixed = c.min === c.max && !c.optional;
    const prev = parts.at(-1);
    // N6 N4 → N10; [N2] [N2] → N..4; X2 X..28 → X..30 (but N13 [N..12] stays two parts).
    if (prev && prev.kind === kind && (prev.fixed === fixed || (kind === 'X' && prev.fixed))) {
      prev.len += c.max;
      prev.fixed = prev.fixed && fixed;
    } else parts.push({ kind, fixed, len: c.max });
  }
  return parts;
}

const FORMATS = new Map<string, readonly Part[]>();
/** AI length by 2-digit prefix (every AI sharing a prefix has the same length). */
const PREFIX_LENGTH = new Map<string, number>();
for (const [ai, entry] of AI_TABLE) {
  FORMATS.set(ai, partsOf(entry));
  PREFIX_LENGTH.set(ai.slice(0, 2), ai.length);
}

/**
 * The optimisation table: one header byte for a common sequence of AIs, in the toolkit's order (which breaks
 * ties when choosing). Codes F0–FF are reserved for non-GS1 query parameters. The values follow the code in
 * ascending AI order, as the toolkit writes and reads them (it sorts each sequence when it loads the table, so
 * 1A is 01 10 17 21 and 9D is 254 414), which the toolkit's published vectors confirm.
 */
const OPTIMISATIONS: ReadonlyMap<string, readonly string[]> = new Map(
  [
    '0A 01 22', '0B 01 10', '0C 01 21', '0D 01 17', '0E 01 7003', '0F 01 30',
    '1A 01 10 21 17', '1B 01 15', '1C 01 11', '1D 01 16', '1E 01 91', '1F 01 10 15',
    '2A 01 3100', '2B 01 3101', '2C 01 3102', '2D 01 3103', '2E 01 3104', '2F 01 3105',
    '3A 01 3200', '3B 01 3201', '3C 01 3202', '3D 01 3203', '3E 01 3204', '3F 01 3205',
    '9A 8010 8011', '9B 8017 8019', '9C 8018 8019', '9D 414 254',
    'A0 01 3920', 'A1 01 3921', 'A2 01 3922', 'A3 01 3923', 'A4 01 3924',
    'A5 01 3925', 'A6 01 3926', 'A7 01 3927', 'A8 01 3928', 'A9 01 3929',
    'C0 255 3900', 'C1 255 3901', 'C2 255 3902', 'C3 255 3903', 'C4 255 3904',
    'C5 255 3905', 'C6 255 3906', 'C7 255 3907', 'C8 255 3908', 'C9 255 3909',
    'CA 255 3940', 'CB 255 3941', 'CC 255 3942', 'CD 255 3943',
  ].map((row) => {
    const [code, ...ais] = row.split(' ');
    return [code, ais.sort()] as const;
  }),
);

// Bit counts as the toolkit computes them: the +0.01 gives a power-of-two maximum its extra bit (max 8: 4 bits).
const valueBits = (digits: number) => Math.ceil((digits * Math.log(10)) / Math.log(2) + 0.01);
const lengthBits = (max: number) => Math.ceil(Math.log(max) / Math.log(2) + 0.01);

function fault(kind: string, message: string, details: Record<string, unknown> = {}) {
  return invalid('bad_compressed_link', `Compressed Digital Link is malformed: ${message}`, { fault: kind, ...details });
}

function formatOf(ai: string): readonly Part[] {
  const f = FORMATS.get(ai);
  if (!f) throw fault('unknown_ai', `(${ai}) is not a GS1 Application Identifier`, { ai });
  return f;
}

class BitWriter {
  private bits = '';

  put(value: number | bigint, width: number): void {
    const s = value.toString(2);
    if (value < 0 || s.length > width) throw new Error(`gs1-digital-link-compression: ${value} does not fit in ${width} bits`);
    this.bits += s.padStart(width, '0');
  }

  get length(): number {
    return this.bits.length;
  }

  toBase64url(): string {
    const bits = this.bits.padEnd(Math.ceil(this.bits.length / 6) * 6, '0');
    let out = '';
    for (let i = 0; i < bits.length; i += 6) out += B64[parseInt(bits.slice(i, i + 6), 2)];
    return out;
  }
}

class BitReader {
  pos = 0;
  private readonly bits: string;

  constructor(segment: string) {
    let bits = '';
    for (const ch of segment) bits += B64.indexOf(ch).toString(2).padStart(6, '0');
    this.bits = bits;
  }

  get remaining(): number {
    return this.bits.length - this.pos;
  }

  take(width: number, what: string, ai?: string): bigint {
    if (width > this.remaining)
      throw fault('truncated', `the stream ends inside ${what} (bit ${this.pos} of ${this.bits.length})`, { bit: this.pos, ai });
    const s = this.bits.slice(this.pos, this.pos + width);
    this.pos += width;
    return width === 0 ? 0n : BigInt('0b' + s);
  }

  /** The bits left over, which must be zero padding. */
  rest(): string {
    return this.bits.slice(this.pos);
  }
}

/** Encoding indicator for a character string, preferring the densest (toolkit precedence). */
function encodingOf(s: string): number {
  if (/^[0-9]+$/.test(s)) return 0;
  if (/^[0-9A-F]+$/.test(s)) return 2;
  if (/^[0-9a-f]+$/.test(s)) return 1;
  if (B64URL.test(s)) return 3;
  return 4;
}

function putChars(w: BitWriter, s: string, enc: number): void {
  if (enc === 0) w.put(BigInt(s), valueBits(s.length));
  else for (const ch of s) {
    if (enc === 1 || enc === 2) w.put(HEX.indexOf(ch.toUpperCase()), 4);
    else if (enc === 3) w.put(B64.indexOf(ch), 6);
    else w.put(ch.charCodeAt(0), 7);
  }
}

function putValue(w: BitWriter, ai: string, value: string): void {
  let pos = 0;
  for (const p of formatOf(ai)) {
    const s = p.fixed ? value.slice(pos, pos + p.len) : value.slice(pos);
    pos += s.length;
    if (s.length > p.len || (p.fixed && s.length < p.len) || (p.kind === 'N' && !/^\d*$/.test(s)) || /[^\x00-\x7f]/.test(s))
      throw fault('value_does_not_fit', `the value of (${ai}) does not fit its format`, { ai });
    if (p.kind === 'N') {
      if (!p.fixed) w.put(s.length, lengthBits(p.len));
      w.put(s ? BigInt(s) : 0n, valueBits(s.length));
    } else {
      const enc = encodingOf(s);
      w.put(enc, 3);
      if (!p.fixed) w.put(s.length, lengthBits(p.len));
      putChars(w, s, enc);
    }
  }
  if (pos !== value.length) throw fault('value_does_not_fit', `the value of (${ai}) is longer than its format`, { ai });
}

/** `count` digits stored as one integer; the count comes from the format or the length indicator. */
function takeDigits(r: BitReader, count: number, ai: string): string {
  const at = r.pos;
  const n = r.take(valueBits(count), `the value of (${ai})`, ai);
  const s = count === 0 && n === 0n ? '' : n.toString();
  if (s.length > count) throw fault('bad_number', `(${ai}) holds ${s} in a ${count}-digit field at bit ${at}`, { ai, bit: at });
  return s.padStart(count, '0');
}

function takeChars(r: BitReader, enc: number, count: number, ai: string, at: number): string {
  if (enc === 0) return takeDigits(r, count, ai);
  if (enc > 4) throw fault('bad_encoding', `encoding indicator ${enc} for (${ai}) at bit ${at} is undefined (0–4 are defined)`, { ai, bit: at });
  const width = enc === 3 ? 6 : enc === 4 ? 7 : 4;
  let s = '';
  for (let i = 0; i < count; i++) {
    const c = Number(r.take(width, `the value of (${ai})`, ai));
    s += enc === 3 ? B64[c] : enc === 4 ? String.fromCharCode(c) : enc === 1 ? HEX[c].toLowerCase() : HEX[c];
  }
  return s;
}

function takeValue(r: BitReader, ai: string): string {
  let value = '';
  for (const p of formatOf(ai)) {
    const at = r.pos;
    const enc = p.kind === 'X' ? Number(r.take(3, `the encoding indicator of (${ai})`, ai)) : 0;
    const count = p.fixed ? p.len : Number(r.take(lengthBits(p.len), `the length indicator of (${ai})`, ai));
    if (count > p.len)
      throw fault('bad_length', `(${ai}) claims ${count} characters at bit ${at}, more than its maximum ${p.len}`, { ai, bit: at });
    value += p.kind === 'N' ? takeDigits(r, count, ai) : takeChars(r, enc, count, ai, at);
  }
  return value;
}

/** Decodes a stream: its AIs in stream order and its non-GS1 key=value pairs. */
function decodeStream(segment: string): { ais: AiValue[]; others: Array<[string, string]> } {
  const r = new BitReader(segment);
  const ais: AiValue[] = [];
  const others: Array<[string, string]> = [];
  const put = (ai: string, at: number) => {
    if (ais.some((a) => a.ai === ai)) throw fault('duplicate_ai', `(${ai}) appears twice (again at bit ${at})`, { ai, bit: at });
    ais.push({ ai, value: takeValue(r, ai) });
  };
  // An element needs more than a header byte, so 8 or fewer bits left can only be padding.
  while (r.remaining > 8) {
    const at = r.pos;
    const h1 = Number(r.take(4, 'a header'));
    const h2 = Number(r.take(4, 'a header'));
    if (h1 <= 9 && h2 <= 9) {
      const prefix = `${h1}${h2}`;
      const len = PREFIX_LENGTH.get(prefix);
      if (!len) throw fault('unknown_ai', `no GS1 Application Identifier starts with ${prefix} (bit ${at})`, { bit: at });
      let ai = prefix;
      while (ai.length < len) {
        const d = Number(r.take(4, `the AI starting ${ai}`));
        if (d > 9) throw fault('bad_ai', `AI ${ai}${HEX[d]} at bit ${at} is not all digits`, { bit: at });
        ai += d;
      }
      if (!findAi(ai)) throw fault('unknown_ai', `(${ai}) at bit ${at} is not a GS1 Application Identifier`, { ai, bit: at });
      put(ai, at);
    } else if (OPTIMISATIONS.has(HEX[h1] + HEX[h2])) {
      for (const ai of OPTIMISATIONS.get(HEX[h1] + HEX[h2])!) put(ai, at);
    } else if (h1 === 15) {
      const keyLength = h2 * 8 + Number(r.take(3, 'the length of a non-GS1 key'));
      let key = '';
      for (let i = 0; i < keyLength; i++) key += B64[Number(r.take(6, 'a non-GS1 key'))];
      if (!key || ALL_DIGITS.test(key)) throw fault('bad_key', `non-GS1 key "${key}" at bit ${at} is empty or all digits`, { bit: at });
      const encAt = r.pos;
      const enc = Number(r.take(3, `the encoding indicator of ${key}`));
      const count = Number(r.take(7, `the length of ${key}`));
      if (others.some(([k]) => k === key)) throw fault('duplicate_key', `non-GS1 key ${key} appears twice (again at bit ${at})`, { bit: at });
      others.push([key, takeChars(r, enc, count, key, encAt)]);
    } else {
      throw fault('bad_header', `header ${HEX[h1]}${HEX[h2]} at bit ${at} is neither an AI nor an optimisation code`, { bit: at });
    }
  }
  if (r.rest().includes('1'))
    throw fault('trailing_bits', `the ${r.remaining} bits after the last element (bit ${r.pos}) are not zero padding`, { bit: r.pos });
  return { ais, others };
}

// Characters a query value may carry unescaped (RFC 3986), less the separators & ; = + # and %.
const QUERY_SAFE = /^[A-Za-z0-9\-._~!$'()*,:@/?]$/;
/** Escapes a decompressed non-GS1 parameter value only where needed, so `linkType=gs1:pip` comes back as it went in. */
const escapeParam = (v: string) => [...v].map((ch) => (QUERY_SAFE.test(ch) ? ch : escapeQueryComponent(ch))).join('');

/** The pieces of a compressed Digital Link URI. */
interface CompressedParts {
  /** scheme://host plus any path stem, without a trailing slash. */
  base: string;
  segment: string;
  /** The uncompressed primary key of a partially compressed URI. */
  key?: AiValue;
  query: string;
  /** "#…" or "". */
  fragment: string;
}

/** True when the stream's first header byte names an AI prefix or an optimisation: a cheap plausibility test. */
function plausibleStart(segment: string): boolean {
  if (segment.length < 2) return false;
  const byte = (B64.indexOf(segment[0]) << 2) | (B64.indexOf(segment[1]) >> 4);
  const h1 = byte >> 4;
  const h2 = byte & 15;
  return h1 <= 9 && h2 <= 9 ? PREFIX_LENGTH.has(`${h1}${h2}`) : OPTIMISATIONS.has(HEX[h1] + HEX[h2]);
}

function splitQuery(uri: string): { beforeQuery: string; query: string; fragment: string } {
  const hash = uri.indexOf('#');
  const fragment = hash >= 0 ? uri.slice(hash) : '';
  const u = hash >= 0 ? uri.slice(0, hash) : uri;
  const q = u.indexOf('?');
  return { beforeQuery: q >= 0 ? u.slice(0, q) : u, query: q >= 0 ? u.slice(q + 1) : '', fragment };
}

function splitCompressed(uri: string): CompressedParts | undefined {
  const scheme = SCHEME.exec(uri);
  if (!scheme) return undefined;
  const { beforeQuery, query, fragment } = splitQuery(uri);
  const slash = beforeQuery.indexOf('/', scheme[0].length);
  if (slash <= scheme[0].length) return undefined; // no host or no path
  const segments = beforeQuery.slice(slash + 1).split('/');
  const n = segments.length;
  const segment = segments[n - 1];
  if (!B64URL.test(segment)) return undefined;
  // "…/10/ABC123" is an AI and its value, i.e. an uncompressed Digital Link (or none at all).
  if (n >= 2 && AI_DIGITS.test(segments[n - 2]) && findAi(segments[n - 2])) return undefined;
  let stem = segments.slice(0, n - 1);
  let key: AiValue | undefined;
  if (n >= 3 && AI_DIGITS.test(segments[n - 3]) && findAi(segments[n - 3])?.dlpkey && segments[n - 2] !== '') {
    key = { ai: segments[n - 3], value: unescapePathComponent(segments[n - 2]) };
    stem = segments.slice(0, n - 3);
  }
  if (!plausibleStart(segment)) return undefined;
  return { base: beforeQuery.slice(0, slash) + stem.map((s) => '/' + s).join(''), segment, key, query, fragment };
}

/**
 * True when `uri` looks like a compressed GS1 Digital Link: http(s), its last path segment base64url characters
 * whose first header byte is an AI prefix or an optimisation code, and not preceded by an AI (so `/01/…` paths
 * stay uncompressed). A partially compressed `…/01/<GTIN>/<stream>` counts. Cheap: the stream is not decoded.
 * @example isCompressedDigitalLink('https://id.gs1.org/AQnYUc1gfuSgAQ') // true
 */
export function isCompressedDigitalLink(uri: string): boolean {
  return splitCompressed(uri) !== undefined;
}

/** Options for {@link decompressDigitalLink}. */
export interface DecompressOptions {
  /** scheme://host[/stem] for the result instead of the compressed URI's own. */
  readonly stem?: string;
}

/**
 * The uncompressed equivalent of a compressed Digital Link, on the same host and stem: key and qualifiers in the
 * path, data attributes in the query (as `buildDigitalLink` orders them), then the URI's own non-GS1 query
 * parameters as given and the stream's non-GS1 parameters, then any fragment.
 * @example decompressDigitalLink('https://example.com/GhFKk4XBoI1XgkZ_jeCjA5')
 *   // 'https://example.com/01/09506000134352/10/ABC123/21/12345?17=261231'
 * @throws DomainError invalid `bad_compressed_link` (details.fault: not_compressed, truncated, unknown_ai, bad_ai,
 *   bad_header, bad_encoding, bad_length, bad_number, bad_key, duplicate_ai, duplicate_key, trailing_bits), or the
 *   fault of a decoded AI value (`bad_check_digit`, `no_primary_key`, …)
 */
export function decompressDigitalLink(uri: string, opts: DecompressOptions = {}): string {
  const parts = splitCompressed(uri);
  if (!parts)
    throw fault('not_compressed', `"${uri.length > 80 ? uri.slice(0, 80) + '…' : uri}" is not a compressed GS1 Digital Link URI`);
  const { ais, others } = decodeStream(parts.segment);
  const add = (a: AiValue) => {
    if (ais.some((b) => b.ai === a.ai)) throw fault('duplicate_ai', `(${a.ai}) is both compressed and given uncompressed`, { ai: a.ai });
    ais.push(a);
  };
  if (parts.key) add(parts.key);
  const params: string[] = [];
  for (const p of parts.query.split('&')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq > 0 && ALL_DIGITS.test(p.slice(0, eq))) add({ ai: p.slice(0, eq), value: unescapeQueryComponent(p.slice(eq + 1)) });
    else params.push(p); // non-GS1 parameters pass through as given, as the toolkit does
  }
  for (const [k, v] of others) params.push(`${k}=${escapeParam(v)}`);
  ais.sort((a, b) => (a.ai < b.ai ? -1 : a.ai > b.ai ? 1 : 0)); // the stream's order is the encoder's choice
  const dl = buildDigitalLink(ais, opts.stem ?? parts.base);
  return dl + (params.length ? (dl.includes('?') ? '&' : '?') + params.join('&') : '') + parts.fragment;
}

/** Options for {@link compressDigitalLink}; the defaults produce what the GS1 Digital Link toolkit produces. */
export interface CompressOptions {
  /** Use the optimisation table's one-byte codes for common AI sequences (default true). */
  readonly optimise?: boolean;
  /** Compress non-GS1 query parameters into the stream too, where their key is base64url (default false: kept). */
  readonly compressOtherKeys?: boolean;
  /** Keep the primary key uncompressed in the path: `…/01/<GTIN>/<stream>` (default false). */
  readonly uncompressedPrimary?: boolean;
  /** scheme://host[/stem] for the result instead of the input's own. */
  readonly stem?: string;
}

function encodeAis(w: BitWriter, ais: readonly AiValue[], optimise: boolean): void {
  const values = new Map(ais.map((a) => [a.ai, a.value]));
  let rest = [...values.keys()].sort();
  const codes: string[] = [];
  while (optimise) {
    // Greedy, as the toolkit: the applicable code saving most AI digits, the first in table order on a tie.
    let best: string | undefined;
    let saved = 0;
    for (const [code, seq] of OPTIMISATIONS) {
      const digits = seq.join('').length;
      if (digits > saved && seq.every((ai) => rest.includes(ai))) [best, saved] = [code, digits];
    }
    if (!best) break;
    codes.push(best);
    rest = rest.filter((ai) => !OPTIMISATIONS.get(best!)!.includes(ai));
  }
  for (const code of codes) {
    w.put(parseInt(code, 16), 8);
    for (const ai of OPTIMISATIONS.get(code)!) putValue(w, ai, values.get(ai)!);
  }
  for (const ai of rest) {
    for (const d of ai) w.put(Number(d), 4);
    putValue(w, ai, values.get(ai)!);
  }
}

/**
 * Compresses a Digital Link URI (any host and stem; an already compressed one is re-compressed). GS1 AIs go into
 * the stream sorted by AI, after the optimisation codes that apply; non-GS1 query parameters stay in the query
 * unless `compressOtherKeys`; a fragment is kept.
 * @example compressDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231')
 *   // 'https://id.gs1.org/GhFKk4XBoI1XgkZ_jeCjA5'
 * @throws DomainError invalid: any fault of the input URI (`bad_uri`, `no_primary_key`, AI value faults …)
 */
export function compressDigitalLink(uri: string, opts: CompressOptions = {}): string {
  const source = isCompressedDigitalLink(uri) ? decompressDigitalLink(uri) : uri;
  const dl = parseDigitalLinkUri(source);
  const { query, fragment } = splitQuery(source);
  const kept: string[] = [];
  const others: Array<[string, string]> = [];
  for (const p of query.split('&')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    const key = eq < 0 ? p : p.slice(0, eq);
    if (eq >= 0 && ALL_DIGITS.test(key)) continue; // a GS1 data attribute: already among dl.ais
    const value = eq < 0 ? undefined : unescapeQueryComponent(p.slice(eq + 1));
    const fits = value !== undefined && B64URL.test(key) && key.length < 128 && value.length < 128 && !/[^\x00-\x7f]/.test(value);
    if (opts.compressOtherKeys && fits && !others.some(([k]) => k === key)) others.push([key, value]);
    else kept.push(p);
  }
  const [key, ...rest] = dl.ais;
  const w = new BitWriter();
  encodeAis(w, opts.uncompressedPrimary ? rest : dl.ais, opts.optimise !== false);
  for (const [k, v] of others) {
    w.put(15, 4);
    w.put(k.length, 7);
    for (const ch of k) w.put(B64.indexOf(ch), 6);
    const enc = encodingOf(v);
    w.put(enc, 3);
    w.put(v.length, 7);
    putChars(w, v, enc);
  }
  let path = opts.uncompressedPrimary ? `/${key.ai}/${escapePathComponent(key.value)}` : '';
  if (w.length > 0) path += '/' + w.toBase64url();
  const base = (opts.stem ?? dl.host + dl.stem).replace(/\/+$/, '');
  return base + path + (kept.length ? '?' + kept.join('&') : '') + fragment;
}
