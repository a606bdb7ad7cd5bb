/**
 * A map that keeps roughly its most recently written entries: two generations, the older dropped whole when the newer
 * fills. Every operation is O(1); evicting one entry at a time from a Map's front instead (`keys().next()` then
 * `delete`) slows down as deleted slots pile up at its start, which is where a hot cache spent its time.
 */
export class BoundedMap<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  /** Holds between capacity / 2 and capacity entries once full. */
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    // Still in use: carried into the young generation, so it outlives the old one.
    if (old !== undefined) this.set(key, old);
    return old;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    if (!this.#young.has(key) && this.#young.size >= this.capacity / 2) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
