import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/conformance beside the repository (CI lays a copy there). */
export const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance');

/** Every file under a conformance sub-folder whose name matches, sorted, as paths relative to CONFORMANCE. */
export function conformanceFiles(sub: string, pattern: RegExp): string[] {
  const root = path.join(CONFORMANCE, sub);
  if (!fs.existsSync(root)) throw new Error(`conformance folder missing: ${root}`);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) out.push(path.relative(CONFORMANCE, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Reads a conformance JSON file. */
export function readConformanceJson(rel: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(CONFORMANCE, rel), 'utf8'));
}
