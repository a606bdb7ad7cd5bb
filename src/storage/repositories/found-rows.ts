import { BoundedMap } from '../../domain/bounded-map.ts';

/**
 * Rows kept in memory once read, for tables whose rows the platform never updates or deletes — parties with their
 * licences, sites, products: there is no operation that changes one. A row once found stays true, so the copy needs no
 * invalidation, not even when another process shares the store. What was not found is not kept: it may be registered
 * later, here or by another process. Traces and scan pages name the same few thousand firms and sites over and over;
 * on PostgreSQL each lookup was a round trip. Every caller gets the same object: kept rows are frozen, so one that
 * changed its copy would throw instead of changing everyone's.
 */
export class FoundRows<V> {
  readonly #rows: BoundedMap<string, V>;

  /** Keeps roughly the `capacity` most recently read rows. */
  constructor(capacity: number) {
    this.#rows = new BoundedMap(capacity);
  }

  /** The rows of `keys` that exist, by key; those not kept yet are read by one call of `read`, given only them. */
  async get(keys: readonly string[], read: (missing: string[]) => Promise<Iterable<readonly [string, V]>>): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of keys) {
      const row = this.#rows.get(key);
      if (row !== undefined) found.set(key, row);
      else missing.push(key);
    }
    if (missing.length === 0) return found;
    for (const [key, row] of await read([...new Set(missing)])) {
      this.#rows.set(key, frozen(row));
      found.set(key, row);
    }
    return found;
  }

  /** The row of `key` if it is kept; undefined when it is not (which says nothing of whether it exists). */
  peek(key: string): V | undefined {
    return this.#rows.get(key);
  }

  /** One row, as {@link get}. */
  async getOne(key: string, read: (key: string) => Promise<V | undefined>): Promise<V | undefined> {
    const kept = this.#rows.get(key);
    if (kept !== undefined) return kept;
    const row = await read(key);
    if (row !== undefined) this.#rows.set(key, frozen(row));
    return row;
  }
}

/** The row, and the rows of a list, made read-only. */
function frozen<V>(value: V): V {
  if (Array.isArray(value)) for (const item of value) Object.freeze(item);
  return Object.freeze(value);
}
