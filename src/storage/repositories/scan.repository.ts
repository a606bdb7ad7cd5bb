import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../open-database.ts';
import { writeWhenFree } from '../committed-reads.ts';
import { preparedObjects } from './raw-select.ts';

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
 * as two prepared statements in one transaction on the raw handle; on PostgreSQL as one round trip (a CTE).
 */
export class ScanRepository {
  private sqliteRecord?: (scan: ScanInput) => ScanTally;

  constructor(private readonly store: Store) {}

  /** Appends the scan and returns the code's tally including it. */
  async recordScan(scan: ScanInput): Promise<ScanTally> {
    if (this.store.sqlite) {
      const record = (this.sqliteRecord ??= prepareSqliteRecord(this.store.sqlite));
      // Not inside another request's open transaction: its rollback would take the scan with it.
      return writeWhenFree(this.store as Store & { sqlite: BetterSqlite3.Database }, () => record(scan));
    }
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

  /** A raw read, as the scan page's others are: during another request's capture it reads the committed view, not waiting for Kysely's turn. */
  async findTally(unit: string): Promise<ScanTally | undefined> {
    const [row] = await preparedObjects<TallyRow>(this.store, `SELECT scans, first_at, last_at, regions FROM scan_tally WHERE unit = ${this.store.sqlite ? '?' : '$1'}`, [unit]);
    return row && toTally(row);
  }

  /** The most recent scans of a code, newest first. */
  async listScans(unit: string, limit: number): Promise<Array<{ at: string; region: string | null; clientClass: string }>> {
    const rows = await this.store.db.selectFrom('scan').select(['at', 'region', 'client_class']).where('unit', '=', unit).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ at: r.at, region: r.region, clientClass: r.client_class }));
  }
}

function prepareSqliteRecord(db: BetterSqlite3.Database): (scan: ScanInput) => ScanTally {
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
  return db.transaction((scan: ScanInput) => {
    insert.run(scan.unit, scan.at, scan.region, scan.clientClass);
    return toTally(upsert.get({ unit: scan.unit, at: scan.at, region: scan.region }) as TallyRow);
  });
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
