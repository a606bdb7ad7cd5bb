import { Worker } from 'node:worker_threads';
import { prepareEvents, type PrepareRequest, type PrepareResult } from './prepare-events.ts';

/** Prepares slices of capture events, in worker threads or in-process. */
export interface Preparer {
  prepare(request: PrepareRequest): Promise<PrepareResult>;
  close(): Promise<void>;
}

/**
 * With workers > 0, a pool of worker threads so that checking and hashing one slice overlaps with writing the
 * previous one on the main thread; with 0, the same work in-process.
 */
export function createPreparer(workers: number): Preparer {
  if (workers <= 0) {
    return { prepare: async (request) => prepareEvents(request), close: async () => undefined };
  }
  return new WorkerPreparer(workers);
}

interface Pending {
  resolve(result: PrepareResult): void;
  reject(err: Error): void;
}

class WorkerPreparer implements Preparer {
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./prepare-worker-boot.mjs', import.meta.url));
      const slot = { worker, busy: 0 };
      worker.on('message', (m: { id: number; result?: PrepareResult; error?: string }) => {
        if (--slot.busy === 0) worker.unref();
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(`capture preparation failed: ${m.error}`));
        else p.resolve(m.result!);
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      // An idle worker must not keep the process alive; a busy one must (see prepare()).
      worker.unref();
      this.workers.push(slot);
    }
  }

  prepare(request: PrepareRequest): Promise<PrepareResult> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
