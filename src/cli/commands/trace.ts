import { Option, type Command } from 'commander';
import type { Actor } from '../../core/actor.ts';
import type { Deps } from '../../core/deps.ts';
import { traceUnit, type TraceDirection, type TraceEdge, type TraceNode, type TraceResult } from '../../core/trace-unit.ts';

/** How the CLI opens the store for one command (main.ts's withDeps). */
export type WithDeps = <T>(opts: { data?: string; databaseUrl?: string }, fn: (deps: Deps) => Promise<T>) => Promise<T>;

/** Chinese names of the lineage edge kinds (docs/trace.md). */
export const KIND_ZH: Record<string, string> = {
  transformed_into: '加工转化', packed: '装箱', unpacked: '拆箱', associated: '关联', disassociated: '解除关联', in_lot: '批次',
  commissioned: '赋码/生产', shipped: '发货', received: '收货', transferred: '转移', sold: '零售', dispensed: '调剂/发药',
  destroyed: '销毁', decommissioned: '注销', consumed: '投料', produced: '产出', observed: '记录',
};

/** Adds `suyuan trace <code> [--direction both] [--depth n] [--json]`. */
export function registerTraceCommand(program: Command, withDeps: WithDeps, adminActor: Actor): void {
  program
    .command('trace <code>')
    .description('trace a unit back to its origins and forward to its holders (来源可查、去向可追), as a tree or JSON')
    .addOption(new Option('--direction <dir>', 'back, forward or both').choices(['back', 'forward', 'both']).default('both'))
    .option('--depth <n>', 'unit-to-unit hops (0–50)', '10')
    .option('--json', 'print the trace as JSON ({root, nodes, edges, timeline})')
    .addOption(new Option('--data <dir>', 'data folder of the embedded SQLite store (env SUYUAN_DATA, default ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env DATABASE_URL)'))
    .action((code: string, o: { direction: TraceDirection; depth: string; json?: boolean; data?: string; databaseUrl?: string }) =>
      withDeps(o, async (deps) => {
        const depth = /^\d+$/.test(o.depth) ? Number(o.depth) : Number.NaN;
        const result = await traceUnit(deps, adminActor, { code, direction: o.direction, depth });
        process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : renderTraceTree(result));
      }),
    );
}

/**
 * The trace as an indented tree: each unit with the steps about it in time order (kind, time, party, place), then
 * the units it came from (←) or went into (→), nested.
 */
export function renderTraceTree(t: TraceResult): string {
  const nodes = new Map<string, TraceNode>(t.nodes.map((n) => [n.id, n]));
  const places = new Map(t.timeline.map((s) => [s.eventId, s.place]));
  const name = (id: string) => {
    const n = nodes.get(id);
    return n?.label ? `${n.label} ${id}` : id;
  };
  const short = (id: string) => nodes.get(id)?.label ?? id;
  const when = (iso: string) => iso.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, 'Z');
  const qty = (e: TraceEdge) => (e.quantity !== undefined ? ` ${e.quantity}${e.uom ? ` ${e.uom}` : ''}` : '');
  const kind = (k: string) => `${KIND_ZH[k] ?? k} ${k}`;
  const about = new Map<string, TraceEdge[]>();
  const links = new Map<string, TraceEdge[]>();
  for (const e of t.edges) {
    if (e.unit !== undefined) about.set(e.unit, [...(about.get(e.unit) ?? []), e]);
    else {
      links.set(e.from, [...(links.get(e.from) ?? []), e]);
      if (e.to !== e.from) links.set(e.to, [...(links.get(e.to) ?? []), e]);
    }
  }
  const lines: string[] = [`追溯 Trace ${t.root.display} (${t.direction}, depth ${t.depth})${t.truncated ? ' — truncated 已截断' : ''}`];
  const shown = new Set<string>();
  const printed = new Set<TraceEdge>();
  const walk = (unit: string, indent: string) => {
    shown.add(unit);
    for (const e of about.get(unit) ?? []) {
      const place = places.get(e.eventId);
      const ends = e.from === unit ? (e.to === unit ? '' : ` → ${short(e.to)}`) : e.to === unit ? ` ← ${short(e.from)}` : ` ${short(e.from)} → ${short(e.to)}`;
      lines.push(`${indent}· ${when(e.time)} ${kind(e.kind)}${qty(e)}${ends} · 责任主体 ${e.party.name ?? e.party.id}${place ? ` · ${place.name ?? place.id}${place.region ? ` (${place.region})` : ''}` : ''}`);
    }
    for (const e of links.get(unit) ?? []) {
      if (printed.has(e)) continue;
      printed.add(e);
      const other = e.from === unit ? e.to : e.from;
      const arrow = e.from === unit ? '→' : '←';
      if (other === unit) {
        lines.push(`${indent}· ${when(e.time)} ${kind(e.kind)} · 责任主体 ${e.party.name ?? e.party.id}`);
        continue;
      }
      const seen = shown.has(other);
      lines.push(`${indent}${arrow} ${kind(e.kind)}${qty(e)} ${when(e.time)} · 责任主体 ${e.party.name ?? e.party.id}: ${name(other)}${seen ? ' (见上 see above)' : ''}`);
      if (!seen) walk(other, `${indent}    `);
    }
  };
  lines.push(name(t.root.code));
  walk(t.root.code, '    ');
  if (t.edges.length === 0) lines.push('    (no lineage visible 无可见记录)');
  return `${lines.join('\n')}\n`;
}
