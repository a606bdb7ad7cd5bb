import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, SelectQueryNode, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, type Kysely, type QueryCompiler, type QueryResult,
} from 'kysely';

/**
 * The turn on SQLite's one write connection. Whoever holds it may open a transaction there and keep it open across
 * awaits (a capture, a Kysely transaction); the others wait for theirs. Reads never need it (SharedReadSqliteDriver).
 */
export class WriteTurn {
  private held?: Promise<void>;

  /** Waits for the turn; the returned function gives it back (once). */
  async acquire(): Promise<() => void> {
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.held = undefined;
      release();
    };
  }

  /** Runs `work` in a turn of its own. */
  async run<T>(work: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** What the driver runs statements on: the write connection and, opened on first use, a read-only one. */
export interface SqliteConnections {
  /** The one connection that writes; statements prepared through a cache (open-database.ts). */
  write: Pick<BetterSqlite3.Database, 'prepare' | 'inTransaction'>;
  /** A read-only connection that sees only what is committed, for reads while another's transaction is open. */
  committed: () => Pick<BetterSqlite3.Database, 'prepare'>;
  turn: WriteTurn;
  close(): void;
}

/**
 * Kysely's own SQLite driver queues every query, reads included, behind whichever transaction holds the connection: a
 * firm's 64 MB capture (tens of seconds) held every authenticated request for as long, though none of them wrote
 * anything but its audit row. This driver takes the write turn only for what may write — a statement that is not a
 * plain SELECT, or a transaction, from its BEGIN to its end. A SELECT of a connection that holds no turn runs at once:
 * on the write connection when no transaction is open there (it then reads exactly what is committed), otherwise on the
 * read-only connection, which sees the committed state and not the open transaction's rows. A transaction's own reads
 * run on the write connection and see its writes.
 */
export class SharedReadSqliteDialect implements Dialect {
  constructor(private readonly connections: SqliteConnections) {}

  createDriver(): Driver {
    return new SharedReadSqliteDriver(this.connections);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }

  /**
   * SQLite's DDL is transactional, but Kysely's SQLite adapter says it is not, so its migrator would run each migration
   * statement by statement: a process killed while a migration ran left it half applied and unrecorded, and the next
   * start failed on what was already there. Said truthfully, the migrator wraps the migrations in a transaction.
   */
  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class SharedReadSqliteDriver implements Driver {
  constructor(private readonly connections: SqliteConnections) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TurnTakingConnection(this.connections);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as TurnTakingConnection).takeTurn();
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as TurnTakingConnection).giveBackTurn();
  }

  async destroy(): Promise<void> {
    this.connections.close();
  }
}

/** One acquisition of the store by Kysely: a query, a transaction, or a `connection()` block. */
class TurnTakingConnection implements DatabaseConnection {
  private release?: () => void;

  constructor(private readonly connections: SqliteConnections) {}

  async takeTurn(): Promise<void> {
    this.release ??= await this.connections.turn.acquire();
  }

  giveBackTurn(): void {
    this.release?.();
    this.release = undefined;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.release && SelectQueryNode.is(compiled.query)) {
      const { write } = this.connections;
      return { rows: (write.inTransaction ? this.connections.committed() : write).prepare(compiled.sql).all(compiled.parameters) as R[] };
    }
    await this.takeTurn();
    const stmt = this.connections.write.prepare(compiled.sql);
    if (stmt.reader) return { rows: stmt.all(compiled.parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(compiled.parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // Nothing here streams from SQLite, and the statement cache relies on that (open-database.ts).
    throw new Error('streaming queries are not supported on the SQLite store');
  }
}
