/**
 * Counts per key in fixed time windows, in this process's memory (behind several processes each counts its own share —
 * still a bound). Past `maxTracked` keys the oldest windows are dropped, so a flood of keys cannot exhaust memory.
 */
export class FixedWindows {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly maxTracked = 50_000) {}

  /** Counts one more for `key`; returns the count in its current window and when that window ends. */
  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number } {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxTracked) this.windows.delete(this.windows.keys().next().value!);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w;
  }
}
