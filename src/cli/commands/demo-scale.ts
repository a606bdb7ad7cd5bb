import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Actor } from '../../core/actor.ts';
import type { Deps } from '../../core/deps.ts';
import { generateScaleDemo, type ScaleDemoResult, type ScaleProgress } from '../../core/demo/generate-scale.ts';
import { invalid } from '../../domain/errors.ts';

/** The options `suyuan demo` takes for the scaled demo (issue 3 §6); added to the existing `demo` command. */
export function addDemoScaleOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--scale <events>', 'build the scaled Huizhou demo of exactly this many events (e.g. 1000000, 10000000) instead of the small one'))
    .addOption(new Option('--seed <n>', 'seed of the scaled demo: the same seed and scale give the same events').default('1'))
    .addOption(new Option('--batch <n>', 'events per capture call for one firm').default('2000'));
}

/** Options as commander hands them over (strings). */
export interface DemoScaleCliOptions {
  scale?: string;
  seed?: string;
  batch?: string;
}

/**
 * Runs the scaled demo for `suyuan demo --scale <events> [--seed n] [--batch n]`: progress on stderr (events done /
 * total, rate, ETA), the summary on stdout, demo keys to <data>/demo-keys.json on SQLite (as the small demo does).
 * @throws invalid `bad_number` for a scale, seed or batch that is not a whole number
 */
export async function runDemoScale(deps: Deps, actor: Actor, opts: DemoScaleCliOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<ScaleDemoResult> {
  const events = wholeNumber(opts.scale, 'scale');
  const seed = wholeNumber(opts.seed ?? '1', 'seed');
  const batchSize = wholeNumber(opts.batch ?? '2000', 'batch');
  err.write(`demo: building ${events.toLocaleString('en')} events (seed ${seed}) on ${deps.store.description}\n`);
  const result = await generateScaleDemo(deps, actor, { events, seed, batchSize, onProgress: (p) => p.phase !== 'done' && err.write(`${progressLine(p)}\n`) });
  if (deps.store.dialect === 'sqlite') {
    fs.mkdirSync(deps.config.dataDir, { recursive: true });
    fs.writeFileSync(path.join(deps.config.dataDir, 'demo-keys.json'), `${JSON.stringify(result.keys, null, 2)}\n`, { mode: 0o600 });
  }
  out.write(summary(result));
  return result;
}

/** One progress line, e.g. `demo: events 1,234,000/10,000,000 (12.3%) 3,412 ev/s, ETA 43m 10s`. */
export function progressLine(p: ScaleProgress): string {
  const pct = p.total ? ((100 * p.done) / p.total).toFixed(1) : '100.0';
  const n = (x: number) => x.toLocaleString('en');
  if (p.phase !== 'events' && p.phase !== 'done') return `demo: ${p.phase} ${n(p.done)}/${n(p.total)}`;
  const eta = p.etaSeconds === null ? '…' : duration(p.etaSeconds * 1000);
  return `demo: events ${n(p.done)}/${n(p.total)} (${pct}%) ${n(p.ratePerSecond)} ev/s, elapsed ${duration(p.elapsedMs)}, ETA ${eta}`;
}

/** The human summary printed at the end: parties, products, events per line, anomalies, duration. */
export function summary(r: ScaleDemoResult): string {
  const n = (x: number) => x.toLocaleString('en');
  const lines = [
    `Scaled Huizhou demo, seed ${r.seed}${r.resumed ? ' (resumed)' : ''}`,
    `  parties     ${n(r.parties)} (${r.regulators} regulators) — by region: ${Object.entries(r.partiesByRegion).map(([k, v]) => `${k}:${v}`).join(' ')}`,
    `  products    ${n(r.products)}`,
    `  events      ${n(r.events)} (stored ${n(r.stored)}, already held ${n(r.skipped)}, duplicates ${n(r.duplicates)}) in ${n(r.captureCalls)} capture calls`,
    `  event types ${Object.entries(r.eventTypes).map(([k, v]) => `${k} ${n(v)}`).join(', ')}`,
    '  per line:',
    ...Object.entries(r.perLine).map(([line, v]) => `    ${line.padEnd(18)} ${n(v).padStart(12)}`),
    `  anomalies   ${r.anomalies.length}`,
    ...r.anomalies.map((a) => `    ${a.kind.padEnd(26)} ${a.eventTime}  ${a.partyName}: ${a.description}`),
    `  duration    ${duration(r.durationMs)} (${n(r.ratePerSecond)} events/s while capturing)`,
    `  keys        ${r.keys.length} demo keys (regulators and one firm per role)${' — in demo-keys.json under the data folder on SQLite'}`,
  ];
  return `${lines.join('\n')}\n`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function wholeNumber(value: string | undefined, field: string): number {
  const v = Number(String(value ?? '').replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(v) || v < 0) throw invalid('bad_number', `--${field} must be a whole number, got "${value}"`, { field });
  return v;
}
