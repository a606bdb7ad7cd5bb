import type { StoreDialect } from '../../src/storage/open-database.ts';

/** What `npm run bench` was asked for; every benchmark reads the parts it needs. */
export interface BenchOptions {
  stores: StoreDialect[];
  /** Events to capture (capture: 100,000 by default). */
  events: number;
  /** Serialised units in the resolver's store (resolve: 1,000,000 by default, 20,000 with --quick). */
  units?: number;
  /** A small run to check that the benchmarks work, not to measure. */
  quick: boolean;
  /** Write a CPU profile of the server during the measured capture, and summarise where its time goes. */
  profile: boolean;
}

/** One benchmark: prints its figures beside a baseline measured in the same run, and writes them to bench/results/. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<void>;
}

/** A benchmark's `run` that measures each store asked for in turn, one after the other (they share the machine). */
export function eachStore(runOn: (dialect: StoreDialect, options: BenchOptions) => Promise<void>): Benchmark['run'] {
  return async (options) => {
    for (const dialect of options.stores) await runOn(dialect, options);
  };
}
