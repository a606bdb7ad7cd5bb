/**
 * Regenerates src/domain/identifiers/data/gs1-code-lists.json from the gs1-syntax-engine linter unit tests in
 * ../shared/conformance (they enumerate every candidate code, so the accepted set is the linter's full list).
 * Run: npx tsx scripts/gen-identifiers-code-lists.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vectors = JSON.parse(
  readFileSync(path.resolve(root, '../shared/conformance/gs1-identifiers/syntax-engine-vectors/linters.json'), 'utf8'),
) as { vectors: Array<{ linter: string; input: string; expected: string }> };

const lists: Record<string, string[]> = {};
for (const [name, linter] of [
  ['iso3166', 'gs1_lint_iso3166'],
  ['iso3166alpha2', 'gs1_lint_iso3166alpha2'],
  ['iso4217', 'gs1_lint_iso4217'],
  ['packagetype', 'gs1_lint_packagetype'],
  ['mediatype', 'gs1_lint_mediatype'],
] as const) {
  const ok = new Set(vectors.vectors.filter((v) => v.linter === linter && v.expected === 'GS1_LINTER_OK').map((v) => v.input));
  lists[name] = [...ok].sort();
}
writeFileSync(
  path.join(root, 'src/domain/identifiers/data/gs1-code-lists.json'),
  JSON.stringify({ source: 'gs1/gs1-syntax-engine lint_*.c, release 2026-01-27 (Apache-2.0); see NOTICE', ...lists }, null, 0) + '\n',
);
