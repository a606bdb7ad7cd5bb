import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.ts';
import { SqliteReader } from './sqlite-reader.ts';
import { SharedReadSqliteDialect, WriteTurn } from './sqlite-driver.ts';
import { initialMigration } from './migrations/0001-initial.ts';
import { lineageAndLedgerMigration } from './migrations/0002-lineage-and-ledger.ts';
import { recallMigration } from './migrations/0003-recall.ts';
import { publicParticipationMigration } from './migrations/0004-public-participation.ts';
import { quantityAnomalyMigration } from './migrations/0005-quantity-anomaly.ts';
import { eventPlacesMigration } from './migrations/0006-event-places.ts';
import { coveringLineageIndexesMigration } from './migrations/0007-covering-lineage-indexes.ts';
import { eventViewerMigration } from './migrations/0008-event-viewer.ts';
import { eventScopeTimeMigration } from './migrations/0009-event-scope-time.ts';
import { byteOrderNodesMigration } from './migrations/0010-byte-order-nodes.ts';
import { lineageEdgeEventMigration } from './migrations/0011-lineage-edge-event.ts';
import { partialUnitIndexMigration } from './migrations/0012-partial-unit-index.ts';

export type StoreDialect = 'sqlite' | 'postgres';

/** An open store: the Kysely handle plus the raw driver handle that storage's hot paths use directly. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Present on SQLite: the single connection, for prepared statements on hot paths. */
  readonly sqlite?: BetterSqlite3.Database;
  /** Present on SQLite: a read-only connection in a worker thread, for large reads beside the main connection's work. */
  readonly sqliteReader?: SqliteReader;
  /**
   * Present on SQLite: a read-only connection on this thread (opened on first use) that sees only what is committed,
   * for raw reads made while a transaction is open on the main connection (see committed-reads.ts).
   */
  readonly committedView?: () => BetterSqlite3.Database;
  /**
   * Present on SQLite: the turn on the write connection (sqlite-driver.ts). Kysely takes it for writes and transactions;
   * raw code that opens a transaction there, or writes through Kysely's back, takes it first.
   */
  readonly writeTurn?: WriteTurn;
  /** Present on PostgreSQL: the pool Kysely also uses. */
  readonly pool?: pg.Pool;
  /** Human description without secrets, e.g. "SQLite ./data/suyuan.db". */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  /**
   * Told when an idle PostgreSQL connection dies (server restart, an administrator ending sessions). The pool drops
   * it and opens another on the next query; without a listener the error would end the process. Default: one line
   * on stderr.
   */
  onConnectionLost?: (err: Error) => void;
  /** The migrations to bring the store up to: the platform's own ({@link storeMigrations}) unless a test says otherwise. */
  migrations?: Record<string, Migration>;
}

/** How long close() waits for PostgreSQL connections to finish closing before it gives up waiting. */
const POOL_CLOSE_WAIT_MS = 5_000;

// PostgreSQL int8 comes back as text by default; our bigints are epoch milliseconds, well inside 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens SQLite under dataDir (WAL) or PostgreSQL at databaseUrl, and brings the schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Store> {
  const onConnectionLost = options.onConnectionLost ?? ((err) => process.stderr.write(`suyuan: a PostgreSQL connection was lost (${err.message}); a new one opens on the next query\n`));
  const store = options.databaseUrl ? openPostgres(options.databaseUrl, onConnectionLost) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(store, options.migrations ?? storeMigrations(store.dialect));
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function openSqlite(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'suyuan.db');
  const sqlite = new BetterSqlite3(file);
  // 8 KB pages roughly double capture throughput over the 4 KB default (fewer splits of the hash and identifier
  // indexes, fewer WAL frames per commit; see bench/README.md). Takes effect only on a new file, before WAL is on.
  sqlite.pragma('page_size = 8192');
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a killed process (only an OS crash or power loss can drop the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  // Identifiers are case-sensitive URIs; SQLite's LIKE is not unless told.
  sqlite.pragma('case_sensitive_like = ON');
  // Checkpoint the WAL every ~64 MB rather than every 4 MB: capture rewrites the same index pages many times over,
  // and each page is then copied back once instead of once per commit. journal_size_limit keeps the file bounded.
  sqlite.pragma('wal_autocheckpoint = 16384');
  sqlite.pragma('journal_size_limit = 134217728');
  const sqliteReader = new SqliteReader(file);
  let committed: BetterSqlite3.Database | undefined;
  const committedView = () => {
    if (!committed) {
      committed = new BetterSqlite3(file, { readonly: true });
      committed.pragma('busy_timeout = 5000');
      // It reads the pages the main connection reads, from the same OS page cache: a smaller cache of its own will do.
      committed.pragma('cache_size = -16384');
      committed.pragma('case_sensitive_like = ON');
    }
    return committed;
  };
  const writeTurn = new WriteTurn();
  const cachedWrite = withStatementCache(sqlite);
  let cachedCommitted: ReturnType<typeof withStatementCache> | undefined;
  const db = new Kysely<Database>({
    dialect: new SharedReadSqliteDialect({
      write: { prepare: (source: string) => cachedWrite.prepare(source), get inTransaction() { return sqlite.inTransaction; } },
      committed: () => (cachedCommitted ??= withStatementCache(committedView())),
      turn: writeTurn,
      close: () => sqlite.close(),
    }),
  });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    sqliteReader,
    committedView,
    writeTurn,
    description: `SQLite ${file}`,
    async close() {
      await sqliteReader.close();
      committed?.close();
      await db.destroy();
    },
  };
}

/** Distinct SQL texts whose prepared statements are kept; IN lists of varying length make the long tail. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares a new better-sqlite3 statement for every query, and preparing costs more than running a point lookup.
 * Handing it a database whose `prepare` reuses statements by SQL text (least recently used dropped) halves the cost of
 * the public pages' many small reads. Safe because nothing here iterates a statement lazily (no `.stream()`), so a
 * statement is never busy when it is handed out again.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): Pick<BetterSqlite3.Database, 'prepare'> {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(source: string) {
      let stmt = cache.get(source);
      if (stmt) {
        cache.delete(source);
      } else {
        stmt = sqlite.prepare(source);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(source, stmt);
      return stmt;
    },
  } as Pick<BetterSqlite3.Database, 'prepare'>;
}

function openPostgres(databaseUrl: string, onConnectionLost: (err: Error) => void): Store {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  pool.on('error', onConnectionLost);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(databaseUrl);
  return {
    db,
    dialect: 'postgres',
    pool,
    description: `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`,
    async close() {
      const closed = allConnectionsClosed(pool);
      await db.destroy();
      await closed;
    },
  };
}

/**
 * pg's pool.end() resolves once its connections are asked to close, not once they have: a database dropped right
 * after would still see them. This waits for each one's 'remove' (sent when its close completes), bounded in time.
 */
function allConnectionsClosed(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  if (open === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, POOL_CLOSE_WAIT_MS);
    timer.unref();
    pool.on('remove', () => {
      if (--open > 0) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The platform's schema, migration by migration, in the order their names sort. */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-lineage-and-ledger': lineageAndLedgerMigration(dialect),
    '0003-recall': recallMigration(),
    '0004-public-participation': publicParticipationMigration(dialect),
    '0005-quantity-anomaly': quantityAnomalyMigration(),
    '0006-event-places': eventPlacesMigration(),
    '0007-covering-lineage-indexes': coveringLineageIndexesMigration(dialect),
    '0008-event-viewer': eventViewerMigration(dialect),
    '0009-event-scope-time': eventScopeTimeMigration(),
    '0010-byte-order-nodes': byteOrderNodesMigration(dialect),
    '0011-lineage-edge-event': lineageEdgeEventMigration(),
    '0012-partial-unit-index': partialUnitIndexMigration(dialect),
  };
}

/**
 * Runs the pending migrations in one transaction on either store, recorded in `kysely_migration` in that same
 * transaction: a process killed part-way leaves the schema as it was, and the next start runs them again.
 */
async function migrateToLatest(store: Store, migrations: Record<string, Migration>): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error, results } = await new Migrator({ db: store.db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error)?.message ?? 'unknown error'}`);
  }
}
