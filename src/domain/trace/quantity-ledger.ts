/**
 * The quantity ledger of one unit (issue 3 §3): for each holder and unit of measure,
 * received + unpacked − shipped − transformed − sold − destroyed (+ produced/commissioned) = on hand,
 * replayed from the unit's lineage edges in time order. A holder whose stock would go below zero when it ships,
 * uses, sells or destroys is an anomaly: it gave out more than the records say it held.
 */

/** A movement of the unit, its ends resolved to holders (party ids) where known. */
export interface Movement {
  kind: string;
  /** The holder losing the quantity, if any. */
  from: string | null;
  /** The holder gaining it, if any. */
  to: string | null;
  quantity: number;
  uom: string;
  eventId: string;
  time: number;
  /** A serialised unit or logistic unit (no quantity in the event): one holder holds it at most once. */
  instance?: boolean;
}

export interface HolderBalance {
  holder: string;
  uom: string;
  received: number;
  /** Taken out of a container the holder received (the unit itself was never received loose). */
  unpacked: number;
  produced: number;
  shipped: number;
  transformed: number;
  sold: number;
  destroyed: number;
  onHand: number;
}

export interface QuantityAnomaly {
  holder: string;
  kind: 'gave_out_more_than_held';
  eventId: string;
  time: number;
  movement: string;
  quantity: number;
  onHandBefore: number;
  uom: string;
}

/** Which column of the balance each edge kind moves: [loss column of `from`, gain column of `to`]. */
const EFFECT: Record<string, [keyof HolderBalance | null, keyof HolderBalance | null]> = {
  commissioned: [null, 'produced'],
  produced: [null, 'produced'],
  received: [null, 'received'],
  unpacked: [null, 'unpacked'],
  // A container its packer assembled (the packing event, once per container): the packer holds it.
  packed: [null, 'produced'],
  shipped: ['shipped', null],
  transferred: ['shipped', 'received'],
  consumed: ['transformed', null],
  sold: ['sold', null],
  dispensed: ['sold', null],
  destroyed: ['destroyed', null],
  decommissioned: ['destroyed', null],
};

/** The edge kinds that change quantities. */
export const QUANTITY_EDGE_KINDS: readonly string[] = Object.keys(EFFECT);

/** True when an edge kind changes quantities (others, such as observed or in_lot, do not). */
export function movesQuantity(kind: string): boolean {
  return kind in EFFECT;
}

/** Replays movements (already in time order) into balances per holder and unit of measure, and the anomalies. */
export function replayQuantities(movements: readonly Movement[]): { balances: HolderBalance[]; anomalies: QuantityAnomaly[] } {
  const balances = new Map<string, HolderBalance>();
  const anomalies: QuantityAnomaly[] = [];
  const balanceOf = (holder: string, uom: string) => {
    const key = `${holder}\u0000${uom}`;
    let b = balances.get(key);
    if (!b) {
      b = { holder, uom, received: 0, unpacked: 0, produced: 0, shipped: 0, transformed: 0, sold: 0, destroyed: 0, onHand: 0 };
      balances.set(key, b);
    }
    return b;
  };
  for (const m of movements) {
    const effect = EFFECT[m.kind];
    if (!effect) continue;
    const [loss, gain] = effect;
    if (loss && m.from) {
      const b = balanceOf(m.from, m.uom);
      if (m.quantity > b.onHand + 1e-9) {
        anomalies.push({ holder: m.from, kind: 'gave_out_more_than_held', eventId: m.eventId, time: m.time, movement: m.kind, quantity: m.quantity, onHandBefore: b.onHand, uom: m.uom });
      }
      (b[loss] as number) += m.quantity;
      b.onHand -= m.quantity;
    }
    if (gain && m.to) {
      const b = balanceOf(m.to, m.uom);
      // Packing more into a container it already holds, or receiving twice, does not make two of one instance.
      if (m.instance && b.onHand >= m.quantity) continue;
      (b[gain] as number) += m.quantity;
      b.onHand += m.quantity;
    }
  }
  return { balances: [...balances.values()], anomalies };
}

/**
 * The on-hand part of {@link replayQuantities} for many units in a row, without an object per movement or per unit:
 * `reset()`, `apply()` each movement of one unit in time order, then read `size` balances from `holders`, `uoms` and
 * `onHand` — the same balances, in the same order, with the same sums as `replayQuantities(…).balances` (anomalies are
 * not kept). A recall of 100,000 units replays with one of these.
 * @example
 * const ledger = new OnHandLedger();
 * ledger.reset();
 * ledger.apply('received', null, 'pty_A', 10, 'KGM', false);
 * ledger.onHand[0]; // 10
 */
export class OnHandLedger {
  holders: string[] = [];
  uoms: string[] = [];
  onHand: number[] = [];
  size = 0;
  /** Slots by holder and uom once a unit has many balances (a bulk lot among many holders). */
  private index: Map<string, number> | null = null;

  /** Forgets the balances, to replay the next unit. */
  reset(): void {
    this.size = 0;
    this.index = null;
  }

  /** Applies one movement, as {@link replayQuantities} does with `{ kind, from, to, quantity, uom, instance }`. */
  apply(kind: string, from: string | null, to: string | null, quantity: number, uom: string, instance: boolean): void {
    const effect = EFFECT[kind];
    if (!effect) return;
    if (effect[0] && from) this.onHand[this.slot(from, uom)] -= quantity;
    if (effect[1] && to) {
      const s = this.slot(to, uom);
      // Packing more into a container it already holds, or receiving twice, does not make two of one instance.
      if (instance && this.onHand[s] >= quantity) return;
      this.onHand[s] += quantity;
    }
  }

  private slot(holder: string, uom: string): number {
    if (this.index) {
      const key = `${holder}\u0000${uom}`;
      const s = this.index.get(key);
      if (s !== undefined) return s;
      this.index.set(key, this.size);
    } else {
      for (let s = 0; s < this.size; s++) if (this.holders[s] === holder && this.uoms[s] === uom) return s;
      if (this.size === 8) {
        this.index = new Map();
        for (let s = 0; s < this.size; s++) this.index.set(`${this.holders[s]}\u0000${this.uoms[s]}`, s);
        this.index.set(`${holder}\u0000${uom}`, this.size);
      }
    }
    const s = this.size++;
    this.holders[s] = holder;
    this.uoms[s] = uom;
    this.onHand[s] = 0;
    return s;
  }
}
