/**
 * GS1 Digital Link URIs, both ways: parsing any host and path stem, key + ordered qualifiers per the dictionary's
 * dlpkey=, query-string data attributes and percent-escaping (compressed URIs are decompressed first, see
 * gs1-digital-link-compression.ts); and generating the canonical form
 * `https://id.gs1.org/01/09506000134352/10/ABC?17=…` (query attributes: predefined-length AIs first).
 */
import { invalid } from '../errors.ts';
import { validateAiValue, validateAssociations, type AiValue, type Gs1Options } from './gs1-element-string.ts';
import { findAi, type AiEntry } from './gs1-syntax-dictionary.ts';
import { isCompressedDigitalLink, decompressDigitalLink } from './gs1-digital-link-compression.ts';

/** The canonical resolver host the platform stores identifiers on. */
export const CANONICAL_DL_HOST = 'https://id.gs1.org';

const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;
const URI_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%") URI_CHARS[c.charCodeAt(0)] = 1;
const HEX = '0123456789ABCDEF';
const HOST = /^(?:[A-Za-z0-9\-.]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const SCHEMES = ['https://', 'http://', 'HTTPS://', 'HTTP://'];
const AI_DIGITS = /^\d{2,4}$/;
const ALL_DIGITS = /^\d+$/;

/** Text made of unreserved characters only (UNRESERVED): nothing to escape. */
const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

function escapeWith(s: string, space: string): string {
  // Nearly every GTIN, lot and serial: one test instead of a character-by-character copy (on the resolver's path).
  if (ALL_UNRESERVED.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 128 && UNRESERVED[c]) out += ch;
    else if (ch === ' ' && space === '+') out += '+';
    else for (const b of Buffer.from(ch, c < 256 ? 'latin1' : 'utf8')) out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Percent-escapes a Digital Link path component (everything but unreserved characters). */
export function escapePathComponent(s: string): string {
  return escapeWith(s, '%20');
}
/** Percent-escapes a Digital Link query value (space becomes "+"). */
export function escapeQueryComponent(s: string): string {
  return escapeWith(s, '+');
}

const hexVal = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
function unescape(s: string, query: boolean): string {
  if (!s.includes('%') && !(query && s.includes('+'))) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '%' && i + 2 < s.length) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        out += String.fromCharCode(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += query && ch === '+' ? ' ' : ch;
  }
  return out;
}
/** Decodes a path component: %XX escapes only ("+" stays). */
export function unescapePathComponent(s: string): string {
  return unescape(s, false);
}
/** Decodes a query component: %XX escapes and "+" as space. */
export function unescapeQueryComponent(s: string): string {
  return unescape(s, true);
}

const GTIN_SHORT = /^(?:\d{8}|\d{12}|\d{13})$/;

function dlFault(code: string, message: string, details: Record<string, unknown> = {}) {
  return invalid(code, message, details);
}

/** True when `quals` appear in `alt` in the same order. */
function isOrderedSubset(quals: readonly string[], alt: readonly string[]): boolean {
  let j = 0;
  for (const q of quals) {
    while (j < alt.length && alt[j] !== q) j++;
    if (j === alt.length) return false;
    j++;
  }
  return true;
}

/** The parts of a parsed Digital Link URI. */
export interface ParsedDigitalLink {
  ais: AiValue[];
  /** scheme://host[:port] as given. */
  host: string;
  /** Any path before the primary key, e.g. "/some-extra/pathinfo". */
  stem: string;
}

/**
 * Parses a GS1 Digital Link URI on any host; a compressed one is read as its uncompressed equivalent.
 * @throws DomainError invalid `bad_uri`, `no_primary_key`, `bad_qualifier`, `not_dl_attribute`, `duplicate_ai`,
 *   `unknown_ai`, `bad_compressed_link`, or any AI value fault
 */
export function parseDigitalLinkUri(uri: string, opts: Gs1Options = {}): ParsedDigitalLink {
  if (isCompressedDigitalLink(uri)) uri = decompressDigitalLink(uri);
  const scheme = SCHEMES.find((s) => uri.startsWith(s));
  if (!scheme) throw dlFault('bad_uri', 'A Digital Link URI must start with http:// or https://', { position: 0 });
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c >= 128 || !URI_CHARS[c]) throw dlFault('bad_uri', `Character "${uri[i]}" is not allowed in a URI (position ${i + 1})`, { position: i });
  }
  const hash = uri.indexOf('#');
  const u = hash >= 0 ? uri.slice(0, hash) : uri;
  const q = u.indexOf('?');
  const beforeQuery = q >= 0 ? u.slice(0, q) : u;
  const query = q >= 0 ? u.slice(q + 1) : '';
  const slash = beforeQuery.indexOf('/', scheme.length);
  const hostPart = beforeQuery.slice(scheme.length, slash < 0 ? beforeQuery.length : slash);
  if (!HOST.test(hostPart)) throw dlFault('bad_uri', `"${hostPart}" is not a valid host`, { position: scheme.length });
  if (slash < 0) throw dlFault('no_primary_key', 'The URI has no path', {});
  const segments = beforeQuery.slice(slash + 1).split('/');

  // Walk back over AI/value pairs until a primary key: anything before it is the stem.
  let i = segments.length;
  let keyIndex = -1;
  while (i >= 2) {
    const ai = segments[i - 2];
    if (!AI_DIGITS.test(ai)) break;
    const entry = findAi(ai);
    if (!entry) throw dlFault('unknown_ai', `(${ai}) in the path is not a GS1 Application Identifier`, { ai });
    if (entry.dlpkey) {
      keyIndex = i - 2;
      break;
    }
    i -= 2;
  }
  if (keyIndex < 0) throw dlFault('no_primary_key', 'No GS1 primary key (e.g. /01/…) found in the URI path', {});

  const ais: AiValue[] = [];
  const put = (ai: string, decoded: string) => {
    if (decoded.length === 0) throw dlFault('empty_value', `(${ai}) has no value`, { ai });
    let value = decoded;
    if (ai === '01' && opts.permitZeroSuppressedGtin && GTIN_SHORT.test(value)) value = value.padStart(14, '0');
    if (ais.some((a) => a.ai === ai)) throw dlFault('duplicate_ai', `(${ai}) appears more than once in the URI`, { ai });
    validateAiValue(ai, value, opts);
    ais.push({ ai, value });
  };
  const keyAi = segments[keyIndex];
  const keyEntry = findAi(keyAi)!;
  put(keyAi, unescapePathComponent(segments[keyIndex + 1]));
  const quals: string[] = [];
  for (let k = keyIndex + 2; k < segments.length; k += 2) {
    quals.push(segments[k]);
    put(segments[k], unescapePathComponent(segments[k + 1]));
  }
  const consistent = keyEntry.dlpkey!.filter((alt) => isOrderedSubset(quals, alt));
  if (consistent.length === 0)
    throw dlFault('bad_qualifier', `Path qualifiers ${quals.map((x) => `/${x}`).join('')} are not valid for (${keyAi}) in that order`, {
      ai: keyAi, qualifiers: quals,
    });

  for (const param of query.split('&')) {
    const eq = param.indexOf('=');
    if (eq < 0) continue; // singleton: not an AI
    const key = param.slice(0, eq);
    if (!ALL_DIGITS.test(key)) continue; // other, non-GS1 parameters are ignored
    if (!AI_DIGITS.test(key)) throw dlFault('unknown_ai', `Query parameter ${key} is not a GS1 Application Identifier`, { ai: key });
    const entry = findAi(key);
    if (!entry) {
      if (!opts.permitUnknownAIs || opts.unknownAiNotDlAttr !== false)
        throw dlFault('unknown_ai', `Query parameter ${key} is not a known GS1 Application Identifier`, { ai: key });
    } else if (!entry.dlDataAttr) {
      throw dlFault('not_dl_attribute', `(${key}) is not allowed as a Digital Link data attribute`, { ai: key });
    } else if (consistent.some((alt) => alt.includes(key))) {
      throw dlFault('bad_qualifier', `(${key}) qualifies (${keyAi}) and belongs in the URI path`, { ai: key });
    }
    put(key, unescapeQueryComponent(param.slice(eq + 1)));
  }
  validateAssociations(ais);
  return { ais, host: uri.slice(0, scheme.length + hostPart.length), stem: segments.slice(0, keyIndex).map((s) => '/' + s).join('') };
}

/**
 * The path part of a Digital Link: `stem/ai/value/…` for a primary key and its qualifiers, already valid and in dlpkey
 * order, values percent-escaped.
 */
export function digitalLinkPath(stem: string, keyAndQualifiers: readonly AiValue[]): string {
  let uri = stem.endsWith('/') ? stem.replace(/\/+$/, '') : stem;
  for (const a of keyAndQualifiers) uri += '/' + a.ai + '/' + escapePathComponent(a.value);
  return uri;
}

/**
 * Builds a Digital Link URI from AIs: the first primary key in the path with its qualifiers in dlpkey= order,
 * every other AI as a query attribute (predefined-length AIs first). Identical repeats are dropped.
 * @throws DomainError invalid `no_primary_key`, `not_dl_attribute`, or any AI value/association fault
 */
export function buildDigitalLink(input: readonly AiValue[], stem: string = CANONICAL_DL_HOST, opts: Gs1Options = {}): string {
  const ais: AiValue[] = [];
  for (const a of input) {
    validateAiValue(a.ai, a.value, opts);
    if (!ais.some((b) => b.ai === a.ai && b.value === a.value)) ais.push({ ai: a.ai, value: a.value });
  }
  validateAssociations(ais);
  const key = ais.find((a) => findAi(a.ai)?.dlpkey);
  if (!key) throw dlFault('no_primary_key', 'No GS1 primary key among the AIs, so no Digital Link can be formed', {});
  const entry = findAi(key.ai)! as AiEntry;
  let best: readonly string[] = [];
  let bestCount = 0;
  for (const alt of entry.dlpkey!) {
    const n = alt.filter((q) => ais.some((a) => a.ai === q)).length;
    if (n > bestCount) [best, bestCount] = [alt, n];
  }
  const path = [key];
  for (const q of best) {
    const a = ais.find((x) => x.ai === q);
    if (a) path.push(a);
  }
  const uri = digitalLinkPath(stem, path);
  const used = new Set(path.map((a) => a.ai));
  const rest = ais.filter((a) => !used.has(a.ai));
  for (const a of rest) {
    const e = findAi(a.ai);
    const ok = e ? e.dlDataAttr : opts.permitUnknownAIs === true && opts.unknownAiNotDlAttr === false;
    if (!ok) throw dlFault('not_dl_attribute', `(${a.ai}) cannot be carried in a Digital Link URI`, { ai: a.ai });
  }
  const fixed = rest.filter((a) => findAi(a.ai)?.fnc1Required === false);
  const variable = rest.filter((a) => findAi(a.ai)?.fnc1Required !== false);
  const params = [...fixed, ...variable].map((a) => `${a.ai}=${escapeQueryComponent(a.value)}`);
  return params.length ? `${uri}?${params.join('&')}` : uri;
}
