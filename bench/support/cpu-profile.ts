import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table } from './report.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a process's CPU time went, from a V8 .cpuprofile (node --cpu-prof): self and inclusive shares. */
export interface ProfileSummary {
  totalMs: number;
  /** Self time by file:function (node_modules collapsed to the package). */
  selfByFunction: Array<{ name: string; ms: number; share: number }>;
  /** Self time by file or package. */
  selfByFile: Array<{ name: string; ms: number; share: number }>;
  /** Inclusive time of the project's own functions (src/…): the time spent in them and everything they called. */
  inclusiveOwn: Array<{ name: string; ms: number; share: number }>;
}

/** Reads a .cpuprofile and sums its samples, leaving out the idle time. */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const selfFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])!;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') continue;
    total += dt;
    const { fn, file: f } = label(node);
    add(self, `${f}:${fn}`, dt);
    add(selfFile, f, dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id)!);
      if (!l.file.startsWith('src/')) continue;
      const key = `${l.file}:${l.fn}`;
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, dt);
    }
  }
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, selfByFunction: rank(self), selfByFile: rank(selfFile), inclusiveOwn: rank(inclusive) };
}

/** The summary as three small tables. */
export function formatProfile(s: ProfileSummary): string {
  const rows = (title: string, list: ProfileSummary['selfByFunction']) =>
    table([[title, 'ms', 'share'], ...list.map((e) => [e.name, fmt(e.ms), `${(e.share * 100).toFixed(1)}%`])]);
  return [
    `CPU time sampled (not idle): ${fmt(s.totalMs)} ms`,
    rows('self time by file:function', s.selfByFunction),
    rows('self time by file / package', s.selfByFile),
    rows('inclusive time, src/ functions', s.inclusiveOwn),
  ].join('\n\n');
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

function label(node: ProfileNode): { fn: string; file: string } {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || `(anonymous:${lineNumber + 1})`;
  if (!url) return { fn, file: '(native)' };
  let p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 'node_modules/'.length).split('/');
    return { fn, file: `npm:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}` };
  }
  if (p.startsWith(ROOT)) p = path.relative(ROOT, p);
  return { fn, file: p };
}
