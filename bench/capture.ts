/**
 * Capture throughput and memory.
 *
 * For each store: events/s captured over HTTP (POST /epcis/capture, documents of 1,000 ObjectEvents, one client and
 * then two concurrent clients, each on a fresh store), beside the raw rate of inserting the same events' JSON into a
 * single fresh table of the same kind of store (id, event_time, body), and the ratio capture / raw. Then the peak RSS
 * of the server process while it captures one document just under its 64 MB limit, streamed from disk.
 * Targets: ratio ≥ 0.33 on SQLite; peak RSS under 300 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newId } from '../src/domain/ids.ts';
import { openDatabase, type StoreDialect } from '../src/storage/open-database.ts';
import { createTestStore } from '../test/support/stores.ts';
import { formatProfile, summariseProfile, type ProfileSummary } from './support/cpu-profile.ts';
import { benchObjectEvent, epcisDocument, epcisDocumentParts } from './support/epcis-events.ts';
import { keepAlive, postDocument, postFile } from './support/http-client.ts';
import type { Benchmark, BenchOptions } from './support/options.ts';
import { fmt, machine, progress, RESULTS_DIR, table, verdict, writeResults } from './support/report.ts';
import { startBenchServer } from './support/server.ts';

const DOC_EVENTS = 1_000;
/** Capture rate / raw insert rate, SQLite. */
const RATIO_TARGET = 0.33;
const RSS_TARGET_MB = 300;
/** The server's default GS1-EPCIS-Capture-File-Size-Limit and GS1-EPCIS-Capture-Limit. */
const FILE_SIZE_LIMIT = 64 * 1024 * 1024;
const EVENT_LIMIT = 10_000;
/** EPCs per event in the large document: ~6.6 KB events, so 10,000 of them come to just under 64 MB. */
const LARGE_EPCS = 130;
const MB = 1024 * 1024;

interface Rate {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

interface CaptureRate extends Rate {
  clients: number;
  documents: number;
  /** Per-document request time, ms. */
  latencyMs: { p50: number; p95: number; max: number };
  serverPeakRssMB: number;
}

interface RssFigures {
  documentBytes: number;
  documentEvents: number;
  epcsPerEvent: number;
  idleRssMB: number;
  peakRssMB: number;
  seconds: number;
  eventsPerSecond: number;
}

/** The capture benchmark (see the file comment). */
export const captureBenchmark: Benchmark = {
  name: 'capture',
  description: 'events/s over POST /epcis/capture vs raw single-table insert; peak server RSS on a 64 MB document',
  async run(options) {
    const docs = buildDocuments(options.events);
    const docMB = docs.reduce((s, d) => s + d.body.length, 0) / MB;
    process.stderr.write(`  ${fmt(options.events)} events in ${docs.length} documents (${fmt(docMB, 1)} MB of JSON)\n`);
    const largeFile = buildLargeDocument(options.quick ? 1_000 : EVENT_LIMIT);
    try {
      for (const dialect of options.stores) await runStore(dialect, docs, largeFile, options);
    } finally {
      fs.rmSync(path.dirname(largeFile.path), { recursive: true, force: true });
    }
  },
};

async function runStore(dialect: StoreDialect, docs: Doc[], largeFile: LargeDocument, options: BenchOptions): Promise<void> {
  process.stderr.write(`\n[${dialect}]\n`);
  const raw = await rawInsert(dialect, options.events);
  const profileDir = options.profile ? path.join(RESULTS_DIR, 'profiles', `capture-${dialect}-${Date.now()}`) : undefined;
  const sequential = await captureOverHttp(dialect, docs, 1, profileDir);
  const concurrent = await captureOverHttp(dialect, docs, 2);
  const rss = await captureLargeDocument(dialect, largeFile);

  const ratio = sequential.eventsPerSecond / raw.eventsPerSecond;
  const ratio2 = concurrent.eventsPerSecond / raw.eventsPerSecond;
  const ratioTarget = dialect === 'sqlite' ? RATIO_TARGET : undefined;
  const ratioCell = (r: number) => (ratioTarget === undefined ? '(no target)' : `≥ ${ratioTarget}  ${verdict(r >= ratioTarget)}`);
  const rows = [
    [`capture — ${dialect}`, 'events', 'seconds', 'events/s', 'ratio', 'target'],
    ['raw insert, 1 table (baseline)', fmt(raw.events), fmt(raw.seconds, 2), fmt(raw.eventsPerSecond), '1.00', ''],
    ['POST /epcis/capture, 1 client', fmt(sequential.events), fmt(sequential.seconds, 2), fmt(sequential.eventsPerSecond), ratio.toFixed(2), ratioCell(ratio)],
    ['POST /epcis/capture, 2 clients', fmt(concurrent.events), fmt(concurrent.seconds, 2), fmt(concurrent.eventsPerSecond), ratio2.toFixed(2), ratioCell(ratio2)],
  ];
  const rssRows = [
    [`peak RSS — ${dialect}`, 'document', 'events', 'seconds', 'events/s', 'idle RSS', 'peak RSS', 'target'],
    [
      'one document, streamed', `${fmt(rss.documentBytes / MB, 1)} MB`, fmt(rss.documentEvents), fmt(rss.seconds, 2), fmt(rss.eventsPerSecond),
      `${fmt(rss.idleRssMB)} MB`, `${fmt(rss.peakRssMB)} MB`, `< ${RSS_TARGET_MB} MB  ${verdict(rss.peakRssMB < RSS_TARGET_MB)}`,
    ],
  ];
  const latency = `document latency, 1 client: p50 ${fmt(sequential.latencyMs.p50)} ms, p95 ${fmt(sequential.latencyMs.p95)} ms, max ${fmt(sequential.latencyMs.max)} ms; ` +
    `server peak RSS while capturing: ${fmt(sequential.serverPeakRssMB)} MB (1 client), ${fmt(concurrent.serverPeakRssMB)} MB (2 clients)`;
  process.stdout.write(`\n${table(rows)}\n${latency}\n\n${table(rssRows)}\n`);

  let profile: ProfileSummary | undefined;
  if (profileDir) {
    const file = fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(profileDir, f))[0];
    if (file) {
      profile = summariseProfile(file);
      process.stdout.write(`\nserver CPU profile, 1-client capture (${path.relative(process.cwd(), file)}):\n\n${formatProfile(profile)}\n`);
    }
  }

  const written = writeResults(`capture-${dialect}`, {
    benchmark: 'capture',
    dialect,
    measuredAt: new Date().toISOString(),
    quick: options.quick,
    machine: machine(),
    documentEvents: DOC_EVENTS,
    raw,
    capture: { oneClient: sequential, twoClients: concurrent },
    ratio: { oneClient: ratio, twoClients: ratio2, target: ratioTarget ?? null, pass: ratioTarget === undefined ? null : ratio >= ratioTarget },
    rss: { ...rss, targetMB: RSS_TARGET_MB, pass: rss.peakRssMB < RSS_TARGET_MB },
    ...(profile ? { profile } : {}),
  });
  process.stdout.write(`\nwritten ${path.relative(process.cwd(), written)}\n`);
}

interface Doc {
  body: Buffer;
  events: number;
}

/** The benchmark's events as capture documents of 1,000, serialised before any clock starts. */
function buildDocuments(total: number): Doc[] {
  const docs: Doc[] = [];
  for (let start = 0; start < total; start += DOC_EVENTS) {
    const events = [];
    for (let i = start; i < Math.min(total, start + DOC_EVENTS); i++) events.push(benchObjectEvent(i));
    docs.push({ body: Buffer.from(JSON.stringify(epcisDocument(events))), events: events.length });
  }
  return docs;
}

/**
 * The baseline: the same events' JSON, one row each (id, event_time, body), into one fresh table of a fresh store of
 * the same dialect opened as the server opens it (same pragmas), by the fastest ordinary method — SQLite one prepared
 * statement in transactions of 1,000; PostgreSQL one INSERT … SELECT FROM unnest(…) of 1,000 rows per statement.
 * Only the inserts are timed; rows are built before each batch's clock starts.
 */
async function rawInsert(dialect: StoreDialect, total: number): Promise<Rate> {
  const target = await createTestStore(dialect);
  const store = await openDatabase({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  const bar = progress(`raw insert (${dialect})`, total);
  let seconds = 0;
  try {
    let insert: (rows: Array<[string, number, string]>) => Promise<void>;
    if (store.sqlite) {
      const db = store.sqlite;
      db.exec('CREATE TABLE bench_raw_event (id TEXT PRIMARY KEY, event_time INTEGER NOT NULL, body TEXT NOT NULL)');
      const stmt = db.prepare('INSERT INTO bench_raw_event (id, event_time, body) VALUES (?, ?, ?)');
      const tx = db.transaction((rows: Array<[string, number, string]>) => {
        for (const r of rows) stmt.run(r[0], r[1], r[2]);
      });
      insert = async (rows) => tx(rows);
    } else {
      const pool = store.pool!;
      await pool.query('CREATE TABLE bench_raw_event (id text PRIMARY KEY, event_time int8 NOT NULL, body text NOT NULL)');
      insert = async (rows) => {
        await pool.query('INSERT INTO bench_raw_event (id, event_time, body) SELECT * FROM unnest($1::text[], $2::int8[], $3::text[])', [
          rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]),
        ]);
      };
    }
    for (let start = 0; start < total; start += DOC_EVENTS) {
      const rows: Array<[string, number, string]> = [];
      for (let i = start; i < Math.min(total, start + DOC_EVENTS); i++) {
        const event = benchObjectEvent(i);
        rows.push([newId('evt'), Date.parse(String(event.eventTime)), JSON.stringify(event)]);
      }
      const t0 = performance.now();
      await insert(rows);
      seconds += (performance.now() - t0) / 1000;
      bar.update(start + rows.length, `${fmt((start + rows.length) / seconds)} ev/s`);
    }
    bar.end(`${fmt(total / seconds)} ev/s`);
  } finally {
    await store.close();
    await target.cleanup();
  }
  return { events: total, seconds, eventsPerSecond: total / seconds };
}

/** Captures every document over HTTP into a fresh server and store, with `clients` concurrent keep-alive clients. */
async function captureOverHttp(dialect: StoreDialect, docs: Doc[], clients: number, profileDir?: string): Promise<CaptureRate> {
  const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const server = await startBenchServer(dialect, { nodeFlags });
  const total = docs.reduce((s, d) => s + d.events, 0);
  const bar = progress(`capture (${dialect}, ${clients} client${clients > 1 ? 's' : ''})`, total);
  const latencies: number[] = [];
  let seconds: number;
  try {
    const key = await server.partyKey();
    let next = 0;
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const agent = keepAlive();
        try {
          while (next < docs.length) {
            const doc = docs[next++];
            const r0 = performance.now();
            const reply = await postDocument(server.url, key, doc.body, agent);
            latencies.push(performance.now() - r0);
            if (reply.status !== 202) throw new Error(`capture: HTTP ${reply.status} ${reply.body.slice(0, 500)}`);
            const stored = (JSON.parse(reply.body) as { storedCount: number }).storedCount;
            if (stored !== doc.events) throw new Error(`capture: stored ${stored} of ${doc.events} events`);
            done += doc.events;
            bar.update(done, `${fmt(done / ((performance.now() - t0) / 1000))} ev/s`);
          }
        } finally {
          agent.destroy();
        }
      }),
    );
    seconds = (performance.now() - t0) / 1000;
    bar.end(`${fmt(total / seconds)} ev/s`);
    const peak = server.memory().peak;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    return {
      clients, documents: docs.length, events: total, seconds, eventsPerSecond: total / seconds,
      latencyMs: { p50: pct(0.5), p95: pct(0.95), max: latencies[latencies.length - 1] }, serverPeakRssMB: peak / MB,
    };
  } finally {
    await server.stop();
  }
}

interface LargeDocument {
  path: string;
  bytes: number;
  events: number;
}

/** Writes one capture document just under the server's 64 MB limit (or `events` events, if fewer fit) to a temporary file. */
function buildLargeDocument(maxEvents: number): LargeDocument {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suyuan-bench-'));
  const file = path.join(dir, 'large-capture.jsonld');
  const { head, tail } = epcisDocumentParts();
  const budget = FILE_SIZE_LIMIT - 4096;
  const fd = fs.openSync(file, 'w');
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  let events = 0;
  let pending: string[] = [];
  fs.writeSync(fd, head);
  for (let i = 0; i < maxEvents; i++) {
    const text = (events ? ',' : '') + JSON.stringify(benchObjectEvent(i, { epcs: LARGE_EPCS, serialBase: 1_000_000_000 }));
    const size = Buffer.byteLength(text);
    if (bytes + size > budget) break;
    bytes += size;
    events++;
    pending.push(text);
    if (pending.length >= 500) {
      fs.writeSync(fd, pending.join(''));
      pending = [];
    }
  }
  fs.writeSync(fd, pending.join('') + tail);
  fs.closeSync(fd);
  process.stderr.write(`  large document: ${fmt(events)} events × ${LARGE_EPCS} EPCs, ${fmt(bytes / MB, 1)} MB (limit ${FILE_SIZE_LIMIT / MB} MB, ${fmt(EVENT_LIMIT)} events)\n`);
  return { path: file, bytes, events };
}

/** Streams the large document into a fresh server (child process) and reads the server's peak RSS (VmHWM). */
async function captureLargeDocument(dialect: StoreDialect, doc: LargeDocument): Promise<RssFigures> {
  const server = await startBenchServer(dialect);
  try {
    const key = await server.partyKey();
    const idle = server.memory();
    let sampledPeak = idle.rss;
    const t0 = performance.now();
    const sampler = setInterval(() => {
      try {
        const m = server.memory();
        sampledPeak = Math.max(sampledPeak, m.rss);
        process.stderr.write(process.stderr.isTTY ? `\r  64 MB document (${dialect}): ${fmt((performance.now() - t0) / 1000, 1)} s, RSS ${fmt(m.rss / MB)} MB, peak ${fmt(m.peak / MB)} MB\x1b[K` : '');
      } catch {
        // the process is gone; the request will fail and say why
      }
    }, 50);
    let reply;
    try {
      if (!process.stderr.isTTY) process.stderr.write(`  64 MB document (${dialect}): sending…\n`);
      reply = await postFile(server.url, key, doc.path);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - t0) / 1000;
    const peak = Math.max(server.memory().peak, sampledPeak);
    if (reply.status !== 202) throw new Error(`large capture: HTTP ${reply.status} ${reply.body.slice(0, 500)}`);
    const stored = (JSON.parse(reply.body) as { storedCount: number }).storedCount;
    if (stored !== doc.events) throw new Error(`large capture: stored ${stored} of ${doc.events} events`);
    process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}  64 MB document (${dialect}): done in ${fmt(seconds, 1)} s, peak RSS ${fmt(peak / MB)} MB${process.stderr.isTTY ? '\x1b[K' : ''}\n`);
    return {
      documentBytes: doc.bytes, documentEvents: doc.events, epcsPerEvent: LARGE_EPCS, idleRssMB: idle.rss / MB, peakRssMB: peak / MB,
      seconds, eventsPerSecond: doc.events / seconds,
    };
  } finally {
    await server.stop();
  }
}
