/**
 * The GS1 Barcode Syntax Dictionary (data/gs1-syntax-dictionary.txt, release 2026-01-27), parsed once at module
 * load into a table keyed by AI. Each entry carries the component formats and linters, the FNC1 flag, the Digital
 * Link flags and the req=/ex=/dlpkey= attributes.
 */
import { readFileSync } from 'node:fs';

/** One component of an AI's data field, e.g. `N13,csum,gcppos1` or `[X..16]`. */
export interface AiComponent {
  readonly cset: 'N' | 'X' | 'Y' | 'Z';
  readonly min: number;
  readonly max: number;
  readonly optional: boolean;
  readonly linters: readonly string[];
}

/** One AI as the dictionary defines it. */
export interface AiEntry {
  readonly ai: string;
  readonly title: string;
  /** False for the "*" flag: a predefined-length AI that needs no FNC1 separator after it. */
  readonly fnc1Required: boolean;
  /** The "?" flag: permitted as a Digital Link query-string data attribute. */
  readonly dlDataAttr: boolean;
  readonly components: readonly AiComponent[];
  readonly minLength: number;
  readonly maxLength: number;
  /** Each req= attribute: alternatives, each a set of AI patterns that must all be present. */
  readonly req: ReadonlyArray<ReadonlyArray<readonly string[]>>;
  /** ex= patterns (n matches any digit). */
  readonly ex: readonly string[];
  /** Present when the AI is a Digital Link primary key: alternative qualifier sequences (possibly [[]]). */
  readonly dlpkey?: ReadonlyArray<readonly string[]>;
}

const COMPONENT = /^(\[?)([NXYZ])(?:(\d+)|\.\.(\d+))(\]?)((?:,\w+)*)$/;
const FLAG_CHARS = /^[*!?"$%&'()+,\-./:;<=>@[\\\]^_`{|}~]+$/;

function parseEntries(text: string): Map<string, AiEntry> {
  const table = new Map<string, AiEntry>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const title = hash >= 0 ? raw.slice(hash + 1).trim() : '';
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (!line) continue;
    const tokens = line.split(/\s+/);
    const range = tokens.shift()!;
    let flags = '';
    if (tokens.length && FLAG_CHARS.test(tokens[0])) flags = tokens.shift()!;
    const components: AiComponent[] = [];
    const req: string[][][] = [];
    const ex: string[] = [];
    let dlpkey: string[][] | undefined;
    for (const tok of tokens) {
      const m = COMPONENT.exec(tok);
      if (m) {
        const fixed = m[3] !== undefined;
        components.push({
          cset: m[2] as AiComponent['cset'],
          min: fixed ? Number(m[3]) : 1,
          max: fixed ? Number(m[3]) : Number(m[4]),
          optional: m[1] === '[',
          linters: m[6] ? m[6].slice(1).split(',') : [],
        });
      } else if (tok.startsWith('req=')) {
        req.push(tok.slice(4).split(',').map((alt) => alt.split('+')));
      } else if (tok.startsWith('ex=')) {
        ex.push(...tok.slice(3).split(','));
      } else if (tok === 'dlpkey') {
        dlpkey = [[]];
      } else if (tok.startsWith('dlpkey=')) {
        dlpkey = tok.slice(7).split('|').map((seq) => seq.split(','));
      } else {
        throw new Error(`gs1-syntax-dictionary: cannot read "${tok}" in line "${raw}"`);
      }
    }
    const [from, to = from] = range.split('-');
    for (let n = Number(from); n <= Number(to); n++) {
      const ai = String(n).padStart(from.length, '0');
      table.set(ai, {
        ai,
        title,
        fnc1Required: !flags.includes('*'),
        dlDataAttr: flags.includes('?'),
        components,
        minLength: components.reduce((s, c) => s + (c.optional ? 0 : c.min), 0),
        maxLength: components.reduce((s, c) => s + c.max, 0),
        req,
        ex,
        dlpkey,
      });
    }
  }
  return table;
}

/** Every AI in the dictionary, by AI string. */
export const AI_TABLE: ReadonlyMap<string, AiEntry> = parseEntries(
  readFileSync(new URL('./data/gs1-syntax-dictionary.txt', import.meta.url), 'utf8'),
);

/** Looks up an AI; undefined when the dictionary does not define it. */
export function findAi(ai: string): AiEntry | undefined {
  return AI_TABLE.get(ai);
}

/** Length of the AI at the start of `digits` (by dictionary lookup), or 0 when no AI matches. */
export function aiLengthAt(s: string, pos: number): number {
  for (let n = 2; n <= 4; n++) if (AI_TABLE.has(s.substr(pos, n))) return n;
  return 0;
}

/** True when AI matches a dictionary pattern such as `310n` or `31nn`. */
export function aiMatches(ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false;
  for (let i = 0; i < ai.length; i++) if (pattern[i] !== 'n' && pattern[i] !== ai[i]) return false;
  return true;
}
