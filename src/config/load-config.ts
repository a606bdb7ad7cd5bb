import { isIP } from 'node:net';
import path from 'node:path';

/** Everything the platform reads from its environment, frozen once at start. */
export interface Config {
  readonly dataDir: string;
  /** postgres://… when the production store is wanted; undefined means embedded SQLite under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Admin bearer token from SUYUAN_ADMIN_KEY; when unset on an empty store one is made and printed once. */
  readonly adminKey: string | undefined;
  /** Most events one capture document may hold (GS1-EPCIS-Capture-Limit). */
  readonly captureEventLimit: number;
  /** Largest capture document in bytes (GS1-EPCIS-Capture-File-Size-Limit). */
  readonly captureFileSizeLimit: number;
  /** Public base URL the server prints and uses in Location headers. */
  readonly publicBaseUrl: string | undefined;
  readonly logLevel: string;
  /**
   * The reverse proxies whose X-Forwarded-For entries are trusted (SUYUAN_TRUST_PROXY): false by default, so a client
   * cannot forge its address. `1`/`true`/`yes` trust a proxy on this host (loopback), as docs/operator-guide.md sets
   * it up; otherwise a comma-separated list of addresses, subnets or `loopback`/`linklocal`/`uniquelocal`. The client
   * is the address the trusted proxies saw, so whatever a client wrote in the header itself is never taken.
   */
  readonly trustProxy: string | false;
  /**
   * How long a scan on SQLite waits, journalled, to share its commit with others (SUYUAN_SCAN_GATHER_MS; 0 = each scan
   * its own commit). The scan is counted on the page at once either way.
   */
  readonly scanGatherMs: number;
  /** Worker threads that check and hash capture events while the main thread writes (SUYUAN_CAPTURE_WORKERS; 0 = in-process). */
  readonly captureWorkers: number;
  /** Resolver that codes of company prefixes not registered here are forwarded to (SUYUAN_UPSTREAM_RESOLVER, e.g. the provincial one); none = 404. */
  readonly upstreamResolver: string | undefined;
}

/** Reads the environment once; the only place that touches process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = overrides.port ?? intFrom(env.PORT ?? env.SUYUAN_PORT, 8080, 'PORT');
  const config: Config = {
    dataDir: path.resolve(overrides.dataDir ?? env.SUYUAN_DATA ?? './data'),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    port,
    adminKey: overrides.adminKey ?? (env.SUYUAN_ADMIN_KEY || undefined),
    captureEventLimit: overrides.captureEventLimit ?? intFrom(env.SUYUAN_CAPTURE_EVENT_LIMIT, 10_000, 'SUYUAN_CAPTURE_EVENT_LIMIT'),
    captureFileSizeLimit:
      overrides.captureFileSizeLimit ?? intFrom(env.SUYUAN_CAPTURE_FILE_SIZE_LIMIT, 64 * 1024 * 1024, 'SUYUAN_CAPTURE_FILE_SIZE_LIMIT'),
    publicBaseUrl: overrides.publicBaseUrl ?? (env.SUYUAN_PUBLIC_URL || undefined),
    upstreamResolver: overrides.upstreamResolver ?? (env.SUYUAN_UPSTREAM_RESOLVER ? upstreamFrom(env.SUYUAN_UPSTREAM_RESOLVER) : undefined),
    logLevel: overrides.logLevel ?? env.SUYUAN_LOG_LEVEL ?? 'warn',
    captureWorkers: overrides.captureWorkers ?? intFrom(env.SUYUAN_CAPTURE_WORKERS, defaultPrepareWorkers(), 'SUYUAN_CAPTURE_WORKERS'),
    trustProxy: overrides.trustProxy ?? trustedProxiesFrom(env.SUYUAN_TRUST_PROXY),
    // A scan held longer than a minute is a counter that lags behind what it says.
    scanGatherMs: overrides.scanGatherMs ?? intFrom(env.SUYUAN_SCAN_GATHER_MS, 10, 'SUYUAN_SCAN_GATHER_MS', 60_000),
  };
  return Object.freeze(config);
}

/**
 * In-process by default: on a 2-core machine a worker adds ~20 % capture throughput but ~35 MB resident memory,
 * and the memory budget (300 MB on a 64 MB document) is the tighter one; set SUYUAN_CAPTURE_WORKERS on bigger hosts.
 */
function defaultPrepareWorkers(): number {
  return 0;
}

function intFrom(raw: string | undefined, fallback: number, name: string, max = Infinity): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, found "${raw}"`);
  if (n > max) throw new Error(`${name} must be at most ${max}, found ${n}`);
  return n;
}

/** The platform's own public origin, used in Digital Link URIs it prints on labels and in linksets. */
export function publicOrigin(config: Config): string {
  return (config.publicBaseUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
}

function upstreamFrom(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`SUYUAN_UPSTREAM_RESOLVER must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`SUYUAN_UPSTREAM_RESOLVER must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** SUYUAN_TRUST_PROXY, as Fastify's `trustProxy` takes it (see Config.trustProxy). */
function trustedProxiesFrom(value: string | undefined): string | false {
  const v = (value ?? '').trim();
  if (['', '0', 'false', 'no'].includes(v.toLowerCase())) return false;
  if (['1', 'true', 'yes'].includes(v.toLowerCase())) return 'loopback';
  for (const entry of v.split(',').map((e) => e.trim())) {
    const [address = '', prefix] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (isIP(address) === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)))) {
      throw new Error(`SUYUAN_TRUST_PROXY: "${entry}" is not an address, a subnet (address/prefix) or loopback, linklocal, uniquelocal`);
    }
  }
  return v;
}
