/**
 * The baseline server: a bare Fastify app with one route returning a constant JSON object, in its own process, started
 * the way bin/suyuan.js starts the real server (same Node heap flags, tsx loader). Its route has the resolver's shape
 * (`/:primaryKey/*`), so the same request paths go through the same kind of routing.
 *
 * Run by {@link startBareServer}; as a script it listens on a free loopback port and prints "listening <port>".
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherFlags } from '../../test/support/server-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = fileURLToPath(import.meta.url);
/** The node flags bin/suyuan.js runs the server with. */
const LAUNCHER_FLAGS = launcherFlags();

export interface BareServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the bare app on a free loopback port, pinned with taskset to `cpus` (e.g. "0") when given. */
export async function startBareServer(cpus?: string): Promise<BareServer> {
  const node = [process.execPath, ...LAUNCHER_FLAGS, '--import', 'tsx', SELF];
  const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(cmd!, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server did not start within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited with ${code}:\n${output}`));
    });
  });
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/:primaryKey/*', async () => ({ status: 'ok', service: 'bare' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  serve().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
