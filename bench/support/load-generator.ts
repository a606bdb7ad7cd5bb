/**
 * An HTTP/1.1 load generator that runs in its own process (pinned to its own core), so the server under test does not
 * share an event loop with its client. Two modes:
 * - closed loop: `connections` keep-alive connections, each sending its next request as soon as the reply is in —
 *   the server's maximum rate; latency is from write to the last byte of the reply;
 * - open loop: requests started on a fixed schedule (`rate` per second) whether or not earlier ones have been answered,
 *   on as many keep-alive connections as it takes — latency is from the *scheduled* start to the last byte, so a server
 *   that falls behind shows it in the tail (no coordinated omission).
 * Each request names a path drawn from a file of paths (one a line), uniformly or Zipf-skewed.
 *
 * It speaks HTTP over raw sockets (a prebuilt request line and headers; replies read by content-length or chunked) so
 * that a single client core can out-run a single server core: Node's http client costs several times more per request.
 *
 * Run by {@link runLoad}; as a script it reads its {@link LoadConfig} as JSON from argv[2] and prints a {@link LoadResult}.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/domain/random.ts';

export interface LoadConfig {
  host: string;
  port: number;
  /** File of request paths, one a line (e.g. `/01/06970044001001/21/M261022460087`). */
  pathsFile: string;
  headers: Record<string, string>;
  /**
   * Each request as from another phone: an `X-Forwarded-For` of its own (10.0.0.0/8, counting up), for a server that
   * trusts the proxy on its host (SUYUAN_TRUST_PROXY=1), since it counts one scan per address and unit.
   */
  distinctClients?: boolean;
  /** The number of the first such address (10.0.0.0/8 counted from 1): runs that must not share addresses start apart. */
  firstClient?: number;
  mode: 'closed' | 'open';
  /** Closed loop: connections kept busy. Open loop: connections opened up front (more are opened when all are busy). */
  connections: number;
  /** Open loop: requests per second. */
  rate?: number;
  warmupMs: number;
  durationMs: number;
  /** Which paths: uniform over the file, or Zipf (exponent `zipfS`) over a seeded shuffle of it. */
  distribution: 'uniform' | 'zipf';
  zipfS?: number;
  seed?: number;
}

export interface LoadResult {
  mode: 'closed' | 'open';
  /** Replies completed in the measured window. */
  requests: number;
  /** Replies with a status other than 2xx, and socket errors. */
  errors: number;
  firstError?: string;
  seconds: number;
  requestsPerSecond: number;
  /** Open loop: the rate asked for. */
  targetRate?: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Open loop: how late the generator itself sent requests (timer lag), p99 in ms. */
  sendLagP99Ms?: number;
  /** Open loop: requests still unanswered 5 s after the window closed (counted in the latencies at that age). */
  unfinished?: number;
  connectionsUsed: number;
  bytesPerReply: number;
  /** CPU seconds the generator process used (user + system), to tell its share of the machine from the server's. */
  clientCpuSeconds: number;
}

/** Open loop: connections at most; requests beyond them wait in the generator (their wait counts as latency). */
const MAX_OPEN_CONNECTIONS = 256;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);

/** Runs the generator as a child process (pinned with taskset to `cpus`, e.g. "1") and returns what it measured. */
export async function runLoad(config: LoadConfig, cpus?: string): Promise<LoadResult> {
  const node = [process.execPath, '--import', 'tsx', SELF, JSON.stringify(config)];
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(cmd!, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}:\n${err}${out}`);
  return JSON.parse(out) as LoadResult;
}

// ---------------------------------------------------------------------------------------------------------------------
// The generator itself (runs in the child).

interface Pending {
  /** When the latency clock starts: write time (closed) or scheduled time (open). */
  start: number;
}

/** One keep-alive connection with a hand-rolled reply parser. */
class Connection {
  readonly socket: net.Socket;
  private buf: Buffer | null = null;
  private headerEnd = -1;
  private bodyLength = -1;
  private chunked = false;
  private status = 0;
  pending: Pending | null = null;
  ready: Promise<void>;

  constructor(
    host: string,
    port: number,
    private readonly onReply: (conn: Connection, p: Pending, status: number, bytes: number, head: string) => void,
    private readonly onError: (conn: Connection, err: Error) => void,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => this.data(d));
    this.socket.on('error', (e) => this.onError(this, e));
    this.socket.on('close', () => {
      if (this.pending) this.onError(this, new Error('connection closed with a request in flight'));
    });
  }

  send(request: string, p: Pending): void {
    this.pending = p;
    this.socket.write(request);
  }

  private data(d: Buffer): void {
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const buf: Buffer | null = this.buf;
      if (!buf) return;
      if (this.headerEnd < 0) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.headerEnd = end + 4;
        const head = buf.toString('latin1', 0, end);
        this.status = Number(head.slice(9, 12));
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        this.chunked = !cl && /\r\ntransfer-encoding:\s*chunked/i.test(head);
        this.bodyLength = cl ? Number(cl[1]) : this.chunked ? -1 : 0;
      }
      let total: number;
      if (this.chunked) {
        total = chunkedEnd(buf, this.headerEnd);
        if (total < 0) return;
      } else {
        total = this.headerEnd + this.bodyLength;
        if (buf.length < total) return;
      }
      const p = this.pending!;
      const head = this.status >= 200 && this.status < 300 ? '' : buf.toString('utf8', 0, Math.min(total, 400));
      this.pending = null;
      this.buf = buf.length > total ? buf.subarray(total) : null;
      this.headerEnd = -1;
      this.onReply(this, p, this.status, total, head);
    }
  }
}

/** The end offset of a chunked body starting at `from`, or -1 while it is incomplete. */
function chunkedEnd(buf: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, eol), 16);
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', eol);
      return end < 0 ? -1 : end + 4;
    }
    at = eol + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

/** Seeded, so skewed runs pick the same hot paths every time. */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** A function drawing path indexes: uniform, or Zipf over a seeded permutation (hot paths spread over the store). */
function picker(n: number, config: LoadConfig): () => number {
  const rand = prng(config.seed ?? 1);
  if (config.distribution === 'uniform') return () => Math.floor(rand() * n);
  const s = config.zipfS ?? 1;
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const shuffle = prng((config.seed ?? 1) ^ 0x9e3779b9);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo]!;
  };
}

function percentiles(ms: number[]): LoadResult['latencyMs'] {
  const s = Float64Array.from(ms).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1] ?? 0, mean };
}

async function generate(config: LoadConfig): Promise<LoadResult> {
  const paths = fs.readFileSync(config.pathsFile, 'utf8').split('\n').filter(Boolean);
  if (paths.length === 0) throw new Error(`no paths in ${config.pathsFile}`);
  const pick = picker(paths.length, config);
  const extra = Object.entries(config.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  let client = config.firstClient ?? 0;
  const forwardedFor = () => {
    const n = (client++ % 0xfffffe) + 1;
    return `X-Forwarded-For: 10.${n >>> 16}.${(n >>> 8) & 0xff}.${n & 0xff}\r\n`;
  };
  const request = () => `GET ${paths[pick()]} HTTP/1.1\r\nHost: ${config.host}:${config.port}\r\n${extra}${config.distinctClients ? forwardedFor() : ''}\r\n`;

  let measuring = false;
  let done = false;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  let replies = 0;
  /** Replies that came in during the measured window, whenever their request was scheduled. */
  let inWindow = 0;
  let windowEnd = Infinity;
  const conns = new Set<Connection>();
  const idle: Connection[] = [];
  const queue: Pending[] = [];

  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  const onReply = (conn: Connection, p: Pending, status: number, size: number, head: string) => {
    const now = performance.now();
    if (now >= windowStart && now <= windowEnd) inWindow++;
    if (measuring && p.start >= windowStart) {
      latencies.push(now - p.start);
      bytes += size;
      replies++;
      if (status < 200 || status >= 300) fail(`HTTP ${status}: ${head}`);
    }
    next(conn);
  };
  const onError = (conn: Connection, err: Error) => {
    if (done) return;
    fail(err.message);
    conns.delete(conn);
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    conn.socket.destroy();
    // Replace the connection so the load goes on.
    void open().then((c) => next(c), (e: Error) => fail(e.message));
  };
  const open = async () => {
    const c = new Connection(config.host, config.port, onReply, onError);
    conns.add(c);
    await c.ready;
    return c;
  };
  let next: (conn: Connection) => void;
  let windowStart = Infinity;

  const result = (seconds: number, extraFields: Partial<LoadResult>): LoadResult => ({
    mode: config.mode,
    requests: replies,
    errors,
    ...(firstError ? { firstError } : {}),
    seconds,
    requestsPerSecond: replies / seconds,
    latencyMs: percentiles(latencies),
    connectionsUsed: conns.size,
    bytesPerReply: replies ? Math.round(bytes / replies) : 0,
    clientCpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    ...extraFields,
  });

  if (config.mode === 'closed') {
    next = (conn) => {
      if (done) return;
      conn.send(request(), { start: performance.now() });
    };
    const all = await Promise.all(Array.from({ length: config.connections }, open));
    for (const c of all) next(c);
    await sleep(config.warmupMs);
    windowStart = performance.now();
    windowEnd = windowStart + config.durationMs;
    measuring = true;
    await sleep(config.durationMs);
    measuring = false;
    const seconds = (performance.now() - windowStart) / 1000;
    done = true;
    for (const c of conns) c.socket.destroy();
    return result(seconds, {});
  }

  // Open loop.
  const rate = config.rate ?? 1000;
  const lags: number[] = [];
  next = (conn) => {
    const p = queue.shift();
    if (p) conn.send(request(), p);
    else idle.push(conn);
  };
  const dispatch = (p: Pending) => {
    const c = idle.pop();
    if (c) c.send(request(), p);
    else {
      queue.push(p);
      // All connections busy: open another, as a population of phones would — up to a bound, so that a server that
      // cannot keep up is not left with minutes of abandoned work when the run ends.
      if (conns.size < MAX_OPEN_CONNECTIONS) void open().then((c2) => next(c2), (e: Error) => fail(e.message));
    }
  };
  idle.push(...(await Promise.all(Array.from({ length: config.connections }, open))));
  const t0 = performance.now();
  const total = (config.warmupMs + config.durationMs) / 1000;
  windowStart = t0 + config.warmupMs;
  windowEnd = t0 + total * 1000;
  measuring = true;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(Math.floor(((now - t0) / 1000) * rate), Math.floor(total * rate));
      while (sent < due) {
        const scheduled = t0 + (sent * 1000) / rate;
        if (scheduled >= windowStart) lags.push(now - scheduled);
        dispatch({ start: scheduled });
        sent++;
      }
      if (sent >= Math.floor(total * rate)) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Let the replies to requests scheduled in the window come in (up to 5 s).
  const drainUntil = performance.now() + 5_000;
  while ((queue.length > 0 || [...conns].some((c) => c.pending)) && performance.now() < drainUntil) await sleep(5);
  const now = performance.now();
  let unfinished = 0;
  for (const p of [...queue, ...[...conns].map((c) => c.pending).filter((p): p is Pending => p !== null)]) {
    if (p.start < windowStart) continue;
    unfinished++;
    latencies.push(now - p.start);
  }
  measuring = false;
  done = true;
  for (const c of conns) c.socket.destroy();
  // The achieved rate: replies that came in during the window (a server that keeps up answers `rate` a second).
  const seconds = (windowEnd - windowStart) / 1000;
  lags.sort((a, b) => a - b);
  return { ...result(seconds, { targetRate: rate, sendLagP99Ms: lags[Math.floor(0.99 * lags.length)] ?? 0, unfinished }), requestsPerSecond: inWindow / seconds };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  generate(JSON.parse(process.argv[2]!) as LoadConfig).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
