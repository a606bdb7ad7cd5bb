/**
 * Resolver speed (issue 4 §6).
 *
 * For each store, on a store of --units serialised units (default 1,000,000; the scaled demo, built once and kept —
 * support/kept-store.ts): requests per second and latency of `GET /01/{gtin}/21/{serial}` answered as the RFC 9264
 * linkset (`Accept: application/linkset+json`) and as the scan page (a mobile browser: HTML, and the scan recorded),
 * beside a bare Fastify route returning a constant JSON object, measured in the same run on the same request paths.
 * Each is measured closed-loop (the maximum rate) and open-loop at a fixed 1,000 requests per second (the tail latency
 * at that rate), units drawn uniformly over the whole store; linkset and page also open-loop at half their maximum
 * (the latency at a load they can carry); then linkset and page again with Zipf-skewed draws, and the bare route again
 * (the ratios use the mean of its two rates, since other work on the machine moves them).
 * Targets: linkset and page each ≥ 0.5 × the bare rate; p99 ≤ 20 ms at 1,000 requests per second.
 *
 * The server (bin/suyuan.js serve) and the bare app each run in their own process pinned to CPU 0; the load generator
 * (support/load-generator.ts) runs in a third process pinned to CPU 1. PostgreSQL, when used, is not pinned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type StoreDialect } from '../src/storage/open-database.ts';
import type { TestStoreTarget } from '../test/support/stores.ts';
import { startBareServer } from './support/bare-server.ts';
import { formatProfile, summariseProfile, type ProfileSummary } from './support/cpu-profile.ts';
import { runLoad, type LoadConfig, type LoadResult } from './support/load-generator.ts';
import { eachStore, type Benchmark, type BenchOptions } from './support/options.ts';
import { fmt, machine, RESULTS_DIR, table, verdict, writeResults } from './support/report.ts';
import { startBenchServer } from './support/server.ts';
import { unitStore } from './support/kept-store.ts';

const RATIO_TARGET = 0.5;
const P99_TARGET_MS = 20;
const FIXED_RATE = 1_000;
/** Keep-alive connections of the closed-loop runs (and opened up front in the open-loop runs). */
const CONNECTIONS = 16;
const SERVER_CPUS = '0';
const CLIENT_CPUS = '1';
const ZIPF_S = 1;
/** Addresses each measured run may use (2^20: more than the fastest run sends); 14 runs fit in 10.0.0.0/8. */
const ADDRESSES_PER_RUN = 1 << 20;
const MOBILE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/**
 * The server runs as behind the operator guide's reverse proxy, and every request comes from another phone (its own
 * X-Forwarded-For): one address counts a unit once in 12–24 hours, so every view of the page records a scan, as it would
 * for phones spread over a city.
 */
const BEHIND_PROXY = { SUYUAN_TRUST_PROXY: '1' };

interface Kind {
  id: 'bare' | 'linkset' | 'page';
  label: string;
  headers: Record<string, string>;
}

const KINDS: Kind[] = [
  { id: 'bare', label: 'bare Fastify route, constant JSON (baseline)', headers: { accept: 'application/json', 'user-agent': MOBILE_UA } },
  { id: 'linkset', label: 'linkset JSON', headers: { accept: 'application/linkset+json', 'user-agent': MOBILE_UA } },
  {
    id: 'page',
    label: 'scan page (HTML, scan recorded)',
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'accept-language': 'zh-CN,zh-Hans;q=0.9', 'user-agent': MOBILE_UA },
  },
];

type Measured = LoadResult & { serverCpu: number; otherCpu: number };

interface Run {
  kind: Kind['id'];
  distribution: 'uniform' | 'zipf';
  closed: Measured;
  open: Measured;
  /** Open loop at half the closed-loop maximum: the latency at a load the server can carry (linkset and page, uniform). */
  half?: Measured;
}

/** The resolve benchmark (see the file comment). */
export const resolveBenchmark: Benchmark = {
  name: 'resolve',
  description: 'req/s and p99 of the linkset JSON and the scan page vs a bare Fastify route, on a store of 1M units',
  run: eachStore(runOn),
};

/** A run's measured windows: closed loop, open loop at the fixed rate, and at half the maximum where there is one. */
function measurementsOf(r: Run): Measured[] {
  return [r.closed, r.open, ...(r.half ? [r.half] : [])];
}

/** The scans in the store's scan log: the page runs must have recorded theirs (the server writes any waiting at stop). */
async function scansIn(target: TestStoreTarget): Promise<number> {
  const db = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    const row = await db.db.selectFrom('scan').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await db.close();
  }
}

async function runOn(dialect: StoreDialect, options: BenchOptions): Promise<void> {
  process.stderr.write(`\n[${dialect}]\n`);
  const store = await unitStore(dialect, options.units ?? 1_000_000);
  const target = await store.copy();
  const warmupMs = options.quick ? 1_000 : 3_000;
  const durationMs = options.quick ? 3_000 : 10_000;
  const profiles: Array<{ kind: Kind; summary: ProfileSummary }> = [];
  const runs: Run[] = [];
  let scansRecorded = 0;
  try {
    const scansBefore = await scansIn(target);
    // The copy is removed at the end, after the profiled server (if any) has used it too.
    const server = await startBenchServer(dialect, { target: { ...target, cleanup: async () => {} }, cpus: SERVER_CPUS, env: BEHIND_PROXY });
    const bare = await startBareServer(SERVER_CPUS);
    try {
      const port = (k: Kind) => (k.id === 'bare' ? bare.port : Number(new URL(server.url).port));
      const pid = (k: Kind) => (k.id === 'bare' ? bare.pid : server.pid);
      await checkReplies(server.url, store.pathsFile);
      // The bare rate is measured first and again last: other work on the machine moves it, and the ratios use the mean.
      const plan: Array<[Kind, 'uniform' | 'zipf']> = [...KINDS.map((k) => [k, 'uniform'] as [Kind, 'uniform']), [KINDS[1]!, 'zipf'], [KINDS[2]!, 'zipf'], [KINDS[0]!, 'uniform']];
      // Every run from addresses of its own: runs draw the same units in the same order (seed 1), and a unit viewed again
      // from the same address is not a new scan, so runs that shared addresses left most of their scans unwritten.
      let run = 0;
      const addresses = () => ({ firstClient: run++ * ADDRESSES_PER_RUN });
      for (const [kind, distribution] of plan) {
        const base = { host: '127.0.0.1', port: port(kind), pathsFile: store.pathsFile, headers: kind.headers, distinctClients: true, warmupMs, durationMs, distribution, zipfS: ZIPF_S, seed: 1, connections: CONNECTIONS };
        process.stderr.write(`  ${kind.id} (${distribution}): closed loop, ${CONNECTIONS} connections…`);
        const closed = await measured(pid(kind), { ...base, ...addresses(), mode: 'closed' });
        process.stderr.write(` ${fmt(closed.requestsPerSecond)} req/s; open loop at ${fmt(FIXED_RATE)}/s…`);
        const open = await measured(pid(kind), { ...base, ...addresses(), mode: 'open', rate: FIXED_RATE, warmupMs: Math.min(warmupMs, 2_000) });
        process.stderr.write(` p99 ${fmt(open.latencyMs.p99, 1)} ms`);
        let half: Run['half'];
        if (kind.id !== 'bare' && distribution === 'uniform') {
          const rate = Math.max(1, Math.round(closed.requestsPerSecond / 2));
          process.stderr.write(`; open loop at ${fmt(rate)}/s…`);
          half = await measured(pid(kind), { ...base, ...addresses(), mode: 'open', rate, warmupMs: Math.min(warmupMs, 2_000) });
          process.stderr.write(` p99 ${fmt(half.latencyMs.p99, 1)} ms`);
        }
        process.stderr.write('\n');
        for (const r of [closed, open, ...(half ? [half] : [])]) if (r.errors) process.stderr.write(`    ${r.errors} errors, first: ${r.firstError}\n`);
        runs.push({ kind: kind.id, distribution, closed, open, ...(half ? { half } : {}) });
      }
    } finally {
      await bare.stop();
      await server.stop();
    }
    scansRecorded = (await scansIn(target)) - scansBefore;
    if (options.profile) for (const kind of KINDS.slice(1)) profiles.push({ kind, summary: await profileServer(kind, dialect, target, store.pathsFile, options) });
  } finally {
    await target.cleanup();
  }

  const bareRuns = runs.filter((r) => r.kind === 'bare');
  const bareRate = bareRuns.reduce((sum, r) => sum + r.closed.requestsPerSecond, 0) / bareRuns.length;
  const row = (r: Run, label: string) => {
    const ratio = r.closed.requestsPerSecond / bareRate;
    const sustained = r.open.requestsPerSecond >= 0.98 * FIXED_RATE && r.open.unfinished === 0;
    const p99ok = sustained && r.open.latencyMs.p99 <= P99_TARGET_MS;
    const isTarget = r.kind !== 'bare';
    return [
      label,
      fmt(r.closed.requestsPerSecond),
      fmt(r.closed.latencyMs.p50, 2),
      fmt(r.closed.latencyMs.p99, 2),
      `${fmt(r.closed.serverCpu * 100)}%`,
      r.kind === 'bare' ? fmt(ratio, 2) : `${fmt(ratio, 2)} ${isTarget ? verdict(ratio >= RATIO_TARGET) : ''}`.trim(),
      fmt(r.open.requestsPerSecond),
      fmt(r.open.latencyMs.p50, 2),
      `${fmt(r.open.latencyMs.p99, 2)}${isTarget ? ` ${verdict(p99ok)}` : ''}`,
      `${fmt(r.open.serverCpu * 100)}%`,
      r.half ? fmt(r.half.requestsPerSecond) : '',
      r.half ? fmt(r.half.latencyMs.p99, 2) : '',
    ];
  };
  const bytes = (k: Kind['id']) => runs.find((r) => r.kind === k)!.closed.bytesPerReply;
  process.stdout.write(`\n${table([
    [`resolve — ${dialect}, ${fmt(store.units)} units`, 'max req/s', 'p50 ms', 'p99 ms', 'server CPU', '÷ bare', `at ${fmt(FIXED_RATE)}/s: req/s`, 'p50 ms', 'p99 ms', 'server CPU', 'at ½ max: req/s', 'p99 ms'],
    ...runs.map((r, i) => row(r, i === runs.length - 1 && r.kind === 'bare' ? 'bare Fastify route, again at the end' : `${KINDS.find((k) => k.id === r.kind)!.label}${r.distribution === 'zipf' ? `, Zipf s=${ZIPF_S}` : ''}`)),
  ])}\n`);
  process.stdout.write(
    `÷ bare: max rate over the mean of the two bare runs (${fmt(bareRate)} req/s). targets: max rate ≥ ${RATIO_TARGET} × bare; p99 ≤ ${P99_TARGET_MS} ms at ${fmt(FIXED_RATE)} req/s (MISS also when that rate is not sustained). ` +
      `Closed loop: ${CONNECTIONS} keep-alive connections, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up; reply sizes: bare ${fmt(bytes('bare'))} B, ` +
      `linkset ${fmt(bytes('linkset'))} B, page ${fmt(bytes('page'))} B. Store: ${fmt(store.events)} demo events, ${fmt(store.bytes / 2 ** 30, 1)} GB` +
      `${store.builtSeconds !== null ? `, built in ${fmt(store.builtSeconds)} s` : ' (kept from an earlier run)'}. ` +
      `Server and bare app on CPU ${SERVER_CPUS}, load generator on CPU ${CLIENT_CPUS}${dialect === 'postgres' ? ', PostgreSQL unpinned' : ''}.\n`,
  );
  const pageReplies = runs.filter((r) => r.kind === 'page').flatMap(measurementsOf).reduce((n, m) => n + m.requests, 0);
  process.stdout.write(`Scans recorded by the page runs: ${fmt(scansRecorded)} (page replies in the measured windows: ${fmt(pageReplies)}; warm-ups count too).\n`);
  if (scansRecorded < pageReplies) process.stdout.write('warning: fewer scans recorded than pages measured: the page figures leave out the scan write.\n');
  const others = runs.flatMap(measurementsOf).map((m) => m.otherCpu);
  const busy = others.filter((c) => c > (dialect === 'postgres' ? 1 : 0.15));
  process.stdout.write(`CPU used by other processes during the runs${dialect === 'postgres' ? ' (PostgreSQL included)' : ''}: ${fmt((100 * others.reduce((a, b) => a + b, 0)) / others.length)}% of a core on average, up to ${fmt(100 * Math.max(...others))}%.\n`);
  if (busy.length && dialect === 'sqlite') process.stdout.write(`warning: other work took CPU during ${busy.length} of the ${others.length} runs: those figures are pessimistic.\n`);
  for (const p of profiles) process.stdout.write(`\nServer CPU profile while serving the ${p.kind.label} (closed loop, uniform):\n\n${formatProfile(p.summary)}\n`);

  writeResults(`resolve-${dialect}`, {
    machine: machine(), dialect, units: store.units, events: store.events, storeBytes: store.bytes, builtSeconds: store.builtSeconds,
    connections: CONNECTIONS, warmupMs, durationMs, fixedRate: FIXED_RATE, zipfS: ZIPF_S, serverCpus: SERVER_CPUS, clientCpus: CLIENT_CPUS,
    bareRate, runs, scansRecorded, ratios: Object.fromEntries(runs.filter((r) => r.kind !== 'bare').map((r) => [`${r.kind}-${r.distribution}`, r.closed.requestsPerSecond / bareRate])),
    ...(profiles.length ? { profiles: Object.fromEntries(profiles.map((p) => [p.kind.id, p.summary])) } : {}),
  });
}

/**
 * One load run, with the server process's CPU use over it and that of everything else on the machine (other than the
 * server and the load generator), each as a share of one core.
 */
async function measured(pid: number, config: LoadConfig): Promise<Measured> {
  const before = cpuSeconds(pid);
  const machineBefore = machineBusySeconds();
  const t0 = Date.now();
  const result = await runLoad(config, CLIENT_CPUS);
  const seconds = (Date.now() - t0) / 1000;
  const server = cpuSeconds(pid) - before;
  const others = Math.max(0, machineBusySeconds() - machineBefore - server - result.clientCpuSeconds);
  await untilIdle(pid);
  return { ...result, serverCpu: server / seconds, otherCpu: others / seconds };
}

/** CPU seconds the whole machine spent running processes (user, nice, system) since boot (/proc/stat, 100 ticks a second). */
function machineBusySeconds(): number {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
  // Interrupt time is left out: it is mostly the loopback traffic of the run itself, charged to no process.
  const [user, nice, system] = ticks as number[];
  return (user! + nice! + system!) / 100;
}

/**
 * Waits until the server has worked off what the last run left it (an overloaded open-loop run leaves requests in
 * flight that the server still answers after the client has gone): until it uses under 10 % of a core for 0.5 s.
 */
async function untilIdle(pid: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuSeconds(pid) - before < 0.05 || Date.now() > deadline) return;
  }
}

/** User + system CPU seconds of a process, all threads (Linux /proc; 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Makes sure the server answers the units as expected before measuring: 200, the right type, the unit's product. */
async function checkReplies(url: string, pathsFile: string): Promise<void> {
  const first = fs.readFileSync(pathsFile, 'utf8').split('\n', 1)[0]!;
  for (const kind of KINDS.slice(1)) {
    const res = await fetch(`${url}${first}`, { headers: kind.headers });
    const body = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const want = kind.id === 'linkset' ? 'application/linkset+json' : 'text/html';
    if (res.status !== 200 || !type.startsWith(want)) throw new Error(`${kind.id} of ${first}: ${res.status} ${type}\n${body.slice(0, 400)}`);
  }
}

/** A server started with --cpu-prof on the same store, a closed-loop run of one kind of request, and where its time went. */
async function profileServer(kind: Kind, dialect: StoreDialect, target: TestStoreTarget, pathsFile: string, options: BenchOptions): Promise<ProfileSummary> {
  const dir = path.join(RESULTS_DIR, 'profiles', `resolve-${dialect}-${kind.id}-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  process.stderr.write(`  profiling the ${kind.label} (${path.relative(process.cwd(), dir)})…\n`);
  const t0 = Date.now();
  const server = await startBenchServer(dialect, { target: { ...target, cleanup: async () => {} }, cpus: SERVER_CPUS, env: BEHIND_PROXY, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const warmupMs = 1_000;
  // Start-up (module loading, schema compilation) and the warm-up are left out of the summary.
  const skipMs = Date.now() - t0 + warmupMs;
  try {
    await runLoad({
      host: '127.0.0.1', port: Number(new URL(server.url).port), pathsFile, headers: kind.headers, distinctClients: true, mode: 'closed', connections: CONNECTIONS,
      warmupMs, durationMs: options.quick ? 4_000 : 8_000, distribution: 'uniform', seed: 2,
    }, CLIENT_CPUS);
  } finally {
    await server.stop();
  }
  // One profile per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): the main thread is 0; tsx's
  // loader runs in a worker thread of its own.
  const main = fs.readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (!main) throw new Error(`no main-thread .cpuprofile written in ${dir}`);
  return summariseProfile(trimProfile(path.join(dir, main), skipMs), 25);
}

/** A copy of a .cpuprofile without its first `skipMs` of samples (written beside it as *.trimmed.cpuprofile). */
function trimProfile(file: string, skipMs: number): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { samples: number[]; timeDeltas: number[]; startTime: number };
  let elapsed = 0;
  let from = 0;
  while (from < profile.samples.length && elapsed < skipMs * 1000) elapsed += profile.timeDeltas[from++] ?? 0;
  const trimmed = { ...profile, startTime: profile.startTime + elapsed, samples: profile.samples.slice(from), timeDeltas: profile.timeDeltas.slice(from) };
  if (trimmed.timeDeltas.length) trimmed.timeDeltas[0] = 0;
  const out = file.replace(/\.cpuprofile$/, '.trimmed.cpuprofile');
  fs.writeFileSync(out, JSON.stringify(trimmed));
  return out;
}
