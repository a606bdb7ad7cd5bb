import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadConfig } from '../../config/load-config.ts';
import { PRODUCT_LINE_IDS } from '../../domain/directory/product-directory.ts';
import { HUIZHOU_REGIONS, validateGln, validateGtin, validateUscc } from '../../domain/identifiers/index.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../../../test/support/stores.ts';
import type { AdminActor } from '../actor.ts';
import type { Deps } from '../deps.ts';
import { openPlatform } from '../open-platform.ts';
import { generateScaleDemo, type ScaleDemoResult, type ScaleProgress } from './generate-scale.ts';
import { buildWorld } from './scale-world.ts';

const ADMIN: AdminActor = { kind: 'admin', keyId: 'test' };
const EVENTS = 3000;

async function freshRun(dialect: 'sqlite' | 'postgres', seed: number, onProgress?: (p: ScaleProgress) => void) {
  const target = await createTestStore(dialect);
  const deps = await openPlatform(loadConfig({}, { dataDir: target.dataDir, databaseUrl: target.databaseUrl, captureWorkers: 0 }));
  const result = await generateScaleDemo(deps, ADMIN, { events: EVENTS, seed, batchSize: 500, onProgress, progressEveryMs: 0 });
  return { target, deps, result };
}

async function eventHashes(deps: Deps): Promise<Set<string>> {
  const rows = await deps.store.db.selectFrom('event').select('event_hash').execute();
  return new Set(rows.map((r) => Buffer.from(r.event_hash as Uint8Array).toString('hex')));
}

describe('the scaled world (pure)', () => {
  test('identifiers carry valid check characters and every district and county has parties', () => {
    const w = buildWorld(7, 1_000_000);
    for (const p of w.parties) {
      assert.equal(validateUscc(p.uscc), p.uscc);
      if (p.gln) assert.equal(validateGln(p.gln), p.gln);
    }
    for (const p of w.products) if (p.gtin) assert.equal(validateGtin(p.gtin), p.gtin.padStart(14, '0'));
    const regions = new Set(w.parties.map((p) => p.region));
    for (const r of HUIZHOU_REGIONS) assert.ok(regions.has(r.code), r.code);
    assert.equal(new Set(w.parties.map((p) => p.name)).size, w.parties.length, 'names are unique');
    assert.deepEqual(buildWorld(7, 1_000_000).parties.map((p) => p.name), w.parties.map((p) => p.name), 'the same seed gives the same names');
    assert.notDeepEqual(buildWorld(8, 1_000_000).parties.map((p) => p.name), w.parties.map((p) => p.name));
  });
});

for (const dialect of testDialects()) {
  describe(`suyuan demo --scale on ${dialect}`, () => {
    let run: { target: TestStoreTarget; deps: Deps; result: ScaleDemoResult };
    const progress: ScaleProgress[] = [];
    before(async () => {
      run = await freshRun(dialect, 42, (p) => progress.push(p));
    });
    after(async () => {
      await run?.deps.close();
      await run?.target.cleanup();
    });

    test(`exactly ${EVENTS} events, in all eight product lines, by the line's own chains`, async () => {
      assert.equal(run.result.events, EVENTS);
      assert.equal(run.result.stored, EVENTS);
      assert.equal(await run.deps.events.countEvents(), EVENTS);
      const rows = await run.deps.store.db.selectFrom('event').select(['category', sql<number>`count(*)`.as('n')]).groupBy('category').execute();
      const byLine = new Map(rows.map((r) => [r.category, Number(r.n)]));
      for (const line of PRODUCT_LINE_IDS) {
        assert.ok((byLine.get(line) ?? 0) >= 50, `${line}: ${byLine.get(line)} events`);
        assert.ok(run.result.perLine[line] > 0, line);
      }
      // Only pure logistic-unit aggregations (pallets of SSCC cases, cases of drug codes) carry no product class.
      const unclassified = await run.deps.store.db.selectFrom('event').select(['event_type', sql<number>`count(*)`.as('n')]).where('category', 'is', null).groupBy('event_type').execute();
      for (const r of unclassified) assert.equal(r.event_type, 'AggregationEvent');
    });

    test('parties in every district and county, regulators of all eight departments', async () => {
      const parties = await run.deps.store.db.selectFrom('party').select(['region', 'kind', 'department']).execute();
      for (const r of HUIZHOU_REGIONS) assert.ok(parties.some((p) => p.region === r.code), r.code);
      const departments = new Set(parties.filter((p) => p.kind === 'regulator').map((p) => p.department));
      assert.equal(departments.size, 8);
      const eventRegions = await run.deps.store.db.selectFrom('event').select('region').distinct().execute();
      for (const r of HUIZHOU_REGIONS.filter((x) => x.code !== '441300')) assert.ok(eventRegions.some((e) => e.region === r.code), `events in ${r.code}`);
    });

    test('transformations, aggregations, sales, dispensing and custody in the lineage graph', async () => {
      const kinds = await run.deps.store.db.selectFrom('lineage_edge').select(['kind', sql<number>`count(*)`.as('n')]).groupBy('kind').execute();
      const k = new Map(kinds.map((r) => [r.kind, Number(r.n)]));
      for (const kind of ['transformed_into', 'packed', 'unpacked', 'in_lot', 'commissioned', 'shipped', 'received', 'sold', 'dispensed', 'destroyed', 'consumed', 'produced']) {
        assert.ok((k.get(kind) ?? 0) > 0, `${kind} edges`);
      }
      assert.ok(run.result.eventTypes.TransformationEvent! > 0);
      assert.ok(run.result.eventTypes.AggregationEvent! > 0);
      const drugCodes = await run.deps.store.db.selectFrom('event_ref').select('value').where('value', 'like', 'urn:suyuan:drug:%').limit(1).execute();
      assert.match(drugCodes[0]!.value, /^urn:suyuan:drug:\d{20}$/);
    });

    // SQLite keeps no planner statistics here (src/storage/planner-statistics.ts).
    if (dialect === 'postgres') test('the planner has statistics on the loaded tables, not waiting for autovacuum', async () => {
      const rows = await sql<{ relname: string; last_analyze: Date | null }>`SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname IN ('event', 'lineage_edge', 'event_ref')`.execute(run.deps.store.db);
      assert.equal(rows.rows.length, 3);
      for (const r of rows.rows) assert.ok(r.last_analyze !== null, `${r.relname} analysed`);
    });

    test('the planted anomalies are listed and present in the store', async () => {
      const kinds = new Set(run.result.anomalies.map((a) => a.kind));
      assert.deepEqual([...kinds].sort(), ['non_conformant_inspection', 'over_shipment', 'sale_after_expiry']);
      const nonConformant = await run.deps.store.db.selectFrom('event').select('id').where('disposition', '=', 'non_conformant').execute();
      assert.ok(nonConformant.length >= 2);
      for (const a of run.result.anomalies) assert.match(a.eventTime, /^2026-/);
    });

    test('progress is reported: parties, products, events up to the total', () => {
      assert.ok(progress.some((p) => p.phase === 'parties'));
      assert.ok(progress.some((p) => p.phase === 'products'));
      const events = progress.filter((p) => p.phase === 'events');
      assert.ok(events.length >= 2);
      assert.equal(events.at(-1)!.done, EVENTS);
      assert.ok(events.every((p, i) => i === 0 || p.done >= events[i - 1]!.done));
      assert.equal(progress.at(-1)!.phase, 'done');
    });

    test('deterministic: the same seed on a fresh store gives the same event hashes; another seed does not', async () => {
      const first = await eventHashes(run.deps);
      const again = await freshRun(dialect, 42);
      try {
        assert.deepEqual(await eventHashes(again.deps), first);
        assert.deepEqual(again.result.anomalies, run.result.anomalies);
      } finally {
        await again.deps.close();
        await again.target.cleanup();
      }
      const other = await freshRun(dialect, 43);
      try {
        const hashes = await eventHashes(other.deps);
        const shared = [...hashes].filter((h) => first.has(h)).length;
        assert.ok(shared < EVENTS / 100, `${shared} events shared with seed 42`);
      } finally {
        await other.deps.close();
        await other.target.cleanup();
      }
    });

    test('a second run on the same store resumes: everything already held is skipped, nothing is doubled', async () => {
      const again = await generateScaleDemo(run.deps, ADMIN, { events: EVENTS, seed: 42, batchSize: 500 });
      assert.equal(again.resumed, true);
      assert.equal(again.skipped, EVENTS);
      assert.equal(again.stored, 0);
      assert.equal(await run.deps.events.countEvents(), EVENTS);
      await assert.rejects(generateScaleDemo(run.deps, ADMIN, { events: EVENTS, seed: 7 }), /another seed or scale/);
    });
  });
}
