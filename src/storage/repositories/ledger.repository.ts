import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { leafHash, MerkleFrontier, type SubtreeNode } from '../../domain/ledger/merkle.ts';
import type { Store } from '../open-database.ts';
import { inSet, preparedObjects, preparedRows, setParameter } from './raw-select.ts';

/** An event to append to the ledger: its row id and its CBV 2.0 hash ID (the leaf). */
export interface LedgerEntry {
  eventId: string;
  hashId: string;
}

/** The ledger's current size and root, as stored. */
export interface LedgerState {
  treeSize: number;
  root: Uint8Array;
  /** The perfect subtrees the root is folded from. */
  frontier: MerkleFrontier;
}

/**
 * Appends leaves inside a capture's SQLite transaction: reads the frontier, adds each leaf and every completed
 * subtree above level 0 (level 0 is recomputed from ledger_leaf), writes the new frontier.
 */
export function appendLedgerSqlite(sqlite: BetterSqlite3.Database, entries: readonly LedgerEntry[]): void {
  if (entries.length === 0) return;
  const state = sqlite.prepare('SELECT frontier FROM ledger_state WHERE id = 1').get() as { frontier: string };
  const frontier = MerkleFrontier.fromJSON(JSON.parse(state.frontier));
  const leaf = sqlite.prepare('INSERT INTO ledger_leaf (idx, event_id, hash_id) VALUES (?, ?, ?)');
  const node = sqlite.prepare('INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)');
  for (const e of entries) {
    leaf.run(frontier.size, e.eventId, e.hashId);
    frontier.append(leafHash(e.hashId), (n) => {
      if (n.level > 0) node.run(n.level, n.index, Buffer.from(n.hash));
    });
  }
  sqlite.prepare('UPDATE ledger_state SET tree_size = ?, frontier = ? WHERE id = 1').run(frontier.size, JSON.stringify(frontier.toJSON()));
}

/** The same inside a PostgreSQL transaction; the row lock on ledger_state orders concurrent captures. */
export async function appendLedgerPostgres(client: pg.PoolClient, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const res = await client.query<{ frontier: string }>('SELECT frontier FROM ledger_state WHERE id = 1 FOR UPDATE');
  const frontier = MerkleFrontier.fromJSON(JSON.parse(res.rows[0].frontier));
  const leaves: [number[], string[], string[]] = [[], [], []];
  const nodes: [number[], number[], Buffer[]] = [[], [], []];
  for (const e of entries) {
    leaves[0].push(frontier.size);
    leaves[1].push(e.eventId);
    leaves[2].push(e.hashId);
    frontier.append(leafHash(e.hashId), (n) => {
      if (n.level > 0) {
        nodes[0].push(n.level);
        nodes[1].push(n.index);
        nodes[2].push(Buffer.from(n.hash));
      }
    });
  }
  await client.query('INSERT INTO ledger_leaf (idx, event_id, hash_id) SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])', leaves);
  if (nodes[0].length) await client.query('INSERT INTO ledger_node (level, idx, hash) SELECT * FROM unnest($1::int4[], $2::int8[], $3::bytea[])', nodes);
  await client.query('UPDATE ledger_state SET tree_size = $1, frontier = $2 WHERE id = 1', [frontier.size, JSON.stringify(frontier.toJSON())]);
}

/** Reads of the ledger: its state, leaves, and the subtree hashes proofs are made of. */
export class LedgerRepository {
  constructor(private readonly store: Store) {}

  /** Read on every scan-page view: one prepared statement; the frontier is parsed and folded again only when it changed. */
  async state(): Promise<LedgerState> {
    const [[text]] = (await preparedRows(this.store, 'SELECT frontier FROM ledger_state WHERE id = 1', [])) as Array<[string]>;
    if (this.lastState?.text !== text) {
      const frontier = MerkleFrontier.fromJSON(JSON.parse(text!));
      this.lastState = { text: text!, state: { treeSize: frontier.size, root: frontier.root(), frontier } };
    }
    return this.lastState.state;
  }

  private lastState?: { text: string; state: LedgerState };

  /** The leaf of an event (by row id), if it is in the ledger. */
  async findLeafByEventRowId(eventRowId: string): Promise<{ idx: number; hashId: string } | undefined> {
    const row = await this.store.db.selectFrom('ledger_leaf').select(['idx', 'hash_id']).where('event_id', '=', eventRowId).executeTakeFirst();
    return row ? { idx: Number(row.idx), hashId: row.hash_id } : undefined;
  }

  /** For each event row that is in the ledger: its leaf and the stored body, to check one against the other. */
  async listLeavesWithBodies(eventRowIds: readonly string[]): Promise<Array<{ eventRowId: string; idx: number; hashId: string; body: string }>> {
    if (eventRowIds.length === 0) return [];
    // The set as one parameter: one statement, prepared once, for every view of the scan page.
    const rows = (await preparedRows(
      this.store,
      `SELECT l.event_id, l.idx, l.hash_id, e.body FROM ledger_leaf l JOIN event e ON e.id = l.event_id WHERE ${inSet(this.store, 'l.event_id')}`,
      [setParameter(this.store, eventRowIds)],
    )) as Array<[string, number | string, string, string]>;
    return rows.map(([eventRowId, idx, hashId, body]) => ({ eventRowId, idx: Number(idx), hashId, body }));
  }

  /**
   * Hashes of the given perfect subtrees, in order: level 0 from the leaves, higher levels as stored. Two statements
   * whose text does not depend on how many nodes are asked for (a JSON or array parameter), so they are prepared once.
   */
  async subtreeHashes(nodes: readonly SubtreeNode[]): Promise<Uint8Array[]> {
    const leafIdx = [...new Set(nodes.filter((n) => n.level === 0).map((n) => n.index))];
    const innerKeys = new Map<string, SubtreeNode>();
    for (const n of nodes) if (n.level > 0) innerKeys.set(`${n.level}:${n.index}`, n);
    const inner = [...innerKeys.values()];
    const leaves = new Map<number, Uint8Array>();
    const stored = new Map<string, Uint8Array>();
    if (this.store.sqlite) {
      // Through preparedObjects: the committed view while a capture is open, whose leaves are not the ledger's yet.
      if (leafIdx.length) {
        const rows = await preparedObjects<{ idx: number; hash_id: string }>(this.store, 'SELECT idx, hash_id FROM ledger_leaf WHERE idx IN (SELECT value FROM json_each(?))', [JSON.stringify(leafIdx)]);
        for (const r of rows) leaves.set(Number(r.idx), leafHash(r.hash_id));
      }
      if (inner.length) {
        const rows = await preparedObjects<{ level: number; idx: number; hash: Uint8Array }>(
          this.store,
          'SELECT n.level, n.idx, n.hash FROM json_each(?) AS k JOIN ledger_node AS n ON n.level = k.value ->> 0 AND n.idx = k.value ->> 1',
          [JSON.stringify(inner.map((n) => [n.level, n.index]))],
        );
        for (const r of rows) {
          stored.set(`${r.level}:${r.idx}`, new Uint8Array(r.hash));
        }
      }
    } else {
      const pool = this.store.pool!;
      if (leafIdx.length) {
        const res = await pool.query<{ idx: number; hash_id: string }>('SELECT idx, hash_id FROM ledger_leaf WHERE idx = ANY($1::bigint[])', [leafIdx]);
        for (const r of res.rows) leaves.set(Number(r.idx), leafHash(r.hash_id));
      }
      if (inner.length) {
        const res = await pool.query<{ level: number; idx: number; hash: Buffer }>(
          'SELECT n.level, n.idx, n.hash FROM unnest($1::int[], $2::bigint[]) AS k(level, idx) JOIN ledger_node AS n ON n.level = k.level AND n.idx = k.idx',
          [inner.map((n) => n.level), inner.map((n) => n.index)],
        );
        for (const r of res.rows) stored.set(`${r.level}:${Number(r.idx)}`, new Uint8Array(r.hash));
      }
    }
    return nodes.map((n) => {
      const h = n.level === 0 ? leaves.get(n.index) : stored.get(`${n.level}:${n.index}`);
      if (!h) throw new Error(`ledger node ${n.level}:${n.index} is missing`);
      return h;
    });
  }
}
