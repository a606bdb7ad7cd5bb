import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where benchmarks write their JSON figures (git-ignored). */
export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

/** The machine a figure was measured on, stored with it. */
export function machine(): Record<string, unknown> {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMB: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

/** Writes one benchmark's figures as bench/results/<name>.json and returns the path. */
export function writeResults(name: string, figures: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

/** A plain-text table: the first row is the header; columns after the first are right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** PASS or MISS beside a figure and its target. */
export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/** Integer with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Progress on stderr: rewritten in place on a terminal, a line every tenth of the way otherwise. */
export function progress(label: string, total: number): { update(done: number, extra?: string): void; end(extra?: string): void } {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return {
    update(done, extra = '') {
      const text = `  ${label}: ${fmt(done)}/${fmt(total)} ${extra}`;
      if (tty) process.stderr.write(`\r${text}\x1b[K`);
      else {
        const decile = Math.floor((done / total) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${text}\n`);
        }
      }
    },
    end(extra = '') {
      const text = `  ${label}: done ${extra}`;
      process.stderr.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}
