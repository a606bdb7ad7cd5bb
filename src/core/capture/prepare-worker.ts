import { parentPort } from 'node:worker_threads';
import { prepareEvents, type PrepareRequest } from './prepare-events.ts';

/** A capture-preparation worker: answers each { id, request } with { id, result } or { id, error }. */
parentPort!.on('message', (message: { id: number; request: PrepareRequest }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: prepareEvents(message.request) });
  } catch (err) {
    parentPort!.postMessage({ id: message.id, error: (err as Error).stack ?? String(err) });
  }
});
