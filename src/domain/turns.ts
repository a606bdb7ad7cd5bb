/**
 * Lets the event loop run what is waiting (requests, I/O callbacks, timers) before going on. Awaiting a settled
 * promise does not: its continuation is a microtask, run before any I/O — and on SQLite every read settles at once,
 * so a job of many awaits still holds the server's one thread from start to end.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Counts the items of a long job and says when to give the event loop a turn: every `every` items. Counted, not
 * timed, so the same job takes the same turns whatever the machine's speed.
 * @example for (const r of rows) { work(r); if (turns.due()) await nextTurn(); }
 */
export class TurnCounter {
  #count = 0;

  constructor(private readonly every: number) {}

  /** Counts `n` items; true once `every` have been counted since the last turn. */
  due(n = 1): boolean {
    this.#count += n;
    if (this.#count < this.every) return false;
    this.#count = 0;
    return true;
  }
}
