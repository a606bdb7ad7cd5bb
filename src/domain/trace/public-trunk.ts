import { UP_KINDS } from './lineage.ts';

/** What {@link publicTrunk} needs of a lineage edge: its kind, ends, the unit it is about, who recorded it and when. */
export interface TrunkEdge {
  kind: string;
  from: string;
  to: string;
  unit: string;
  partyId: string;
  eventTime: number;
}

const SHIPPING = new Set(['shipped', 'transferred']);
/** Unit → unit edges whose `from` the chain used: an input transformed into what the chain holds, a lot its serial's. */
const USING_KINDS = new Set(['transformed_into', 'in_lot']);
const CUSTODY = new Set([...SHIPPING, 'received']);

/**
 * The edges of a public chain without the branches of lots divided among buyers.
 *
 * A lot may be divided among several buyers: a wholesaler sells one lot of pork to a market and to a school canteen;
 * a farm sells one lot of pigs to two slaughterhouses. The branches that do not lead to the pack in hand are other
 * buyers' business — taken together, the holder's customer list (a trade secret) — so:
 * - The root (the scanned code): a lot code is printed on every pack of the lot, and which branch a pack took cannot
 *   be told from the code. Its steps show while the lot stays in one line of hands (its trunk), up to the holder that
 *   divided it; from the first shipment (or receipt) of the division on, only steps recorded by parties on the trunk
 *   show (the divider's own sale or inspection, say), never the division's shipments, receipts or buyers.
 * - A unit the chain used (an input lot: the parties whose transformations consumed it; a lot: the parties that
 *   commissioned the chain's serials in it): only its path to those parties shows — the parties it passed through
 *   on its way to them (found from their receipts back through each shipper), each one's steps, and the shipments
 *   between them; its other buyers and their steps do not. Steps recorded before the lot was first divided (a lab's
 *   inspection at the farm, say) stay.
 *
 * A holder divided a unit when it shipped it to two or more destinations, or when two or more parties received it from
 * one source. A shipment with no destination, or a receipt with no source, names no branch and divides nothing. The
 * custody of the containers that carried the root or a used unit (a lot on pallets, and their pallets in turn) is that
 * unit's own: a lot divided onto two pallets for two buyers is divided, and a used lot shows only the pallet that went
 * to its user. Other units' edges (the serials of a lot) pass unchanged; a serialised item is never divided.
 */
export function publicTrunk<E extends TrunkEdge>(edges: readonly E[], root: string): E[] {
  const usedBy = new Map<string, Set<string>>();
  for (const e of edges) if (USING_KINDS.has(e.kind) && e.from !== root) add(usedBy, e.from, e.partyId);
  // Whose custody a container's is: the root's if it carried the root, else that of each used unit it carried.
  const carried = new Map<string, Set<string>>();
  for (const c of carriersOf(edges, root)) carried.set(c, new Set([root]));
  for (const unit of usedBy.keys()) for (const c of carriersOf(edges, unit)) if (c !== root && !carried.get(c)?.has(root)) add(carried, c, unit);
  const own = new Map<string, E[]>();
  for (const e of edges) {
    for (const unit of carried.get(e.unit) ?? [e.unit]) {
      if (unit === '' || (unit !== root && !usedBy.has(unit))) continue;
      const list = own.get(unit);
      if (list) list.push(e);
      else own.set(unit, [e]);
    }
  }
  // A container's edge that is on one used unit's path and off another's stays: it is on a path.
  const keptBy = new Map<E, number>();
  for (const [unit, list] of own) {
    const off = new Set(unit === root ? trunkDropped(list) : pathDropped(list, usedBy.get(unit)!));
    for (const e of list) keptBy.set(e, (keptBy.get(e) ?? 0) + (off.has(e) ? 0 : 1));
  }
  const dropped = new Set([...keptBy].filter(([, kept]) => kept === 0).map(([e]) => e));
  return dropped.size ? edges.filter((e) => !dropped.has(e)) : [...edges];
}

/** The containers that carried a unit, and theirs in turn, by the chain's packing edges. */
function carriersOf(edges: readonly TrunkEdge[], unit: string): Set<string> {
  const carriers = new Set<string>();
  for (let frontier = new Set([unit]); frontier.size; ) {
    const next = new Set<string>();
    for (const e of edges) if (UP_KINDS.has(e.kind) && frontier.has(e.from) && e.to !== unit && !carriers.has(e.to)) next.add(e.to);
    for (const c of next) carriers.add(c);
    frontier = next;
  }
  return carriers;
}

/** Where and by what a unit was divided, from its own edges. */
function divisionOf<E extends TrunkEdge>(own: readonly E[]): { branching: (e: E) => boolean; at: number } {
  const shippedTo = new Map<string, Set<string>>();
  const receivedBy = new Map<string, Set<string>>();
  for (const e of own) {
    if (SHIPPING.has(e.kind) && e.to !== e.unit) add(shippedTo, e.partyId, e.to);
    else if (e.kind === 'received' && e.from !== e.unit) add(receivedBy, e.from, e.partyId);
  }
  const dividers = new Set([...shippedTo].filter(([, to]) => to.size > 1).map(([party]) => party));
  const dividedSources = new Set([...receivedBy].filter(([, by]) => by.size > 1).map(([source]) => source));
  const branching = (e: E) => (SHIPPING.has(e.kind) && dividers.has(e.partyId)) || (e.kind === 'received' && dividedSources.has(e.from));
  let at = Infinity;
  for (const e of own) if (branching(e)) at = Math.min(at, e.eventTime);
  return { branching, at };
}

/** The root's edges past its trunk (see {@link publicTrunk}). */
function trunkDropped<E extends TrunkEdge>(own: readonly E[]): E[] {
  const { branching, at } = divisionOf(own);
  if (at === Infinity) return [];
  const trunk = new Set(own.filter((e) => e.eventTime < at).map((e) => e.partyId));
  return own.filter((e) => branching(e) || (e.eventTime >= at && !trunk.has(e.partyId)));
}

/** A used unit's edges off its path to the parties that used it (see {@link publicTrunk}). */
function pathDropped<E extends TrunkEdge>(own: readonly E[], users: ReadonlySet<string>): E[] {
  const { at } = divisionOf(own);
  if (at === Infinity) return [];
  // Back from the users: a receipt by a party on the path names that party's end and its source; a shipment to an end
  // on the path puts its shipper (and the shipper's own end) on the path. Ends equal to the unit name nobody.
  // A path party's shipment that names no destination names no branch either, and stays.
  const parties = new Set(users);
  const ends = new Set<string>();
  const onPath = (e: E) => (e.kind === 'received' ? parties.has(e.partyId) : ends.has(e.to) || (e.to === e.unit && parties.has(e.partyId)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of own) {
      if (!CUSTODY.has(e.kind) || !onPath(e)) continue;
      for (const end of [e.from, e.to]) {
        if (end === e.unit || ends.has(end)) continue;
        ends.add(end);
        grew = true;
      }
      if (!parties.has(e.partyId)) {
        parties.add(e.partyId);
        grew = true;
      }
    }
  }
  return own.filter((e) => (CUSTODY.has(e.kind) ? !onPath(e) : !parties.has(e.partyId) && e.eventTime >= at));
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
