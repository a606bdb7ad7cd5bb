import type { Readable } from 'node:stream';
import { DomainError } from '../domain/errors.ts';
import type { CaptureSource } from '../core/capture-events.ts';
import { EpcisDocumentSplitter } from './epcis-document-splitter.ts';

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
