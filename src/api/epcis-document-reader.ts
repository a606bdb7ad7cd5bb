import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DomainError } from '../domain/errors.ts';
import type { CaptureSource } from '../core/capture-events.ts';
import { EpcisDocumentSplitter } from './epcis-document-splitter.ts';
import { processIsAlive } from '../core/process-alive.ts';

type Json = Record<string, unknown>;

/**
 * Turns a request body into a CaptureSource. The body is streamed through the splitter, which yields each event's
 * raw JSON text as soon as it is complete, so a 64 MB document is never held whole; the events are parsed and
 * checked by the capture's preparation workers.
 * @throws invalid `malformed_json`, `capture_file_too_large`
 */
export async function readCaptureDocument(body: Readable, contentLength: number | undefined, maxBytes: number): Promise<CaptureSource> {
  if (contentLength !== undefined && contentLength > maxBytes) throw tooLarge(maxBytes);
  const splitter = new EpcisDocumentSplitter();
  async function* events(): AsyncGenerator<string> {
    for await (const chunk of limitBytes(body, maxBytes)) yield* splitter.push(chunk);
    splitter.end();
  }
  return {
    envelope: () => splitter.envelope,
    context: () => splitter.envelope['@context'],
    events: events(),
  };
}

/** Reads one standalone event (POST /events). @throws invalid `malformed_json`, `capture_file_too_large` */
export async function readSingleEvent(body: Readable, maxBytes: number): Promise<CaptureSource> {
  const chunks: Buffer[] = [];
  for await (const c of limitBytes(body, maxBytes)) chunks.push(c);
  let event: unknown;
  try {
    event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new DomainError('invalid', 'malformed_json', `The body is not valid JSON: ${(err as Error).message}`, { field: '(body)' });
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    throw new DomainError('invalid', 'malformed_json', 'The body must be a JSON object (an EPCIS event).', { field: '(body)' });
  }
  const e = event as Json;
  return { envelope: () => e, context: () => e['@context'], events: [e] };
}

/** Bodies up to this size are held in memory while they arrive; a larger one goes to a temporary file. */
const IN_MEMORY_BYTES = 1 << 20;
/** A spooled body's folder: `suyuan-capture-<pid>-<random>` in the system's temp folder, so a later start can tell its owner. */
const SPOOL_PREFIX = 'suyuan-capture-';

/** A request body read to its end, from memory or a temporary file, to be read again at the server's own pace. */
export interface SpooledBody {
  readonly bytes: number;
  stream(): Readable;
  /** Removes the temporary file, if there is one. */
  dispose(): Promise<void>;
}

/**
 * Reads the whole body before any capture work starts. A capture holds the store's one write transaction while it
 * stores events, and on SQLite every other write waits for it; reading the body first keeps that wait to the server's
 * own work, never to how slowly a client sends (a phone on a weak signal, or one that stalls on purpose). Memory stays
 * bounded: past {@link IN_MEMORY_BYTES} the body goes to a file in the system's temp folder.
 * @throws invalid `capture_file_too_large`
 */
export async function spoolBody(body: Readable, contentLength: number | undefined, maxBytes: number): Promise<SpooledBody> {
  if (contentLength !== undefined && contentLength > maxBytes) throw tooLarge(maxBytes);
  const held: Buffer[] = [];
  let bytes = 0;
  let dir: string | undefined;
  const dispose = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    for await (const chunk of limitBytes(body, maxBytes)) {
      bytes += chunk.length;
      if (!file && bytes <= IN_MEMORY_BYTES) {
        held.push(chunk);
        continue;
      }
      if (!file) {
        dir = await mkdtemp(path.join(tmpdir(), `${SPOOL_PREFIX}${process.pid}-`));
        file = await open(path.join(dir, 'body'), 'w');
        for (const h of held.splice(0)) await file.write(h);
      }
      await file.write(chunk);
    }
  } catch (err) {
    await file?.close();
    await dispose();
    throw err;
  }
  await file?.close();
  const spooledPath = dir && path.join(dir, 'body');
  return {
    bytes,
    stream: () => (spooledPath ? createReadStream(spooledPath, { highWaterMark: 256 * 1024 }) : Readable.from(held)),
    dispose,
  };
}

/**
 * Removes the spooled bodies a killed server left behind (their process is gone); another running server's stay.
 * Returns how many were removed. Called when the server starts.
 */
export async function removeAbandonedSpools(folder: string = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    const pid = Number(new RegExp(`^${SPOOL_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid || processIsAlive(pid)) continue;
    await rm(path.join(folder, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

async function* limitBytes(stream: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    seen += buf.length;
    if (seen > maxBytes) {
      stream.destroy();
      throw tooLarge(maxBytes);
    }
    yield buf;
  }
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('invalid', 'capture_file_too_large', `A capture document may be at most ${maxBytes} bytes.`, { limit: maxBytes, field: '(body)' });
}
