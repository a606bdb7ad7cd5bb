/**
 * Runs the benchmarks: `npm run bench -- [--only capture] [--stores sqlite,postgres] [--events N] [--units N] [--quick] [--profile]`.
 * Each prints its figures beside a baseline measured in the same run, marks each target PASS or MISS, and writes
 * bench/results/<name>-<dialect>.json. The exit code is 0 whatever the figures: it is a report, not a test.
 */
import { parseArgs } from 'node:util';
import type { StoreDialect } from '../src/storage/open-database.ts';
import { captureBenchmark } from './capture.ts';
import { recallLoadBenchmark } from './recall-load.ts';
import { resolveBenchmark } from './resolve.ts';
import { traceBenchmark } from './trace.ts';
import type { Benchmark, BenchOptions } from './support/options.ts';

/** Every benchmark, in the order they run; add bench/trace.ts, bench/resolve.ts … here. */
const BENCHMARKS: Benchmark[] = [captureBenchmark, traceBenchmark, resolveBenchmark, recallLoadBenchmark];

const USAGE = `usage: npm run bench -- [options]
  --only <names>     comma-separated benchmarks to run (${BENCHMARKS.map((b) => b.name).join(', ')}; default all)
  --stores <list>    sqlite,postgres (default both; PostgreSQL at SUYUAN_TEST_PG_URL or root@127.0.0.1:5432)
  --events <n>       events to capture / demo events to trace over (default 100000; the trace targets are for 1M and 10M)
  --units <n>        serialised units in the resolver's store (resolve; default 1000000, built once and kept)
  --quick            a small run to check the benchmarks work (5,000 events, a ~7 MB document; 20,000 units;
                     a recall of 10,001 units)
  --profile          CPU-profile the server (capture: while it captures; resolve: while it serves linksets, then scan pages)
                     and print where its time goes
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      stores: { type: 'string', default: 'sqlite,postgres' },
      events: { type: 'string' },
      units: { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const stores = values.stores!.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of stores) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`unknown store "${s}" (sqlite, postgres)`);
  const events = values.events !== undefined ? Number(values.events) : values.quick ? 5_000 : 100_000;
  if (!Number.isInteger(events) || events < 1) throw new Error(`--events must be a positive integer, found "${values.events}"`);
  const units = values.units !== undefined ? Number(values.units) : values.quick ? 20_000 : 1_000_000;
  if (!Number.isInteger(units) || units < 1) throw new Error(`--units must be a positive integer, found "${values.units}"`);
  const options: BenchOptions = { stores: stores as StoreDialect[], events, units, quick: values.quick!, profile: values.profile! };

  const names = values.only ? values.only.split(',').map((s) => s.trim()) : BENCHMARKS.map((b) => b.name);
  for (const n of names) if (!BENCHMARKS.some((b) => b.name === n)) throw new Error(`unknown benchmark "${n}" (${BENCHMARKS.map((b) => b.name).join(', ')})`);
  for (const bench of BENCHMARKS.filter((b) => names.includes(b.name))) {
    process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
    await bench.run(options);
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n${USAGE}`);
  process.exit(1);
});
