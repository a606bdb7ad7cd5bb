import { sql, type Insertable, type Selectable, type SelectQueryBuilder } from 'kysely';
import { inRegulatorScope, likePrefix } from './regulator-scope.ts';
import type { Store } from '../open-database.ts';
import type { AuditLogTable, CaptureJobTable, Database, EventTable } from '../database.ts';
import type { LineageEdge } from '../../domain/trace/lineage-edge.ts';
import { appendLedgerPostgres, appendLedgerSqlite, type LedgerEntry } from './ledger.repository.ts';
import { oneOf } from './one-of.ts';
import { preparedRows } from './raw-select.ts';
import { readConnection } from '../committed-reads.ts';
import { auditParams, SQLITE_AUDIT_INSERT } from './audit.repository.ts';

export type EventRow = Selectable<EventTable>;
export type CaptureJobRow = Selectable<CaptureJobTable>;

/** An identifier an event names, in canonical form. */
export interface EventRef {
  role: string;
  type: string;
  value: string;
}

export interface EventToStore {
  row: EventTable;
  /** Identifiers to index; readPoint and bizLocation are columns of the row and not repeated here. */
  refs: EventRef[];
  /** Lineage edges the event adds to the graph. */
  lineage: readonly LineageEdge[];
}

/** One open capture transaction: all of it is committed by finish(), or none of it. */
export interface CaptureWriter {
  /** Stores the events not already stored (same hash or eventID); returns the row ids of those it stored. */
  addBatch(events: EventToStore[]): Promise<Set<string>>;
  /**
   * Records an error declaration on a stored event (the same event re-sent with errorDeclaration): only the party
   * that captured it may. Returns 'declared', 'already' (it had one), or 'not_owner'.
   */
  declareError(match: { eventHash: string; eventId: string }, partyId: string, errorDeclaration: unknown, declaredAt: number): Promise<'declared' | 'already' | 'not_owner'>;
  /** Writes the job (its counts filled in) and the audit entry, and commits. */
  finish(job: Insertable<CaptureJobTable>, audit: Insertable<AuditLogTable>): Promise<void>;
  /** Rolls everything back. */
  abort(): Promise<void>;
}

/** Who may see an event: everyone (admin), a firm (its own and those naming it), or a regulator's lines and regions. */
export type EventVisibility =
  | { kind: 'all' }
  | { kind: 'party'; partyId: string; identities: readonly string[] }
  | { kind: 'regulator'; categories: readonly string[]; regionPrefixes: readonly string[] };

/** A condition on the identifiers an event names: any role of `roles`, any of `values` (or prefixes). */
export interface RefCondition {
  roles: readonly string[];
  type?: string;
  values: readonly string[];
  prefixes?: readonly string[];
}

export interface EventFilter {
  eventTypes?: readonly string[];
  eventTimeGE?: number;
  eventTimeLT?: number;
  recordTimeGE?: number;
  recordTimeLT?: number;
  actions?: readonly string[];
  bizSteps?: readonly string[];
  dispositions?: readonly string[];
  readPoints?: readonly string[];
  bizLocations?: readonly string[];
  eventIds?: readonly string[];
  /** true: only events with an error declaration; false: only those without. */
  errorDeclared?: boolean;
  errorDeclarationTimeGE?: number;
  errorDeclarationTimeLT?: number;
  refs?: readonly RefCondition[];
  visibility: EventVisibility;
  orderBy: 'event_time' | 'record_time';
  direction: 'asc' | 'desc';
  /** Keyset cursor: rows strictly after (orderKey, id) in the requested direction. */
  after?: { key: number; id: string };
  limit: number;
}

const EVENT_COLUMNS = [
  'id', 'event_hash', 'event_id', 'event_type', 'action', 'biz_step', 'disposition', 'read_point', 'biz_location',
  'event_time', 'event_time_zone_offset', 'record_time', 'captured_by', 'capture_id', 'category', 'region', 'error_declared_at', 'body',
] as const satisfies readonly (keyof EventTable)[];

const PG_EVENT_TYPES = [
  'text', 'bytea', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
  'int8', 'text', 'int8', 'text', 'text', 'text', 'text', 'int8', 'text',
];

const PG_BATCH = 1000;

/** An index range of (event time, event id) in order: a statement ({@link EventRepository.timeRangeText}) and its keys. */
interface TimeRange {
  text: string;
  keys: readonly string[];
}

/** Stores captured events (hot path, raw prepared statements) and answers event queries. */
export class EventRepository {
  private sqliteInsert?: ReturnType<typeof prepareSqlite>;

  constructor(private readonly store: Store) {}

  /** Opens one transaction for a capture: batches of events go in as they are checked; finish() commits with the job and audit rows, abort() leaves nothing behind. */
  async openCaptureWriter(): Promise<CaptureWriter> {
    return this.store.sqlite ? this.openSqliteWriter() : this.openPostgresWriter();
  }

  private async openSqliteWriter(): Promise<CaptureWriter> {
    const sqlite = this.store.sqlite!;
    this.sqliteInsert ??= prepareSqlite(sqlite);
    const stmts = this.sqliteInsert;
    // Hold the write turn until the capture ends, so no other write interleaves with its transaction.
    const release = await this.store.writeTurn!.acquire();
    try {
      sqlite.exec('BEGIN IMMEDIATE');
    } catch (err) {
      release();
      throw err;
    }
    let stored = 0;
    let total = 0;
    const ledger: LedgerEntry[] = [];
    const end = async (sqlText: string) => {
      try {
        if (sqlite.inTransaction) sqlite.exec(sqlText);
      } finally {
        release();
      }
    };
    return {
      async addBatch(events) {
        const storedIds = new Set<string>();
        for (const e of events) {
          const r = e.row;
          const info = stmts.event.run(
            r.id, r.event_hash, r.event_id, r.event_type, r.action, r.biz_step, r.disposition, r.read_point, r.biz_location,
            r.event_time, r.event_time_zone_offset, r.record_time, r.captured_by, r.capture_id, r.category, r.region, r.error_declared_at, r.body,
          );
          if (info.changes === 0) continue;
          storedIds.add(r.id);
          ledger.push({ eventId: r.id, hashId: hashIdOf(r.event_hash) });
          for (const ref of e.refs) stmts.ref.run(r.id, ref.role, ref.type, ref.value);
          for (const viewer of viewersOf(e)) stmts.viewer.run(viewer, r.event_time, r.id);
          for (const l of e.lineage) stmts.lineage.run(l.from, l.kind, l.to, l.unit, r.id, r.event_time, r.captured_by, l.quantity, l.uom);
        }
        stored += storedIds.size;
        total += events.length;
        return storedIds;
      },
      async declareError(match, partyId, errorDeclaration, declaredAt) {
        const row = stmts.findForDeclaration.get(hashBytes(match.eventHash), match.eventId) as { id: string; body: string; captured_by: string; error_declared_at: number | null } | undefined;
        const outcome = declarationOutcome(row, partyId);
        if (outcome === 'declared') stmts.declare.run(withDeclaration(row!.body, errorDeclaration), declaredAt, row!.id);
        return outcome;
      },
      async finish(job, audit) {
        try {
          appendLedgerSqlite(sqlite, ledger);
          stmts.job.run(...jobParams(job, stored, total));
          stmts.audit.run(...auditParams(audit));
        } catch (err) {
          await end('ROLLBACK');
          throw err;
        }
        await end('COMMIT');
      },
      async abort() {
        await end('ROLLBACK');
      },
    };
  }

  private async openPostgresWriter(): Promise<CaptureWriter> {
    const client = await this.store.pool!.connect();
    await client.query('BEGIN');
    let stored = 0;
    let total = 0;
    let done = false;
    const ledger: LedgerEntry[] = [];
    const end = async (sqlText: string) => {
      if (done) return;
      done = true;
      try {
        await client.query(sqlText);
      } finally {
        client.release();
      }
    };
    return {
      async addBatch(events) {
        const storedIds = new Set<string>();
        for (let start = 0; start < events.length; start += PG_BATCH) {
          const batch = events.slice(start, start + PG_BATCH);
          const columns = EVENT_COLUMNS.map((c) => batch.map((e) => e.row[c]));
          const unnest = PG_EVENT_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
          const res = await client.query<{ id: string }>(
            `INSERT INTO event (${EVENT_COLUMNS.join(', ')}) SELECT * FROM unnest(${unnest})
             ON CONFLICT DO NOTHING RETURNING id`,
            columns,
          );
          const insertedIds = new Set(res.rows.map((r) => r.id));
          for (const r of res.rows) storedIds.add(r.id);
          const refCols: [string[], string[], string[], string[]] = [[], [], [], []];
          const viewerCols: [string[], number[], string[]] = [[], [], []];
          const edgeCols: [string[], string[], string[], string[], string[], number[], string[], Array<number | null>, Array<string | null>] = [[], [], [], [], [], [], [], [], []];
          for (const e of batch) {
            if (!insertedIds.has(e.row.id)) continue;
            ledger.push({ eventId: e.row.id, hashId: hashIdOf(e.row.event_hash) });
            for (const ref of e.refs) {
              refCols[0].push(e.row.id);
              refCols[1].push(ref.role);
              refCols[2].push(ref.type);
              refCols[3].push(ref.value);
            }
            for (const viewer of viewersOf(e)) {
              viewerCols[0].push(viewer);
              viewerCols[1].push(e.row.event_time);
              viewerCols[2].push(e.row.id);
            }
            for (const l of e.lineage) {
              const values = [l.from, l.kind, l.to, l.unit, e.row.id, e.row.event_time, e.row.captured_by, l.quantity, l.uom] as const;
              values.forEach((v, i) => (edgeCols[i] as unknown[]).push(v));
            }
          }
          if (edgeCols[0].length) {
            await client.query(
              `INSERT INTO lineage_edge (from_node, kind, to_node, unit, event_id, event_time, party_id, quantity, uom)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::float8[], $9::text[])
               ON CONFLICT DO NOTHING`,
              edgeCols,
            );
          }
          if (refCols[0].length) {
            await client.query(
              'INSERT INTO event_ref (event_id, role, type, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING',
              refCols,
            );
          }
          if (viewerCols[0].length) {
            await client.query(
              'INSERT INTO event_viewer (viewer, event_time, event_id) SELECT * FROM unnest($1::text[], $2::int8[], $3::text[]) ON CONFLICT DO NOTHING',
              viewerCols,
            );
          }
        }
        stored += storedIds.size;
        total += events.length;
        return storedIds;
      },
      async declareError(match, partyId, errorDeclaration, declaredAt) {
        const res = await client.query<{ id: string; body: string; captured_by: string; error_declared_at: number | null }>(
          'SELECT id, body, captured_by, error_declared_at FROM event WHERE event_hash = $1 OR event_id = $2 LIMIT 1 FOR UPDATE',
          [hashBytes(match.eventHash), match.eventId],
        );
        const row = res.rows[0];
        const outcome = declarationOutcome(row, partyId);
        if (outcome === 'declared') {
          await client.query('UPDATE event SET body = $1, error_declared_at = $2 WHERE id = $3', [withDeclaration(row.body, errorDeclaration), declaredAt, row.id]);
        }
        return outcome;
      },
      async finish(job, audit) {
        try {
          await appendLedgerPostgres(client, ledger);
          await client.query(
            `INSERT INTO capture_job (id, party_id, running, success, error_behaviour, event_count, stored_count, duplicate_count, errors, created_at, finished_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
            jobParams(job, stored, total),
          );
          await client.query(
            'INSERT INTO audit_log (at, actor_id, actor_kind, action, target, outcome, ip, details) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
            auditParams(audit),
          );
        } catch (err) {
          await end('ROLLBACK');
          throw err;
        }
        await end('COMMIT');
      },
      async abort() {
        await end('ROLLBACK');
      },
    };
  }

  /** Records a capture job that failed validation (nothing of its events is stored). */
  async insertFailedJob(job: Insertable<CaptureJobTable>, audit: Insertable<AuditLogTable>): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('capture_job').values(job).execute();
      await trx.insertInto('audit_log').values(audit).execute();
    });
  }

  async findCaptureJob(id: string): Promise<CaptureJobRow | undefined> {
    return this.store.db.selectFrom('capture_job').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listCaptureJobs(partyId: string | undefined, limit: number, before?: string): Promise<CaptureJobRow[]> {
    let q = this.store.db.selectFrom('capture_job').selectAll().orderBy('id', 'desc').limit(limit);
    if (partyId) q = q.where('party_id', '=', partyId);
    if (before) q = q.where('id', '<', before);
    return q.execute();
  }

  /**
   * The product line of the packing events that made each container (the events naming it as parentID).
   * Raw on SQLite: it runs inside a capture that holds the single connection.
   */
  async listContainerCategories(containers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < containers.length; i += 500) {
      const chunk = containers.slice(i, i + 500);
      let rows: Array<{ value: string; category: string }>;
      if (this.store.sqlite) {
        rows = readConnection(this.store)
          .prepare(`SELECT r.value, e.category FROM event_ref r JOIN event e ON e.id = r.event_id
                    WHERE r.role = 'parent' AND r.value IN (${chunk.map(() => '?').join(', ')}) AND e.category IS NOT NULL`)
          .all(...chunk) as Array<{ value: string; category: string }>;
      } else {
        rows = (await this.store.db
          .selectFrom('event_ref as r')
          .innerJoin('event as e', 'e.id', 'r.event_id')
          .select(['r.value', 'e.category'])
          .where('r.role', '=', 'parent')
          .where('r.value', 'in', chunk)
          .where('e.category', 'is not', null)
          .execute()) as Array<{ value: string; category: string }>;
      }
      for (const r of rows) if (!out.has(r.value)) out.set(r.value, r.category);
    }
    return out;
  }

  /** Events matching the filter, in the requested order, at most `limit`. */
  async queryEvents(filter: EventFilter): Promise<EventRow[]> {
    const v = filter.visibility;
    // Identifier conditions and eventIDs go the general way: they are selective by themselves.
    if (filter.orderBy === 'event_time' && !picksFewEvents(filter)) {
      if (v.kind === 'party') return this.pageByTimeRanges(filter, this.viewerRanges(filter, v));
      if (v.kind === 'regulator') return this.pageByTimeRanges(filter, await this.scopeRanges(filter, v));
    }
    return this.filtered(filter, true).orderBy(filter.orderBy, filter.direction).orderBy('id', filter.direction).limit(filter.limit).execute();
  }

  /** A firm's events by time: one range of `event_viewer` for each of its viewer keys (party id, party URI, sites). */
  private viewerRanges(filter: EventFilter, v: Extract<EventVisibility, { kind: 'party' }>): TimeRange[] {
    const text = this.timeRangeText('event_viewer', 'event_id', ['viewer'], filter.direction);
    return viewerKeys(v).map((viewer) => ({ text, keys: [viewer] }));
  }

  /**
   * A regulator's events by time: one range of index `event_scope_time` for each of its product lines and each region
   * code under its region prefixes that the line's events name (found by probing the index, a seek per region).
   */
  private async scopeRanges(filter: EventFilter, v: Extract<EventVisibility, { kind: 'regulator' }>): Promise<TimeRange[]> {
    const pairs = v.categories.flatMap((category) => v.regionPrefixes.map((prefix) => [category, prefix]));
    if (pairs.length === 0) return [];
    // For each (line, prefix): the first region code at or after the prefix, then each next one while it still starts
    // with the prefix — one index seek each, all in one statement (on PostgreSQL, one round trip).
    const sqlite = Boolean(this.store.sqlite);
    const startsWith = (column: string, prefix: string) => (sqlite ? `substr(${column}, 1, length(${prefix})) = ${prefix}` : `starts_with(${column}, ${prefix})`);
    const text = `WITH RECURSIVE pair(category, prefix) AS (
        ${sqlite ? `SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?)` : `SELECT * FROM unnest($1::text[], $2::text[])`}
      ), found(category, prefix, region) AS (
        SELECT category, prefix, (SELECT region FROM event e WHERE e.category = pair.category AND e.region >= pair.prefix ORDER BY e.region LIMIT 1) FROM pair
        UNION ALL
        SELECT category, prefix, (SELECT region FROM event e WHERE e.category = found.category AND e.region > found.region ORDER BY e.region LIMIT 1) FROM found
        WHERE ${startsWith('found.region', 'found.prefix')}
      ) SELECT DISTINCT category, region FROM found WHERE ${startsWith('region', 'prefix')}`;
    const params = sqlite ? [JSON.stringify(pairs)] : [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    const keys = (await preparedRows(this.store, text, params)) as Array<[string, string]>;
    const range = this.timeRangeText('event', 'id', ['category', 'region'], filter.direction);
    return keys.map((k) => ({ text: range, keys: k }));
  }

  /** One index range read in `direction` after a cursor, within time bounds: `(…keys, event_time, id)` ordered. */
  private timeRangeText(table: string, idColumn: string, keyColumns: readonly string[], direction: 'asc' | 'desc'): string {
    const p = (i: number) => (this.store.sqlite ? '?' : `$${i}`);
    const n = keyColumns.length;
    return `SELECT event_time, ${idColumn} FROM ${table} WHERE ${keyColumns.map((c, i) => `${c} = ${p(i + 1)}`).join(' AND ')}
      AND (event_time, ${idColumn}) ${direction === 'desc' ? '<' : '>'} (${this.store.sqlite ? '?, ?' : `$${n + 1}::bigint, $${n + 2}::text`})
      AND event_time >= ${p(n + 3)} AND event_time < ${p(n + 4)}
      ORDER BY event_time ${direction}, ${idColumn} ${direction} LIMIT ${p(n + 5)}`;
  }

  /**
   * Events in event-time order, a page at a time, from index ranges that each hold some of the caller's events in that
   * order: each range gives its next events after the cursor; the ones up to the earliest point any full range reached
   * are complete, so the filter is applied to them and, if the page is not full yet, the ranges are read on from
   * there, in larger steps. The first page of a caller with a long history reads a few dozen index entries a range
   * instead of the whole history.
   */
  private async pageByTimeRanges(filter: EventFilter, ranges: readonly TimeRange[]): Promise<EventRow[]> {
    const desc = filter.direction === 'desc';
    const before = (a: readonly [number, string], b: readonly [number, string]) => (desc ? a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) : a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
    let cursor: readonly [number, string] = filter.after ? [filter.after.key, filter.after.id] : desc ? [Number.MAX_SAFE_INTEGER, ''] : [-Number.MAX_SAFE_INTEGER, ''];
    const lower = filter.eventTimeGE ?? -Number.MAX_SAFE_INTEGER;
    const upper = filter.eventTimeLT ?? Number.MAX_SAFE_INTEGER;
    const out: EventRow[] = [];
    for (let step = Math.max(filter.limit, 32); ranges.length; step *= 4) {
      const read = (await Promise.all(ranges.map((r) => preparedRows(this.store, r.text, [...r.keys, cursor[0], cursor[1], lower, upper, step])))) as Array<Array<[number | string, string]>>;
      // Complete up to the earliest end of a range that stopped at `step`; a range that ended short has no more.
      let reached: readonly [number, string] | undefined;
      for (const rows of read) {
        if (rows.length < step) continue;
        const [time, id] = rows[rows.length - 1]!;
        const end = [Number(time), id] as const;
        if (!reached || before(end, reached)) reached = end;
      }
      const ids = new Set<string>();
      for (const rows of read) for (const [time, id] of rows) if (!reached || !before(reached, [Number(time), id])) ids.add(id);
      if (ids.size) {
        out.push(...(await this.filtered(filter, false).where(oneOf(this.store, 'id', [...ids])).orderBy('event_time', filter.direction).orderBy('id', filter.direction).limit(filter.limit - out.length).execute()));
      }
      if (!reached || out.length >= filter.limit) break;
      cursor = reached;
    }
    return out;
  }

  /** The filter's conditions on events (and, when asked, the caller's visibility), with its keyset cursor. */
  private filtered(filter: EventFilter, withVisibility: boolean): SelectQueryBuilder<Database, 'event', EventRow> {
    let q = this.store.db.selectFrom('event').selectAll('event') as SelectQueryBuilder<Database, 'event', EventRow>;
    if (withVisibility) q = applyVisibility(q, filter.visibility, { selective: picksFewEvents(filter) });
    if (filter.eventTypes?.length) q = q.where('event_type', 'in', [...filter.eventTypes]);
    if (filter.eventTimeGE !== undefined) q = q.where('event_time', '>=', filter.eventTimeGE);
    if (filter.eventTimeLT !== undefined) q = q.where('event_time', '<', filter.eventTimeLT);
    if (filter.recordTimeGE !== undefined) q = q.where('record_time', '>=', filter.recordTimeGE);
    if (filter.recordTimeLT !== undefined) q = q.where('record_time', '<', filter.recordTimeLT);
    if (filter.actions?.length) q = q.where('action', 'in', [...filter.actions]);
    if (filter.bizSteps?.length) q = q.where('biz_step', 'in', [...filter.bizSteps]);
    if (filter.dispositions?.length) q = q.where('disposition', 'in', [...filter.dispositions]);
    if (filter.readPoints?.length) q = q.where('read_point', 'in', [...filter.readPoints]);
    if (filter.bizLocations?.length) q = q.where('biz_location', 'in', [...filter.bizLocations]);
    if (filter.eventIds?.length) {
      // An eventID that is a CBV 2.0 hash ID is found by the hash; any eventID also by the client's own id.
      const hashes = filter.eventIds.filter(isHashId).map(hashBytes);
      q = q.where((eb) => eb.or([eb('event_id', 'in', [...filter.eventIds!]), ...(hashes.length ? [eb('event_hash', 'in', hashes)] : [])]));
    }
    if (filter.errorDeclared !== undefined) q = q.where('error_declared_at', filter.errorDeclared ? 'is not' : 'is', null);
    if (filter.errorDeclarationTimeGE !== undefined) q = q.where('error_declared_at', '>=', filter.errorDeclarationTimeGE);
    if (filter.errorDeclarationTimeLT !== undefined) q = q.where('error_declared_at', '<', filter.errorDeclarationTimeLT);
    for (const cond of filter.refs ?? []) {
      // The events naming the identifiers, gathered through the identifier index by value (its key's prefix); as a
      // condition checked on each event in time order, a rare EPC meant walking the whole table (3.7 s at 2.6M events).
      q = q.where('id', 'in', (eb) =>
        eb
          .selectFrom('event_ref as r')
          .select('r.event_id')
          .where('r.role', 'in', [...cond.roles])
          .$if(cond.type !== undefined, (sq) => sq.where('r.type', '=', cond.type!))
          .where((inner) =>
            inner.or([
              ...(cond.values.length ? [inner('r.value', 'in', [...cond.values])] : []),
              ...(cond.prefixes ?? []).map((p) => likePrefix('r.value', p)),
            ]),
          ),
      );
    }
    const key = filter.orderBy;
    const cmp = filter.direction === 'asc' ? '>' : '<';
    if (filter.after) {
      const { key: k, id } = filter.after;
      q = q.where((eb) => eb.or([eb(key, cmp, k), eb.and([eb(key, '=', k), eb('id', cmp, id)])]));
    }
    return q;
  }

  async findEventByEventId(eventId: string, visibility: EventVisibility): Promise<EventRow | undefined> {
    const rows = await this.queryEvents({ eventIds: [eventId], visibility, orderBy: 'record_time', direction: 'asc', limit: 1 });
    return rows[0];
  }

  /** How many events the store holds. */
  async countEvents(): Promise<number> {
    const row = await this.store.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Distinct business steps, dispositions or event types among the events the caller may see. */
  async listDistinct(column: 'biz_step' | 'disposition' | 'event_type', visibility: EventVisibility): Promise<string[]> {
    let q = this.store.db.selectFrom('event').select(column).distinct().where(column, 'is not', null) as unknown as SelectQueryBuilder<Database, 'event', EventRow>;
    q = applyVisibility(q, visibility);
    const rows = await q.orderBy(column).execute();
    return rows.map((r) => (r as unknown as Record<string, string>)[column]);
  }
}

function applyVisibility(
  q: SelectQueryBuilder<Database, 'event', EventRow>,
  v: EventVisibility,
  options: { selective?: boolean } = {},
): SelectQueryBuilder<Database, 'event', EventRow> {
  if (v.kind === 'all') return q;
  if (v.kind === 'party') {
    const viewers = viewerKeys(v);
    // Other conditions that pick few events (identifiers, eventIDs): each of those events is checked by an exact
    // probe of `event_viewer` per viewer key. Gathering the firm's events first cost its whole history (56 ms at 1M
    // events for the events of one of its own units, against ~1 ms for an administrator).
    if (options.selective) {
      return q.where((eb) => eb.exists(
        eb.selectFrom('event_viewer as v').select('v.event_id').where('v.viewer', 'in', viewers).whereRef('v.event_time', '=', 'event.event_time').whereRef('v.event_id', '=', 'event.id'),
      ));
    }
    // Otherwise the firm's events gathered by index — captured by it, at its places, naming it as source or
    // destination — rather than those conditions checked on every event in the table (a scan of the whole store for a
    // small firm). (The same set from `event_viewer` planned worse on PostgreSQL: 240 → 570 ms at 1M events.)
    return q.where('id', 'in', (eb) => {
      const mine = eb.selectFrom('event as own').select('own.id as id').where('own.captured_by', '=', v.partyId);
      if (v.identities.length === 0) return mine;
      const ids = [...v.identities];
      return mine
        .unionAll(eb.selectFrom('event as at_point').select('at_point.id as id').where('at_point.read_point', 'in', ids))
        .unionAll(eb.selectFrom('event as at_location').select('at_location.id as id').where('at_location.biz_location', 'in', ids))
        .unionAll(eb.selectFrom('event_ref as vr').select('vr.event_id as id').where('vr.value', 'in', ids).where('vr.role', 'in', ['source', 'destination']));
    });
  }
  return q.where(inRegulatorScope(v, { category: 'category', region: 'region' }));
}

function prepareSqlite(sqlite: NonNullable<Store['sqlite']>) {
  return {
    event: sqlite.prepare(
      `INSERT INTO event (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT DO NOTHING`,
    ),
    ref: sqlite.prepare('INSERT OR IGNORE INTO event_ref (event_id, role, type, value) VALUES (?, ?, ?, ?)'),
    viewer: sqlite.prepare('INSERT OR IGNORE INTO event_viewer (viewer, event_time, event_id) VALUES (?, ?, ?)'),
    job: sqlite.prepare(
      `INSERT INTO capture_job (id, party_id, running, success, error_behaviour, event_count, stored_count, duplicate_count, errors, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    audit: sqlite.prepare(SQLITE_AUDIT_INSERT),
    lineage: sqlite.prepare(
      'INSERT OR IGNORE INTO lineage_edge (from_node, kind, to_node, unit, event_id, event_time, party_id, quantity, uom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    findForDeclaration: sqlite.prepare('SELECT id, body, captured_by, error_declared_at FROM event WHERE event_hash = ? OR event_id = ? LIMIT 1'),
    declare: sqlite.prepare('UPDATE event SET body = ?, error_declared_at = ? WHERE id = ?'),
  };
}

/** The capture job row's values in column order, its counts filled in from what the capture stored. */
function jobParams(job: Insertable<CaptureJobTable>, stored: number, total: number): unknown[] {
  return [job.id, job.party_id, job.running, job.success, job.error_behaviour, job.event_count, stored, total - stored,
    job.errors ?? null, job.created_at, job.finished_at ?? null];
}

/** A firm's keys in `event_viewer`: its party id (its own captures), its party URI and its sites' URIs. */
function viewerKeys(v: Extract<EventVisibility, { kind: 'party' }>): string[] {
  return [...new Set([v.partyId, ...v.identities])];
}

/** Conditions that pick few events by themselves (identifiers, eventIDs): visibility is then checked event by event. */
function picksFewEvents(filter: EventFilter): boolean {
  return Boolean(filter.refs?.length || filter.eventIds?.length);
}

/**
 * What makes an event visible to a firm (issue 2 §5), as `event_viewer` keeps it: the capturing party's id, the read
 * point and business location, and each source or destination value — each once. The same rule as the query's
 * visibility condition and the trace's `eventVisibleTo`.
 */
function viewersOf(e: Pick<EventToStore, 'row' | 'refs'>): Set<string> {
  const viewers = new Set<string>([e.row.captured_by]);
  if (e.row.read_point) viewers.add(e.row.read_point);
  if (e.row.biz_location) viewers.add(e.row.biz_location);
  for (const ref of e.refs) if (ref.role === 'source' || ref.role === 'destination') viewers.add(ref.value);
  return viewers;
}

const HASH_ID = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/;

/** True for a CBV 2.0 hash ID (`ni:///sha-256;<hex>?ver=CBV2.0`). */
export function isHashId(value: string): boolean {
  return HASH_ID.test(value);
}

/** The hash ID (`ni:///sha-256;…?ver=CBV2.0`) of stored hash bytes. */
export function hashIdOf(bytes: Uint8Array): string {
  return `ni:///sha-256;${Buffer.from(bytes).toString('hex')}?ver=CBV2.0`;
}

/** The stored form of an event hash ID: its 32 digest bytes. @throws Error if it is not a CBV 2.0 hash ID */
export function hashBytes(hashId: string): Buffer {
  const m = HASH_ID.exec(hashId);
  if (!m) throw new Error(`not a CBV 2.0 event hash ID: ${hashId}`);
  return Buffer.from(m[1], 'hex');
}

function declarationOutcome(row: { captured_by: string; error_declared_at: number | null } | undefined, partyId: string): 'declared' | 'already' | 'not_owner' {
  if (!row || row.captured_by !== partyId) return 'not_owner';
  return row.error_declared_at === null ? 'declared' : 'already';
}

function withDeclaration(body: string, errorDeclaration: unknown): string {
  return JSON.stringify({ ...(JSON.parse(body) as Record<string, unknown>), errorDeclaration });
}
