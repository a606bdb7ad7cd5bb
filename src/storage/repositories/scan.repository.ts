import type { Store } from '../open-database.ts';
import { preparedObjects } from './raw-select.ts';
import { WaitingWrites } from '../waiting-writes.ts';

/** What is known of a code's scans. */
export interface ScanTally {
  scans: number;
  firstAt: string;
  lastAt: string;
  regions: string[];
}

export interface ScanInput {
  unit: string;
  at: string;
  region: string | null;
  clientClass: string;
}

/** Distinct districts kept per code: enough to tell "far apart" without letting one code's row grow without end. */
const MAX_REGIONS = 32;

/**
 * The public scan log and its per-code tally. Recording a scan is on the scan page's hot path, so on SQLite it runs
 * as two prepared statements in one transaction on the raw handle ({@link SqliteScanLog}); on PostgreSQL as one round
 * trip (a CTE).
 */
export class ScanRepository {
  private sqliteLog?: SqliteScanLog;

  /** @param gatherMs how long a scan on SQLite waits to share its commit with others (Config.scanGatherMs). */
  constructor(
    private readonly store: Store,
    private readonly gatherMs = 0,
  ) {}

  /** Appends the scan and returns the code's tally including it. */
  async recordScan(scan: ScanInput): Promise<ScanTally> {
    if (this.store.sqlite) return this.sqliteScanLog().record(scan);
    const result = await this.store.pool!.query(
      `WITH logged AS (INSERT INTO scan (unit, at, region, client_class) VALUES ($1, $2, $3, $4))
       INSERT INTO scan_tally AS t (unit, scans, first_at, last_at, regions)
       VALUES ($1, 1, $2, $2, CASE WHEN $3::text IS NULL THEN '[]' ELSE json_build_array($3::text)::text END)
       ON CONFLICT (unit) DO UPDATE SET scans = t.scans + 1, last_at = excluded.last_at,
         regions = CASE WHEN $3::text IS NULL OR t.regions::jsonb ? $3::text OR jsonb_array_length(t.regions::jsonb) >= ${MAX_REGIONS}
                        THEN t.regions ELSE (t.regions::jsonb || to_jsonb($3::text))::text END
       RETURNING scans, first_at, last_at, regions`,
      [scan.unit, scan.at, scan.region, scan.clientClass],
    );
    return toTally(result.rows[0]);
  }

  private sqliteScanLog(): SqliteScanLog {
    return (this.sqliteLog ??= new SqliteScanLog(this.store, this.gatherMs));
  }

  async findTally(unit: string): Promise<ScanTally | undefined> {
    return this.store.sqlite ? this.sqliteScanLog().tally(unit) : committedTally(this.store, unit);
  }

  /** Writes the scans still waiting for SQLite's write connection (see SqliteScanLog); before the store closes. */
  async flush(): Promise<void> {
    await this.sqliteLog?.flush();
  }

  /** Writes the scans that processes killed during a capture left waiting (SQLite); when the platform opens. */
  recoverAbandoned(isAlive: (pid: number) => boolean): number {
    return this.store.sqlite ? this.sqliteScanLog().recoverAbandoned(isAlive) : 0;
  }

  /** The most recent scans of a code, newest first. */
  async listScans(unit: string, limit: number): Promise<Array<{ at: string; region: string | null; clientClass: string }>> {
    await this.sqliteLog?.flush();
    const rows = await this.store.db.selectFrom('scan').select(['at', 'region', 'client_class']).where('unit', '=', unit).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ at: r.at, region: r.region, clientClass: r.client_class }));
  }
}

/**
 * Scans on SQLite: gathered for `gatherMs` and written together (WaitingWrites: in memory and in a journal), or later
 * while a capture's transaction is open; the tally answered is the committed one (committed-reads.ts) with the waiting
 * scans of that code added. A commit of one scan cost ~0.15 ms of a scan page's ~1 ms (bench/README.md, resolve); under
 * load, many pages share one.
 */
class SqliteScanLog {
  private readonly writes: WaitingWrites<ScanInput, Map<string, ScanTally>>;

  constructor(
    private readonly store: Store,
    gatherMs: number,
  ) {
    const db = store.sqlite!;
    const insert = db.prepare('INSERT INTO scan (unit, at, region, client_class) VALUES (?, ?, ?, ?)');
    const upsert = db.prepare(
      `INSERT INTO scan_tally (unit, scans, first_at, last_at, regions)
       VALUES (@unit, 1, @at, @at, CASE WHEN @region IS NULL THEN '[]' ELSE json_array(@region) END)
       ON CONFLICT (unit) DO UPDATE SET scans = scans + 1, last_at = excluded.last_at,
         regions = CASE WHEN @region IS NULL OR json_array_length(regions) >= ${MAX_REGIONS}
                          OR EXISTS (SELECT 1 FROM json_each(scan_tally.regions) WHERE value = @region)
                        THEN regions ELSE json_insert(regions, '$[#]', @region) END
       RETURNING scans, first_at, last_at, regions`,
    );
    this.writes = new WaitingWrites(store, 'scans', db.transaction((scans: readonly ScanInput[]) => {
      const tallies = new Map<string, ScanTally>();
      for (const scan of scans) {
        insert.run(scan.unit, scan.at, scan.region, scan.clientClass);
        tallies.set(scan.unit, toTally(upsert.get({ unit: scan.unit, at: scan.at, region: scan.region }) as TallyRow));
      }
      return tallies;
    }), gatherMs);
  }

  async record(scan: ScanInput): Promise<ScanTally> {
    const written = this.writes.add(scan);
    return written ? written.get(scan.unit)! : (await this.tally(scan.unit))!;
  }

  /** The committed tally with the scans of the unit still waiting added. */
  async tally(unit: string): Promise<ScanTally | undefined> {
    // Both taken in the same turn (SQLite reads synchronously), so no flush falls between them.
    const waitingOfUnit = this.writes.pending.filter((w) => w.unit === unit);
    const committed = await committedTally(this.store, unit);
    return waitingOfUnit.reduce(withScan, committed);
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }

  recoverAbandoned(isAlive: (pid: number) => boolean): number {
    return this.writes.recoverAbandoned(isAlive);
  }
}

/**
 * A code's tally as committed: a raw read, as the scan page's others are, so during another request's capture it reads
 * the committed view at once instead of waiting for Kysely's turn.
 */
async function committedTally(store: Store, unit: string): Promise<ScanTally | undefined> {
  const [row] = await preparedObjects<TallyRow>(store, `SELECT scans, first_at, last_at, regions FROM scan_tally WHERE unit = ${store.sqlite ? '?' : '$1'}`, [unit]);
  return row && toTally(row);
}

/** A tally with one more scan counted, as the upsert above counts it. */
function withScan(tally: ScanTally | undefined, scan: ScanInput): ScanTally {
  if (!tally) return { scans: 1, firstAt: scan.at, lastAt: scan.at, regions: scan.region ? [scan.region] : [] };
  const addRegion = scan.region !== null && !tally.regions.includes(scan.region) && tally.regions.length < MAX_REGIONS;
  return { scans: tally.scans + 1, firstAt: tally.firstAt, lastAt: scan.at, regions: addRegion ? [...tally.regions, scan.region!] : tally.regions };
}

interface TallyRow {
  scans: number | string;
  first_at: string;
  last_at: string;
  regions: string;
}

function toTally(row: TallyRow): ScanTally {
  return { scans: Number(row.scans), firstAt: row.first_at, lastAt: row.last_at, regions: JSON.parse(row.regions) as string[] };
}
