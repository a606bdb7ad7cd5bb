/**
 * Enforces ARCHITECTURE.md's dependency rule: domain ← sectors ← core → storage; api, cli and web call core only.
 * Prints each import that crosses a layer the wrong way and exits 1 if there is any.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

/** Which layers each layer may import (its own always allowed). */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  sectors: ['domain'],
  storage: ['domain'],
  config: [],
  contracts: ['domain'],
  core: ['domain', 'sectors', 'storage', 'config'],
  api: ['core', 'contracts', 'config', 'domain'],
  cli: ['core', 'contracts', 'config', 'domain', 'api'],
  web: ['contracts'],
};

/** A sector may not import another sector. */
function sectorOf(file: string): string | undefined {
  const rel = path.relative(path.join(SRC, 'sectors'), file);
  return rel.startsWith('..') ? undefined : rel.split(path.sep)[0];
}

/** Every import that breaks the rule, as "file: import". */
export function findLayerViolations(): string[] {
  const violations: string[] = [];
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') || e.name.endsWith('.tsx') ? [path.join(dir, e.name)] : []));
  for (const file of walk(SRC)) {
    if (file.endsWith('.test.ts')) continue;
    const layer = path.relative(SRC, file).split(path.sep)[0];
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const targetLayer = path.relative(SRC, target).split(path.sep)[0];
      const rel = path.relative(ROOT, file);
      if (targetLayer === layer) {
        const a = sectorOf(file);
        const b = sectorOf(target);
        if (layer === 'sectors' && a && b && a !== b) violations.push(`${rel}: sector ${a} imports sector ${b} (${m[1]})`);
        continue;
      }
      if (!(ALLOWED[layer] ?? []).includes(targetLayer)) violations.push(`${rel}: ${layer} may not import ${targetLayer} (${m[1]})`);
    }
  }
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const v = findLayerViolations();
  for (const line of v) console.error(line);
  console.log(v.length ? `${v.length} layer violation(s)` : 'layers: no violations');
  process.exit(v.length ? 1 : 0);
}
