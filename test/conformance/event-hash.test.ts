/**
 * CBV 2.0 §8.9 event hash ID: every vector of ../shared/conformance/epcis/event-hash (examples/ and
 * expected_equal/), JSON-LD and XML inputs alike. Exclusions live in event-hash-exclusions.json, one
 * specific reason per case; an exclusion naming a case that does not exist fails the suite.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { documentContextOf, eventHashId, eventPreHash, hashPreHash, type JsonLdContext } from '../../src/domain/epcis/event-hash.ts';
import { xmlToJsonEvents } from '../../src/domain/epcis/xml-to-json.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vectors = path.join(path.resolve(repoRoot, '../shared/conformance'), 'epcis/event-hash');
const INPUT_EXT = ['.jsonld', '.json', '.xml'];
const EXPECT_EXT = ['.prehashes', '.hashes'];

/** One exclusion: a whole case, or only one of its checks. */
interface Exclusion {
  readonly case: string;
  /** `all` (default), `prehash` (the .prehashes comparison only) or `hash`. */
  readonly check?: 'all' | 'prehash' | 'hash';
  readonly reason: string;
}
const exclusions = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'event-hash-exclusions.json'), 'utf8'),
) as Exclusion[];

function loadEvents(file: string): { events: Record<string, unknown>[]; ctx: JsonLdContext } {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.xml')) {
    const { events, context } = xmlToJsonEvents(text);
    return { events, ctx: context };
  }
  const doc = JSON.parse(text) as Record<string, unknown>;
  const body = doc.epcisBody as Record<string, any>;
  const events = (body.eventList ?? body.queryResults?.resultsBody?.eventList ?? [body.event]) as Record<string, unknown>[];
  return { events, ctx: documentContextOf(doc) };
}

function lines(file: string): string[] | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : null;
}

interface Case {
  readonly id: string;
  readonly run: (skip: ReadonlySet<string>) => void;
}

function exampleCases(): Case[] {
  const dir = path.join(vectors, 'examples');
  const files = fs.readdirSync(dir);
  const bases = new Set(files.map((f) => f.replace(/\.[^.]+$/, '')));
  const cases: Case[] = [];
  for (const base of [...bases].sort()) {
    const inputs = INPUT_EXT.filter((e) => files.includes(base + e));
    const pre = lines(path.join(dir, `${base}.prehashes`));
    const hashes = lines(path.join(dir, `${base}.hashes`));
    if (inputs.length === 0) {
      if (EXPECT_EXT.some((e) => files.includes(base + e))) {
        cases.push({ id: `examples/${base}`, run: () => assert.fail('expected output without an input document') });
      }
      continue;
    }
    for (const ext of inputs) {
      cases.push({
        id: `examples/${base}${ext}`,
        run: (skip) => {
          assert.ok(pre !== null || hashes !== null, 'neither .prehashes nor .hashes exists');
          const { events, ctx } = loadEvents(path.join(dir, base + ext));
          if (pre !== null && !skip.has('prehash')) {
            assert.equal(events.length, pre.length, 'event count vs .prehashes');
            events.forEach((e, i) => assert.equal(eventPreHash(e, ctx), pre[i], `pre-hash of event ${i}`));
          }
          if (hashes !== null && !skip.has('hash')) {
            assert.equal(events.length, hashes.length, 'event count vs .hashes');
            events.forEach((e, i) => assert.equal(eventHashId(e, ctx), hashes[i], `hash of event ${i}`));
          }
          if (pre !== null && hashes !== null && !skip.has('prehash')) {
            pre.forEach((p, i) => assert.equal(hashPreHash(p), hashes[i], `.prehashes line ${i} hashes to its .hashes line`));
          }
        },
      });
    }
  }
  return cases;
}

function equalCases(): Case[] {
  const dir = path.join(vectors, 'expected_equal');
  return fs
    .readdirSync(dir)
    .filter((f) => INPUT_EXT.some((e) => f.endsWith(e)))
    .sort()
    .map((f) => ({
      id: `expected_equal/${f}`,
      run: () => {
        const { events, ctx } = loadEvents(path.join(dir, f));
        assert.ok(events.length >= 2, 'an expected_equal document holds at least two events');
        const first = eventHashId(events[0]!, ctx);
        events.forEach((e, i) => assert.equal(eventHashId(e, ctx), first, `event ${i} hashes like event 0 (${eventPreHash(e, ctx)})`));
      },
    }));
}

const cases = [...exampleCases(), ...equalCases()];

test('every exclusion names an existing case and gives a reason', () => {
  const ids = new Set(cases.map((c) => c.id));
  for (const x of exclusions) {
    assert.ok(ids.has(x.case), `exclusion names an unknown case: ${x.case}`);
    assert.ok(typeof x.reason === 'string' && x.reason.length > 20, `exclusion of ${x.case} needs a specific reason`);
  }
});

test('CBV 2.0 event hash vectors', () => {
  let passed = 0;
  let excluded = 0;
  let partly = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const mine = exclusions.filter((x) => x.case === c.id);
    if (mine.some((x) => (x.check ?? 'all') === 'all')) {
      excluded++;
      continue;
    }
    const skip = new Set(mine.map((x) => x.check!));
    try {
      c.run(skip);
      passed++;
      if (skip.size > 0) partly++;
    } catch (e) {
      failures.push(`${c.id}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.log(
    `event-hash vectors: passed ${passed} (${partly} with one check excluded), excluded ${excluded}, failed ${failures.length}, total ${cases.length}`,
  );
  assert.deepEqual(failures, []);
});
