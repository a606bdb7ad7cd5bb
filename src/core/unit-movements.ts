import type { Movement } from '../domain/trace/quantity-ledger.ts';
import type { LeanMovement, UnitMovement } from '../storage/repositories/holding.repository.ts';

/** Edge kinds whose holder is the place at the edge's start (what was made there). */
export const PLACE_IS_FROM = new Set(['commissioned', 'produced']);
/** Edge kinds whose holder is the place at the edge's end (what was used up, sold or destroyed there). */
export const PLACE_IS_TO = new Set(['consumed', 'sold', 'dispensed', 'destroyed', 'decommissioned']);

/**
 * A stored movement with its holders resolved: a party or site URI names its party; an end that is the unit itself
 * stands for the party that recorded the event. Shared by the quantity ledger and the anomaly scan; the recall reads
 * lean rows and resolves them with {@link leanHolders}, the one rule both use.
 */
export function toMovement(m: UnitMovement, holderOf: (node: string, capturer: string) => string): Movement {
  const ends: [string | null, string | null] = [null, null];
  leanHolders(toLean(m), (node, capturer) => (node === null ? capturer : holderOf(node, capturer)), ends);
  // The served eventID needs the body; callers that do not need it read movements without bodies and get the row id.
  const eventId = m.body ? (JSON.parse(m.body) as { eventID: string }).eventID : m.eventRowId;
  return { kind: m.kind, quantity: m.quantity ?? 1, uom: m.uom ?? 'H87', instance: m.quantity === null, eventId, time: m.eventTime, from: ends[0], to: ends[1] };
}

/** The party and site ends of movements — the ends that are not the unit itself — each once, to resolve to holders. */
export function holderNodes(movements: readonly UnitMovement[]): string[] {
  return leanHolderNodes(movements.map(toLean));
}

/** A movement as a lean row: ends equal to the unit become null, as the recall's lean read returns them. */
function toLean(m: UnitMovement): LeanMovement {
  return [m.unit, m.kind, m.fromNode === m.unit ? null : m.fromNode, m.toNode === m.unit ? null : m.toNode, m.eventRowId, m.eventTime, m.partyId, m.quantity, m.uom];
}

/** {@link holderNodes} of lean movement rows (whose ends equal to the unit are already null). */
export function leanHolderNodes(rows: readonly LeanMovement[]): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    if (r[1] === 'unpacked' || r[1] === 'packed') continue;
    if (r[2] !== null) out.add(r[2]);
    if (r[3] !== null) out.add(r[3]);
  }
  return [...out];
}

/**
 * The holders losing and gaining a lean movement, as {@link toMovement} resolves them (an end that is the unit itself,
 * null here, stands for the recording party), written into `out` [from, to] to allocate nothing per movement.
 */
export function leanHolders(r: LeanMovement, holderOf: (node: string | null, capturer: string) => string, out: [string | null, string | null]): void {
  const kind = r[1];
  if (PLACE_IS_FROM.has(kind)) {
    out[0] = null;
    out[1] = holderOf(r[2], r[6]);
  } else if (PLACE_IS_TO.has(kind)) {
    out[0] = holderOf(r[3], r[6]);
    out[1] = null;
  } else if (kind === 'unpacked' || kind === 'packed') {
    out[0] = null;
    out[1] = r[6];
  } else {
    out[0] = kind === 'received' ? null : holderOf(r[2], r[6]);
    out[1] = kind === 'shipped' ? null : holderOf(r[3], r[6]);
  }
}
