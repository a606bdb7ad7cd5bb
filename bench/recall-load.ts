/**
 * What a large recall does to everyone else (issue 3 §4 beside issue 4 §2): how long a public scan page waits while a
 * regulator opens, views and exports a recall of a raw-material lot that fans out to 101,001 units.
 *
 * For each store: a fresh store with the fan-out chain (support/fan-out.ts), served by the real server
 * (`bin/suyuan.js serve`, with the launcher's heap flags). One client asks for the scan page of one of the lot's serials
 * (browser Accept: the page is rendered and the scan recorded) every 20 ms, each request after the last reply; another
 * makes the regulator's calls one after another: open the recall, view it, export it as CSV, JSON and xlsx. For each call:
 * its time, and the scan pages answered meanwhile with their median and longest wait. The baseline: the same page
 * asked for on the idle server. Our target (the issues set none): no scan page waits longer than 500 ms.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load-config.ts';
import { openPlatform } from '../src/core/open-platform.ts';
import type { StoreDialect } from '../src/storage/open-database.ts';
import { refreshPlannerStatistics } from '../src/storage/planner-statistics.ts';
import { createTestStore } from '../test/support/stores.ts';
import { buildFanOut } from './support/fan-out.ts';
import { eachStore, type Benchmark, type BenchOptions } from './support/options.ts';
import { fmt, machine, table, verdict, writeResults } from './support/report.ts';
import { startBenchServer } from './support/server.ts';

const LONGEST_WAIT_TARGET_MS = 500;
const PROBE_GAP_MS = 20;
const IDLE_PROBES = 100;

export const recallLoadBenchmark: Benchmark = {
  name: 'recall-load',
  description: "a scan page's longest wait while a regulator opens, views and exports a 100,000-unit recall",
  run: eachStore(runOn),
};

interface Step {
  name: string;
  ms: number;
  probes: number;
  p50: number;
  longest: number;
}

async function runOn(dialect: StoreDialect, options: BenchOptions): Promise<void> {
  process.stderr.write(`\n[${dialect}]\n`);
  const batches = options.quick ? 10 : 100;
  const target = await createTestStore(dialect);
  const deps = await openPlatform(loadConfig({}, { dataDir: target.dataDir, databaseUrl: target.databaseUrl }));
  let rawLot: string;
  try {
    ({ rawLot } = await buildFanOut(deps, batches));
    // As autovacuum would have done on a store in service (~70 s a call without statistics instead of ~2 s).
    await refreshPlannerStatistics(deps.store);
  } finally {
    await deps.close();
  }
  const server = await startBenchServer(dialect, { target });
  try {
    const key = await server.regulatorKey('food-drug');
    const serial = rawLot.replace('/10/RAW0001', '/21/S5x5');
    const page = `${server.url}${new URL(serial).pathname}`;
    const probe = async () => {
      const t = performance.now();
      const res = await fetch(page, { headers: { accept: 'text/html', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`scan page ${page}: ${res.status}`);
      return performance.now() - t;
    };
    const idle: number[] = [];
    for (let i = 0; i < IDLE_PROBES; i++) idle.push(await probe());

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${bytes.toString().slice(0, 300)}`);
      return bytes;
    };
    const steps: Step[] = [];
    const measured = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const waits: number[] = [];
      let running = true;
      const prober = (async () => {
        while (running) {
          waits.push(await probe());
          await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
        }
      })();
      const t = performance.now();
      const out = await work();
      const ms = performance.now() - t;
      running = false;
      await prober;
      const sorted = [...waits].sort((a, b) => a - b);
      steps.push({ name, ms, probes: sorted.length, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, longest: sorted.at(-1) ?? 0 });
      process.stderr.write(`  ${name}: ${fmt(ms)} ms, longest scan-page wait ${fmt(sorted.at(-1) ?? 0)} ms\n`);
      return out;
    };
    const opened = JSON.parse((await measured('POST /api/v1/regulator/recalls', () => call('POST', '/api/v1/regulator/recalls', { codes: [rawLot], reason: '基准测试 bench', severity: 'level-1' }))).toString()) as { id: string; impact: { units: unknown[] } };
    const units = opened.impact.units.length;
    await measured('GET …/recalls/{id}', () => call('GET', `/api/v1/regulator/recalls/${opened.id}`));
    for (const format of ['csv', 'json', 'xlsx']) await measured(`GET …/export?format=${format}`, () => call('GET', `/api/v1/regulator/recalls/${opened.id}/export?format=${format}`));

    const idleSorted = [...idle].sort((a, b) => a - b);
    const longest = Math.max(...steps.map((s) => s.longest));
    process.stdout.write(`\n${dialect}: a recall of ${fmt(units)} units; the scan page of one of them, asked for every ${PROBE_GAP_MS} ms\n`);
    process.stdout.write(`${table([
      ['request', 'time ms', 'scan pages meanwhile', 'their p50 ms', 'longest wait ms'],
      [`(baseline) the scan page alone, ${IDLE_PROBES} times`, '', String(IDLE_PROBES), fmt(idleSorted[Math.floor(IDLE_PROBES / 2)]!, 1), fmt(idleSorted.at(-1)!, 1)],
      ...steps.map((s) => [s.name, fmt(s.ms), String(s.probes), fmt(s.p50, 1), fmt(s.longest)]),
    ])}\n`);
    process.stdout.write(`longest wait ${fmt(longest)} ms (target ≤ ${LONGEST_WAIT_TARGET_MS} ms) ${verdict(longest <= LONGEST_WAIT_TARGET_MS)}\n`);
    const file = writeResults(`recall-load-${dialect}`, { machine: machine(), dialect, units, idleMs: { p50: idleSorted[Math.floor(IDLE_PROBES / 2)], max: idleSorted.at(-1) }, steps, longestWaitMs: longest });
    process.stdout.write(`figures written to ${file}\n`);
  } finally {
    await server.stop();
  }
}
