import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launcherFlags } from '../../test/support/server-process.ts';
import { createTestStore, type TestStoreTarget } from '../../test/support/stores.ts';
import { uscc } from '../../src/core/demo/huizhou-chains.ts';
import type { StoreDialect } from '../../src/storage/open-database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** A Suyuan server running as a child process over a fresh store, so its memory is its own. */
export interface BenchServer {
  url: string;
  pid: number;
  dialect: StoreDialect;
  target: TestStoreTarget;
  /** Current and peak resident set size of the server process, in bytes (Linux /proc). */
  memory(): { rss: number; peak: number };
  /** Registers a party through the admin API and returns an API key with the capture scope. */
  partyKey(): Promise<string>;
  /** Registers a city-wide regulator of `department` through the admin API and returns an API key with the query scope. */
  regulatorKey(department: string): Promise<string>;
  /** Stops the server (SIGTERM, as an operator would) and drops the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for the child (e.g. SUYUAN_CAPTURE_EVENT_LIMIT). */
  env?: Record<string, string>;
  /** Extra node flags for the child (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Serve this store instead of a fresh empty one (stop() still calls its cleanup). */
  target?: TestStoreTarget;
  /** Pin the server to these CPUs (taskset -c, e.g. "0"). */
  cpus?: string;
}

/** Starts `suyuan serve` on a free localhost port over a fresh data folder / fresh PostgreSQL database. */
export async function startBenchServer(dialect: StoreDialect, options: StartOptions = {}): Promise<BenchServer> {
  const target = options.target ?? (await createTestStore(dialect));
  const port = await freePort();
  // The server runs as users run it: bin/suyuan.js with its own node flags (its shebang line). Extra flags (e.g.
  // --cpu-prof, which Node 20 refuses in NODE_OPTIONS) go on node's command line beside the launcher's own.
  const args = ['serve', '--data', target.dataDir, '--port', String(port)];
  const launcher = path.join(ROOT, 'bin/suyuan.js');
  const command = options.nodeFlags?.length ? [process.execPath, ...launcherFlags(launcher), ...options.nodeFlags, launcher, ...args] : [launcher, ...args];
  if (options.cpus) command.unshift('taskset', '-c', options.cpus);
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: {
      ...process.env,
      SUYUAN_ADMIN_KEY: ADMIN_KEY,
      DATABASE_URL: target.databaseUrl ?? '',
      SUYUAN_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForListening(child, url, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    await target.cleanup();
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    dialect,
    target,
    memory: () => readMemory(child.pid!),
    partyKey: () =>
      keyOfNewParty(url, { uscc: uscc(`91441300${String(port).padStart(8, '0')}X`), name: '基准测试企业', kind: 'producer', region: '441302' }, ['capture', 'query']),
    regulatorKey: (department: string) =>
      keyOfNewParty(url, { uscc: uscc(`11441300${String(port).padStart(8, '0')}Y`), name: '基准测试监管部门', kind: 'regulator', region: '441300', department, regions: ['441300'] }, ['query']),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await target.cleanup();
    },
  };
}


async function waitForListening(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${url}/epcis/capture`, { method: 'OPTIONS' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      if (status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start within 60 s:\n${output()}`);
}

function readMemory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Registers a party through the admin API and returns a new API key of it with `scopes`. */
async function keyOfNewParty(url: string, party: Record<string, unknown>, scopes: string[]): Promise<string> {
  const { id } = await jsonRequest(url, 'POST', '/api/v1/admin/parties', party);
  const key = await jsonRequest(url, 'POST', `/api/v1/admin/parties/${id}/keys`, { scopes });
  return key.key as string;
}

async function jsonRequest(url: string, method: string, pathname: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}
