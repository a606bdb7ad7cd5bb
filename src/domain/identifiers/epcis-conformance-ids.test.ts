/**
 * Every identifier in the conformance EPCIS documents meant to be valid goes through normalizeEpcisId.
 * Malformed GS1 keys genuinely present in those files are listed in KNOWN_MALFORMED with the fault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeEpcisId, type EpcisIdKind } from './index.ts';
import { DomainError } from '../../domain/errors.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shared = path.resolve(root, '../shared/conformance/epcis');
const dirs = [
  path.join(shared, 'openepcis-test-resources/2.0/EPCIS/JSON/Capture/Documents'),
  path.join(shared, 'openepcis-test-resources/2.0/EPCIS/JSON/Capture/Events'),
  path.join(shared, 'gs1-EPCIS-master/examples/JSON'),
];

/** file basename + identifier → reason: source documents that carry a genuinely malformed GS1 key. */
const KNOWN_MALFORMED: Record<string, string> = {
  'Combination_of_different_event.json https://id.example.com/8003/030013450007718765':
    'GRAI (8003) 0 3001345000771 8765: check digit of the 13-digit part should be 6, the document has 1',
  'SensorData_with_combined_events.json https://id.example.com/8003/952012200000001004':
    'GRAI (8003) must start with the filler digit 0; the document starts with 9 (it looks like a GLN-13 plus serial without the 0)',
};

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.json(ld)?$/.test(f) ? [p] : [];
  });
}

function collect(node: unknown, out: Array<[string, EpcisIdKind]>): void {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, out));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const k of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'])
    if (Array.isArray(o[k])) for (const v of o[k] as unknown[]) if (typeof v === 'string') out.push([v, 'epc']);
  if (typeof o.parentID === 'string') out.push([o.parentID, 'epc']);
  for (const k of ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'])
    if (Array.isArray(o[k])) for (const q of o[k] as Array<Record<string, unknown>>) if (typeof q?.epcClass === 'string') out.push([q.epcClass, 'epcClass']);
  for (const k of ['readPoint', 'bizLocation']) {
    const v = o[k] as Record<string, unknown> | undefined;
    if (v && typeof v.id === 'string') out.push([v.id, 'location']);
  }
  for (const k of ['sourceList', 'destinationList'])
    if (Array.isArray(o[k])) for (const s of o[k] as Array<Record<string, unknown>>) {
      const v = s?.source ?? s?.destination;
      if (typeof v === 'string') out.push([v, 'party']);
    }
  for (const [k, v] of Object.entries(o)) if (typeof v === 'object' && k !== '@context') collect(v, out);
}

test('identifiers in the conformance EPCIS documents normalise', (t) => {
  let count = 0;
  const failures: string[] = [];
  for (const f of dirs.flatMap(files)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(f, 'utf8'));
    } catch {
      continue; // not JSON (none expected)
    }
    const ids: Array<[string, EpcisIdKind]> = [];
    collect(doc, ids);
    for (const [v, kind] of ids) {
      count++;
      try {
        normalizeEpcisId(v, kind);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        const key = `${path.basename(f)} ${v}`;
        if (!KNOWN_MALFORMED[key]) failures.push(`${path.relative(shared, f)} [${kind}] ${v}: ${e.code} ${e.message}`);
      }
    }
  }
  t.diagnostic(`${count} identifiers checked`);
  assert.ok(count > 100);
  assert.deepEqual(failures, []);
});
