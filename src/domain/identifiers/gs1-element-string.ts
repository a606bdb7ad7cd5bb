/**
 * GS1 element strings: bracketed `(01)…(10)…`, unbracketed with FNC1 (`^` or GS, 0x1D), validation of every AI
 * value against the Syntax Dictionary (format, length, linters) and of the message as a whole (repeated AIs,
 * ex= exclusions, req= requisites, digital-signature rules).
 */
import { invalid, type DomainError } from '../errors.ts';
import { LINTERS, gs1CheckDigit, type LintFailure } from './gs1-linters.ts';
import { findAi, aiLengthAt, aiMatches, AI_TABLE, type AiEntry } from './gs1-syntax-dictionary.ts';

/** One AI with its value. */
export interface AiValue {
  ai: string;
  value: string;
}

/** Engine options; the defaults are what the platform uses. The conformance suite turns some on. */
export interface Gs1Options {
  /** Accept AIs missing from the dictionary (bracketed and Digital Link input only), validated as X..90. */
  readonly permitUnknownAIs?: boolean;
  /** When unknown AIs are permitted, still reject them as Digital Link query attributes (default true). */
  readonly unknownAiNotDlAttr?: boolean;
  /** Check req=/ex=/repeat rules over the whole message (default true; off only to test the parser alone). */
  readonly associations?: boolean;
  /** Accept GTIN-8/12/13 in Digital Link /01/ (zero-padded to 14 digits). */
  readonly permitZeroSuppressedGtin?: boolean;
}

const FNC1 = '^';
const GS = '\x1d';

const CSET_LINTER: Record<AiEntry['components'][number]['cset'], string> = {
  N: 'csetnumeric',
  X: 'cset82',
  Y: 'cset39',
  Z: 'cset64',
};

const FRIENDLY_CODES: Record<string, string> = {
  GS1_LINTER_INCORRECT_CHECK_DIGIT: 'bad_check_digit',
  GS1_LINTER_INCORRECT_CHECK_PAIR: 'bad_check_pair',
  GS1_LINTER_NON_DIGIT_CHARACTER: 'bad_character',
  GS1_LINTER_INVALID_CSET82_CHARACTER: 'bad_character',
  GS1_LINTER_INVALID_CSET39_CHARACTER: 'bad_character',
  GS1_LINTER_INVALID_CSET64_CHARACTER: 'bad_character',
};

/** Short names used in messages for the common keys. */
const KEY_NAMES: Record<string, string> = {
  '00': 'SSCC', '01': 'GTIN', '02': 'GTIN', '03': 'GTIN', '253': 'GDTI', '255': 'GCN', '402': 'GSIN', '414': 'GLN',
  '417': 'GLN', '410': 'GLN', '411': 'GLN', '412': 'GLN', '413': 'GLN', '415': 'GLN', '416': 'GLN', '8003': 'GRAI',
  '8006': 'ITIP', '8017': 'GSRN', '8018': 'GSRN', '8026': 'ITIP',
};

function aiLabel(ai: string, entry?: AiEntry): string {
  return `(${ai}) ${KEY_NAMES[ai] ?? entry?.title ?? 'unknown AI'}`;
}

function linterError(ai: string, entry: AiEntry | undefined, value: string, offset: number, f: LintFailure): DomainError {
  const position = offset + f.pos;
  const bad = value.slice(position, position + f.len);
  let message: string;
  if (f.err === 'GS1_LINTER_INCORRECT_CHECK_DIGIT') {
    const body = value.slice(offset, position);
    message = `${aiLabel(ai, entry)} check digit should be ${gs1CheckDigit(body)}, found ${bad}`;
  } else {
    const what = f.err.replace(/^GS1_LINTER_/, '').toLowerCase().replace(/_/g, ' ');
    message = `${aiLabel(ai, entry)}: ${what}${bad ? ` "${bad}"` : ''} at position ${position + 1}`;
  }
  return invalid(FRIENDLY_CODES[f.err] ?? f.err.replace(/^GS1_LINTER_/, '').toLowerCase(), message, {
    ai,
    value,
    position,
    length: f.len,
    linter: f.err,
  });
}

/**
 * Validates one AI value against its dictionary entry: component lengths, character set and linters.
 * @throws DomainError invalid `unknown_ai`, `bad_length`, `bad_character`, `bad_check_digit`, … (details.linter)
 */
export function validateAiValue(ai: string, value: string, opts: Gs1Options = {}): void {
  const entry = findAi(ai);
  if (!entry) {
    if (!opts.permitUnknownAIs) throw invalid('unknown_ai', `(${ai}) is not a GS1 Application Identifier`, { ai });
    if (value.length === 0 || value.length > 90)
      throw invalid('bad_length', `(${ai}) value must be 1 to 90 characters`, { ai, value, position: 0 });
    const f = LINTERS.cset82(value);
    if (f) throw linterError(ai, undefined, value, 0, f);
    return;
  }
  if (value.length === 0) throw invalid('empty_value', `${aiLabel(ai, entry)} has no data`, { ai, position: 0 });
  let p = 0;
  for (const c of entry.components) {
    if (p === value.length && c.optional) break;
    const remaining = value.length - p;
    let len: number;
    if (c.min === c.max) {
      if (remaining < c.min)
        throw invalid('bad_length', `${aiLabel(ai, entry)} is too short: expected ${entry.minLength === entry.maxLength ? entry.maxLength : `at least ${p + c.min}`} characters, found ${value.length}`, {
          ai, value, position: value.length, expected: c.min,
        });
      len = c.min;
    } else {
      len = Math.min(remaining, c.max);
      if (len < c.min)
        throw invalid('bad_length', `${aiLabel(ai, entry)} is too short`, { ai, value, position: p });
    }
    const part = value.slice(p, p + len);
    const cf = LINTERS[CSET_LINTER[c.cset]](part);
    if (cf) throw linterError(ai, entry, value, p, cf);
    for (const name of c.linters) {
      const lint = LINTERS[name];
      if (!lint) throw new Error(`gs1: no linter "${name}"`);
      const f = lint(part);
      if (f) throw linterError(ai, entry, value, p, f);
    }
    p += len;
  }
  if (p < value.length)
    throw invalid('bad_length', `${aiLabel(ai, entry)} is too long: at most ${entry.maxLength} characters, found ${value.length}`, {
      ai, value, position: p, expected: entry.maxLength,
    });
}

function checkUnknownAiShape(ai: string, opts: Gs1Options): void {
  if (findAi(ai)) return;
  if (!opts.permitUnknownAIs) throw invalid('unknown_ai', `(${ai}) is not a GS1 Application Identifier`, { ai });
  // An unknown AI must not collide with a known one it extends or abbreviates.
  for (let n = 2; n < ai.length; n++)
    if (findAi(ai.slice(0, n))) throw invalid('unknown_ai', `(${ai}) is not a GS1 Application Identifier`, { ai });
}

const AI_DIGITS = /^\d{2,4}$/;

/**
 * Parses a bracketed element string such as `(01)09506000134352(10)ABC`; `\(` escapes a bracket in data.
 * @throws DomainError invalid `bad_element_string`, `unknown_ai`, or any value fault
 */
export function parseBracketed(input: string, opts: Gs1Options = {}): AiValue[] {
  if (!input.startsWith('(')) throw invalid('bad_element_string', 'A bracketed element string must start with "("', { position: 0 });
  const out: AiValue[] = [];
  let pos = 0;
  while (pos < input.length) {
    if (input[pos] !== '(') throw invalid('bad_element_string', `Expected "(" at position ${pos + 1}`, { position: pos });
    const close = input.indexOf(')', pos + 1);
    if (close < 0) throw invalid('bad_element_string', `Unclosed "(" at position ${pos + 1}`, { position: pos });
    const ai = input.slice(pos + 1, close);
    if (!AI_DIGITS.test(ai)) throw invalid('bad_ai', `"${ai}" is not a 2- to 4-digit AI (position ${pos + 2})`, { ai, position: pos + 1 });
    checkUnknownAiShape(ai, opts);
    let value = '';
    pos = close + 1;
    while (pos < input.length && input[pos] !== '(') {
      if (input[pos] === '\\' && input[pos + 1] === '(') {
        value += '(';
        pos += 2;
      } else value += input[pos++];
    }
    validateAiValue(ai, value, opts);
    out.push({ ai, value });
  }
  if (opts.associations !== false) validateAssociations(out);
  return out;
}

/**
 * Parses an unbracketed element string that starts with FNC1 (`^` or GS) and uses `^`/GS as separators.
 * @throws DomainError invalid `missing_fnc1`, `unknown_ai`, `bad_length`, or any value fault
 */
export function parseUnbracketed(input: string, opts: Gs1Options = {}): AiValue[] {
  if (input.length === 0) throw invalid('empty_input', 'No data', { position: 0 });
  if (input[0] !== FNC1 && input[0] !== GS) throw invalid('missing_fnc1', 'A GS1 element string must start with FNC1', { position: 0 });
  const s = input.replaceAll(GS, FNC1);
  const out: AiValue[] = [];
  let pos = 1;
  if (pos >= s.length) throw invalid('empty_input', 'No AIs after FNC1', { position: 1 });
  while (pos < s.length) {
    const n = aiLengthAt(s, pos);
    if (n === 0) {
      const shown = s.slice(pos, pos + 4);
      throw invalid('unknown_ai', `No GS1 AI starts with "${shown}" at position ${pos + 1}`, { ai: shown, position: pos });
    }
    const ai = s.slice(pos, pos + n);
    const entry = findAi(ai)!;
    pos += n;
    let value: string;
    if (!entry.fnc1Required) {
      value = s.slice(pos, pos + entry.maxLength);
      if (value.includes(FNC1)) value = value.slice(0, value.indexOf(FNC1));
    } else {
      const end = s.indexOf(FNC1, pos);
      value = s.slice(pos, end < 0 ? s.length : end);
    }
    pos += value.length;
    validateAiValue(ai, value, opts);
    out.push({ ai, value });
    if (s[pos] === FNC1) pos++;
  }
  if (opts.associations !== false) validateAssociations(out);
  return out;
}

/** Renders AIs as an unbracketed element string (`^` for FNC1), with separators only where needed. */
export function toUnbracketed(ais: readonly AiValue[], fnc1 = FNC1): string {
  let s = fnc1;
  ais.forEach(({ ai, value }, i) => {
    s += ai + value;
    if (i < ais.length - 1 && (findAi(ai)?.fnc1Required ?? true)) s += fnc1;
  });
  return s;
}

/** Renders AIs as a bracketed element string, escaping "(" in data. */
export function toBracketed(ais: readonly AiValue[]): string {
  return ais.map(({ ai, value }) => `(${ai})${value.replaceAll('(', '\\(')}`).join('');
}

/**
 * Checks the message-level rules: an AI repeated must repeat its value; ex= pairs must not co-occur; each req=
 * must be satisfied; a digital signature (8030) needs a serialised key.
 * @throws DomainError invalid `repeated_ai`, `exclusive_ais`, `missing_required_ai`, `digsig_requires_serialised_key`
 */
export function validateAssociations(ais: readonly AiValue[]): void {
  const seen = new Map<string, string>();
  for (const { ai, value } of ais) {
    const prev = seen.get(ai);
    if (prev !== undefined && prev !== value)
      throw invalid('repeated_ai', `(${ai}) appears twice with different values`, { ai, values: [prev, value] });
    seen.set(ai, value);
  }
  const present = [...seen.keys()];
  const entries = present.map((ai) => [ai, findAi(ai)] as const).filter((x): x is readonly [string, AiEntry] => !!x[1]);
  for (const [ai, entry] of entries)
    for (const pattern of entry.ex)
      for (const other of present)
        if (other !== ai && aiMatches(other, pattern))
          throw invalid('exclusive_ais', `(${ai}) and (${other}) must not appear together`, { ai, other });
  for (const [ai, entry] of entries)
    for (const alternatives of entry.req)
      if (!alternatives.some((alt) => alt.every((pat) => present.some((p) => aiMatches(p, pat)))))
        throw invalid('missing_required_ai', `(${ai}) requires ${alternatives.map((a) => a.map((x) => `(${x})`).join('+')).join(' or ')}`, {
          ai, required: alternatives,
        });
  if (seen.has('8030')) {
    const unserialised =
      (seen.has('253') && seen.get('253')!.length <= 13 && '253') ||
      (seen.has('255') && seen.get('255')!.length <= 13 && '255') ||
      (seen.has('8003') && seen.get('8003')!.length <= 14 && '8003');
    if (unserialised)
      throw invalid('digsig_requires_serialised_key', `A digital signature (8030) needs a serialised (${unserialised})`, { ai: unserialised });
  }
}

/** All AIs the dictionary defines (for documentation and tooling). */
export function listAis(): string[] {
  return [...AI_TABLE.keys()];
}
