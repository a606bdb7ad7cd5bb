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

/**
 * The edges of a public chain whose root is a lot or a product class, without the lot's branches.
 *
 * A lot code is printed on every pack of the lot, and the lot may be divided among several buyers: a wholesaler sells
 * one lot of pork to a market and to a school canteen. Whoever scans a pack holds one branch, and which one cannot be
 * told from the code; the other branches are other buyers' packs — and, taken together, the holder's customer list (a
 * trade secret). So the chain keeps the lot's path while it stays in one line of hands (its trunk) and stops where it
 * was divided: a holder that shipped the lot to two or more destinations, or a source two or more parties received it
 * from, divided it; from the first shipment (or receipt) of such a division on, the lot's own steps show only where a
 * party on the trunk recorded them (the divider's own sale or inspection, say), and never the division's shipments or
 * receipts. A shipment with no destination, or a receipt with no source, names no branch and divides nothing.
 *
 * Only the root's own edges (`unit` = root) are filtered. A serialised item is never divided, and its chain comes back
 * whole; a returnable crate (GRAI) its pool ships to one customer after another counts as divided, as its customers
 * are the pool's.
 */
export function publicTrunk<E extends TrunkEdge>(edges: readonly E[], root: string): E[] {
  const shippedTo = new Map<string, Set<string>>();
  const receivedBy = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.unit !== root) continue;
    if (SHIPPING.has(e.kind) && e.to !== root) add(shippedTo, e.partyId, e.to);
    else if (e.kind === 'received' && e.from !== root) add(receivedBy, e.from, e.partyId);
  }
  const dividers = new Set([...shippedTo].filter(([, to]) => to.size > 1).map(([party]) => party));
  const dividedSources = new Set([...receivedBy].filter(([, by]) => by.size > 1).map(([source]) => source));
  const branching = (e: E) => e.unit === root && ((SHIPPING.has(e.kind) && dividers.has(e.partyId)) || (e.kind === 'received' && dividedSources.has(e.from)));
  let divisionAt = Infinity;
  for (const e of edges) if (branching(e)) divisionAt = Math.min(divisionAt, e.eventTime);
  if (divisionAt === Infinity) return [...edges];
  const trunk = new Set(edges.filter((e) => e.unit === root && e.eventTime < divisionAt).map((e) => e.partyId));
  return edges.filter((e) => e.unit !== root || (!branching(e) && (e.eventTime < divisionAt || trunk.has(e.partyId))));
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
