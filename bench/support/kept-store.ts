/**
 * Demo stores built once and kept for later benchmark runs.
 *
 * A kept store is the scaled Huizhou demo (`suyuan demo --scale`, seed 1, built through the capture use cases) plus
 * whatever its benchmark adds (`recipe.extend`: the trace bench's 100,000-unit fan-out, the resolve bench's list of
 * serialised units), vacuumed and analysed afterwards on PostgreSQL as autovacuum would. Kept under bench/results/stores/<key>/
 * (git-ignored): on SQLite the data folder itself; on PostgreSQL a database of that name. The key names the purpose,
 * the dialect, the number of demo events and a hash of the migrations, the demo generator and the recipe's own source
 * files, so a schema or generator change builds a new store. An interrupted build resumes (the demo generator resumes
 * a store of the same seed and scale; the extension runs again on top).
 *
 * `copy()` gives a run its own copy (a copied folder, or `CREATE DATABASE … TEMPLATE`) when the run writes what later
 * runs would read; `inPlace()` opens the kept store itself, for runs whose writes no later figure reads and whose store
 * is too large to copy (10M events on SQLite is ~43 GB).
 *
 * `unitStore` is the resolve bench's recipe: sized so that its packaged-food chains commission at least the units
 * asked for: every food lot is transformed into serialised items (SGTINs, `/01/{gtin}/21/{serial}`) of a registered
 * product, then packed, shipped, unpacked and sold, so each unit has a real chain behind it (~0.4 serialised units per
 * demo event). The units' resolver paths are listed in `units.txt`, one a line.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.ts';
import type { AdminActor } from '../../src/core/actor.ts';
import { generateScaleDemo } from '../../src/core/demo/generate-scale.ts';
import type { Deps } from '../../src/core/deps.ts';
import { openPlatform } from '../../src/core/open-platform.ts';
import type { StoreDialect } from '../../src/storage/open-database.ts';
import { postgresAdminUrl, type TestStoreTarget } from '../../test/support/stores.ts';
import { fmt, progress, RESULTS_DIR } from './report.ts';

const ROOT = path.resolve(RESULTS_DIR, '..', '..');
const STORES_DIR = path.join(RESULTS_DIR, 'stores');
const ADMIN: AdminActor = { kind: 'admin', keyId: 'bench' };
const SEED = 1;
/** Demo events per serialised unit (measured: 7,922 units in 20,000 events; 2.6 leaves a margin). */
const EVENTS_PER_UNIT = 2.6;
/** What a serialised GS1 unit looks like in lineage_edge. */
const SGTIN_LIKE = 'https://id.gs1.org/01/%/21/%';
const RESOLVER_ROOT = 'https://id.gs1.org';

/** What a benchmark keeps: the demo's size and what it adds on top. */
export interface KeptStoreRecipe {
  /** First part of the key, e.g. "trace". */
  purpose: string;
  events: number;
  /** Source files (from the project root) whose content decides what `extend` adds. */
  sources: string[];
  /** Adds to the built demo; may write files into `dir`; what it returns is kept in meta.json. */
  extend?(deps: Deps, dir: string): Promise<Record<string, unknown>>;
}

export interface KeptStore {
  dialect: StoreDialect;
  key: string;
  /** The folder of the kept store (its data folder on SQLite, files its recipe wrote). */
  dir: string;
  /** Demo events the generator wrote. */
  events: number;
  /** What the recipe's `extend` returned. */
  extra: Record<string, unknown>;
  /** Seconds the build took in this run, or null when the store came from the cache. */
  builtSeconds: number | null;
  /** On-disk size of the kept store, bytes. */
  bytes: number;
  /** A fresh copy of the store for one run; its cleanup removes the copy. */
  copy(): Promise<TestStoreTarget>;
  /** The kept store itself; its cleanup leaves it in place. */
  inPlace(): TestStoreTarget;
}

interface Meta {
  events: number;
  extra: Record<string, unknown>;
  builtSeconds: number;
  builtAt: string;
}

/** Finds the kept store of the recipe on `dialect`, or builds it (with progress on stderr). */
export async function keptStore(dialect: StoreDialect, recipe: KeptStoreRecipe): Promise<KeptStore> {
  const key = `${recipe.purpose}-${dialect}-${recipe.events}ev-s${SEED}-${sourceHash(recipe.sources)}`;
  const dir = path.join(STORES_DIR, key);
  const dbName = `sybench_${key.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`.slice(0, 63);
  let builtSeconds: number | null = null;
  if (!fs.existsSync(path.join(dir, 'meta.json'))) {
    builtSeconds = await build(dialect, dir, dbName, recipe);
  } else {
    process.stderr.write(`  store: kept copy ${path.relative(ROOT, dir)}\n`);
  }
  const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const dataDir = path.join(dir, 'data');
  return {
    dialect,
    key,
    dir,
    events: meta.events,
    extra: meta.extra,
    builtSeconds,
    bytes: dialect === 'sqlite' ? folderBytes(dataDir) : await databaseBytes(dbName),
    copy: () => (dialect === 'sqlite' ? copyFolder(dataDir) : copyDatabase(dbName)),
    inPlace: () => ({ dialect, dataDir, ...(dialect === 'postgres' ? { databaseUrl: databaseUrlOf(dbName) } : {}), cleanup: async () => {} }),
  };
}

/** A kept store holding at least `units` serialised units the resolver knows (the resolve bench's). */
export async function unitStore(dialect: StoreDialect, units: number): Promise<KeptStore & { units: number; pathsFile: string }> {
  const store = await keptStore(dialect, {
    purpose: 'resolve',
    events: Math.ceil(units * EVENTS_PER_UNIT),
    sources: [],
    async extend(deps, dir) {
      process.stderr.write('  store: listing the serialised units\n');
      const rows = await deps.store.db.selectFrom('lineage_edge').select('unit').distinct().where('unit', 'like', SGTIN_LIKE).where(sql<boolean>`unit <> ''`).orderBy('unit').execute();
      fs.writeFileSync(path.join(dir, 'units.txt'), `${rows.map((r) => r.unit.slice(RESOLVER_ROOT.length)).join('\n')}\n`);
      return { units: rows.length };
    },
  });
  return { ...store, units: Number(store.extra.units), pathsFile: path.join(store.dir, 'units.txt') };
}

async function build(dialect: StoreDialect, dir: string, dbName: string, recipe: KeptStoreRecipe): Promise<number> {
  const partial = `${dir}.partial`;
  fs.mkdirSync(partial, { recursive: true });
  const partialDb = `${dbName.slice(0, 55)}_partial`;
  let databaseUrl: string | undefined;
  if (dialect === 'postgres') {
    await adminQuery(async (c) => {
      const held = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [partialDb]);
      if (held.rowCount === 0) await c.query(`CREATE DATABASE ${partialDb}`);
    });
    databaseUrl = databaseUrlOf(partialDb);
  }
  const t0 = performance.now();
  process.stderr.write(`  store: building ${fmt(recipe.events)} demo events (${dialect}; kept in ${path.relative(ROOT, dir)})\n`);
  const deps = await openPlatform(loadConfig({}, { dataDir: path.join(partial, 'data'), databaseUrl, captureEventLimit: 100_000 }));
  let extra: Record<string, unknown> = {};
  let events: number;
  try {
    const bar = progress(`demo events (${dialect})`, recipe.events);
    const result = await generateScaleDemo(deps, ADMIN, {
      events: recipe.events,
      seed: SEED,
      onProgress: (p) => p.phase === 'events' && bar.update(p.done, `${fmt(p.ratePerSecond)} ev/s, ETA ${p.etaSeconds === null ? '…' : `${Math.ceil(p.etaSeconds / 60)} min`}`),
    });
    bar.end(`${fmt(result.events)} events in ${fmt(result.durationMs / 1000)} s${result.resumed ? ' (resumed)' : ''}`);
    events = result.events;
    if (recipe.extend) extra = await recipe.extend(deps, partial);
    // A freshly bulk-loaded PostgreSQL has neither planner statistics nor a visibility map (index-only scans) until
    // autovacuum gets to it (it vacuums insert-only tables too, since PostgreSQL 13); a store in service has both.
    if (dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(deps.store.db);
  } finally {
    await deps.close();
  }
  const builtSeconds = (performance.now() - t0) / 1000;
  const meta: Meta = { events, extra, builtSeconds, builtAt: new Date().toISOString() };
  fs.writeFileSync(path.join(partial, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  if (dialect === 'postgres') {
    await adminQuery(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.query(`ALTER DATABASE ${partialDb} RENAME TO ${dbName}`);
    });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  process.stderr.write(`  store: built in ${fmt(builtSeconds)} s\n`);
  return builtSeconds;
}

/** A hash of what decides the store's content: the migrations, the demo generator and the recipe's sources. */
function sourceHash(recipeSources: string[]): string {
  const files = [
    ...fs.readdirSync(path.join(ROOT, 'src/storage/migrations')).filter((f) => f.endsWith('.ts')).map((f) => `src/storage/migrations/${f}`),
    'src/core/demo/generate-scale.ts', 'src/core/demo/scale-chains.ts', 'src/core/demo/scale-world.ts',
    ...recipeSources,
  ].sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest('hex').slice(0, 8);
}

async function copyFolder(from: string): Promise<TestStoreTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'suyuan-bench-'));
  const t0 = performance.now();
  fs.cpSync(from, dataDir, { recursive: true });
  process.stderr.write(`  store: copied ${fmt(folderBytes(dataDir) / 2 ** 20)} MB in ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
  return { dialect: 'sqlite', dataDir, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

async function copyDatabase(template: string): Promise<TestStoreTarget> {
  const name = `suyuan_test_${randomBytes(6).toString('hex')}`;
  const t0 = performance.now();
  await adminQuery((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  process.stderr.write(`  store: copied database ${template} in ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'suyuan-bench-'));
  return {
    dialect: 'postgres',
    dataDir,
    databaseUrl: databaseUrlOf(name),
    async cleanup() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await adminQuery((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

function databaseUrlOf(name: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresAdminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function databaseBytes(name: string): Promise<number> {
  return adminQuery(async (c) => Number((await c.query('SELECT pg_database_size($1) AS n', [name])).rows[0].n));
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    n += f.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return n;
}
