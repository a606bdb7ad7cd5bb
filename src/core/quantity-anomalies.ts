import { invalid } from '../domain/errors.ts';
import { nextTurn } from '../domain/turns.ts';
import { movesQuantity, QUANTITY_EDGE_KINDS, replayQuantities, type Movement } from '../domain/trace/quantity-ledger.ts';
import type { QuantityAnomalyTable } from '../storage/database.ts';
import type { Insertable } from 'kysely';
import type { Actor } from './actor.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { holderNodes, toMovement } from './unit-movements.ts';
import { eventVisibilityFor } from './visibility.ts';

/**
 * Ledger leaves per scan step: one step is one transaction of findings and cursor, and on SQLite the longest the scan
 * holds the server's thread (~150 ms for 500 leaves of the demo's events) before it lets requests in.
 */
export const LEAVES_PER_STEP = 500;
/** Leaves a reader's request scans before it answers; the background scan catches up the rest. */
const LEAVES_PER_READ = 2000;

export interface AnomalyScanProgress {
  /** Ledger leaves covered so far (the cursor). */
  scannedThrough: number;
  treeSize: number;
  /** Units replayed and anomalies stored by this call. */
  units: number;
  found: number;
}

/**
 * Brings the standing anomaly list (issue 3 §3) up to date: for the events committed since the last scan — in ledger
 * order, so none is skipped — replays the quantity ledger of every unit they moved and keeps each holder that gave
 * out more than it held. Idempotent and resumable: findings and the cursor are written together, step by step.
 */
export async function scanQuantityAnomalies(deps: Deps, options: { maxLeaves?: number; stopWhen?: () => boolean } = {}): Promise<AnomalyScanProgress> {
  let { scannedThrough, treeSize } = await deps.anomalies.progress();
  const stop = Math.min(treeSize, scannedThrough + (options.maxLeaves ?? Number.POSITIVE_INFINITY));
  let units = 0;
  let found = 0;
  while (scannedThrough < stop) {
    const to = Math.min(stop, scannedThrough + LEAVES_PER_STEP);
    const moved = await deps.anomalies.listUnitsMovedInLeaves(scannedThrough, to, QUANTITY_EDGE_KINDS);
    const anomalies = await findAnomalies(deps, moved);
    await deps.anomalies.recordScanStep(anomalies, to);
    units += moved.length;
    found += anomalies.length;
    scannedThrough = to;
    if (options.stopWhen?.()) break;
    // SQLite's reads never give the event loop a turn: without this a backlog of a million leaves held the server
    // for minutes. Between steps, requests waiting are answered.
    if (scannedThrough < stop) await nextTurn();
  }
  return { scannedThrough, treeSize, units, found };
}

async function findAnomalies(deps: Deps, units: readonly string[]): Promise<Insertable<QuantityAnomalyTable>[]> {
  if (units.length === 0) return [];
  const rows = (await deps.holdings.listMovementsOfUnits(units, { withBody: false })).filter((m) => movesQuantity(m.kind));
  const owners = await deps.parties.ownersByUris(holderNodes(rows));
  const holderOf = (node: string, capturer: string) => owners.get(node)?.partyId ?? capturer;
  const byUnit = new Map<string, typeof rows>();
  for (const r of rows) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), r]);
  const detectedAt = deps.now().toISOString();
  const out: Insertable<QuantityAnomalyTable>[] = [];
  for (const [unit, movements] of byUnit) {
    const eventOf = new Map(movements.map((m) => [m.eventRowId, m]));
    const replay: Movement[] = movements.map((m) => toMovement(m, holderOf));
    for (const a of replayQuantities(replay).anomalies) {
      // Movements read without bodies carry the event row id as their eventId.
      const event = eventOf.get(a.eventId)!;
      out.push({
        unit, event_row_id: a.eventId, holder: a.holder, uom: a.uom, kind: a.kind, movement: a.movement, quantity: a.quantity,
        on_hand_before: a.onHandBefore, event_time: a.time, category: event.category, region: event.region, detected_at: detectedAt,
      });
    }
  }
  return out;
}

export interface QuantityAnomalyView {
  unit: string;
  kind: string;
  holder: { partyId: string; name: string | null };
  movement: string;
  quantity: number;
  onHandBefore: number;
  uom: string;
  eventID: string;
  time: string;
  category: string | null;
  region: string | null;
  detectedAt: string;
}

/**
 * The standing anomaly list as a reader may see it: a regulator the anomalies of its product lines in its regions, a
 * firm its own, the admin all. The scan is first brought up to date (bounded, so a reader never waits on a backlog of
 * millions; `scan.scannedThrough < scan.treeSize` then says the list is still catching up).
 * @throws invalid `bad_since` (field `since`)
 */
export async function listQuantityAnomalies(deps: Deps, actor: Actor, query: { since?: string; limit?: number } = {}): Promise<{ anomalies: QuantityAnomalyView[]; scan: AnomalyScanProgress }> {
  const v = await eventVisibilityFor(deps, actor);
  let since: number | undefined;
  if (query.since !== undefined) {
    since = Date.parse(query.since);
    if (Number.isNaN(since)) throw invalid('bad_since', 'since must be an ISO-8601 date-time', { field: 'since' });
  }
  const scan = await scanQuantityAnomalies(deps, { maxLeaves: LEAVES_PER_READ });
  const rows = await deps.anomalies.listAnomalies({
    ...(v.kind === 'regulator' ? { scope: v } : {}),
    ...(v.kind === 'party' ? { holder: v.partyId } : {}),
    ...(since !== undefined ? { since } : {}),
    limit: Math.min(query.limit ?? 200, 1000),
  });
  await recordAudit(deps, actor, 'anomalies.read', null, 'ok', { count: rows.length });
  return {
    scan,
    anomalies: rows.map((r) => ({
      unit: r.unit, kind: r.kind, holder: { partyId: r.holder, name: r.holder_name }, movement: r.movement, quantity: Number(r.quantity),
      onHandBefore: Number(r.on_hand_before), uom: r.uom, eventID: String((JSON.parse(r.body) as { eventID?: string }).eventID ?? r.event_row_id),
      time: new Date(Number(r.event_time)).toISOString(), category: r.category, region: r.region, detectedAt: r.detected_at,
    })),
  };
}

const running = new WeakMap<Deps, { again: boolean; stopping: boolean; done: Promise<void> }>();

/**
 * Runs the anomaly scan in the background after captures: one scan at a time per platform, and a capture that lands
 * while one runs makes it go round once more. Failures go to `onError`; the next capture or read retries.
 */
export function kickAnomalyScan(deps: Deps, onError: (err: unknown) => void): void {
  const state = running.get(deps);
  if (state) {
    state.again = true;
    return;
  }
  const mine = { again: false, stopping: false, done: Promise.resolve() };
  running.set(deps, mine);
  mine.done = (async () => {
    try {
      do {
        mine.again = false;
        await scanQuantityAnomalies(deps, { stopWhen: () => mine.stopping });
      } while (mine.again && !mine.stopping);
    } catch (err) {
      onError(err);
    } finally {
      running.delete(deps);
    }
  })();
}

/**
 * Lets a background scan finish the step it is in and waits for it; before the store closes, which would otherwise
 * fail the scan under it. The next start goes on from the cursor the last step wrote.
 */
export async function stopAnomalyScan(deps: Deps): Promise<void> {
  const state = running.get(deps);
  if (!state) return;
  state.stopping = true;
  await state.done;
}
