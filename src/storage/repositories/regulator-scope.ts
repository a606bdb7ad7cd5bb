import { sql, type RawBuilder } from 'kysely';

/** What a regulator oversees: its department's product lines, in the GB/T 2260 regions it covers (as code prefixes). */
export interface RegulatorScope {
  categories: readonly string[];
  regionPrefixes: readonly string[];
}

/**
 * `category IN (lines) AND (region LIKE 'prefix%' OR …)`: the one filter every regulator view applies (events,
 * complaints, anomalies). `regionMayBeNull` also lets in rows with no region (a complaint that names no district is
 * for every regulator of its line). An empty list matches nothing.
 */
export function inRegulatorScope(scope: RegulatorScope, columns: { category: string; region: string }, options: { regionMayBeNull?: boolean } = {}): RawBuilder<boolean> {
  const category = scope.categories.length ? sql<boolean>`${sql.ref(columns.category)} in (${sql.join([...scope.categories])})` : sql<boolean>`1 = 0`;
  const regions = [
    ...(options.regionMayBeNull ? [sql<boolean>`${sql.ref(columns.region)} is null`] : []),
    ...scope.regionPrefixes.map((p) => likePrefix(columns.region, p)),
  ];
  const region = regions.length ? sql<boolean>`(${sql.join(regions, sql` or `)})` : sql<boolean>`1 = 0`;
  return sql<boolean>`(${category} and ${region})`;
}

/** `column LIKE 'prefix%'` with the prefix's wildcards escaped; the ESCAPE clause makes it portable to SQLite. */
export function likePrefix(column: string, prefix: string): RawBuilder<boolean> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
