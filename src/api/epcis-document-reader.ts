import type { Readable } from 'node:stream';
import StreamJson from 'stream-json';
import Assembler from 'stream-json/Assembler.js';
import { DomainError } from '../domain/errors.ts';
import type { CaptureSource } from '../core/capture-events.ts';

type Json = Record<string, unknown>;

/** Bodies up to this size are parsed whole (fast); larger ones are streamed event by event in bounded memory. */
const WHOLE_PARSE_LIMIT = 4 * 1024 * 1024;

/** Turns a request body into a CaptureSource, refusing bodies over maxBytes. @throws invalid `malformed_json`, `capture_file_too_large` */
export async function readCaptureDocument(body: Readable, contentLength: number | undefined, maxBytes: number): Promise<CaptureSource> {
  if (contentLength !== undefined && contentLength > maxBytes) throw tooLarge(maxBytes);
  const limited = limitBytes(body, maxBytes);
  if (contentLength !== undefined && contentLength <= WHOLE_PARSE_LIMIT) {
    const doc = parseWhole(await collect(limited));
    const events = Array.isArray((doc.epcisBody as Json | undefined)?.eventList) ? ((doc.epcisBody as Json).eventList as unknown[]) : [];
    return {
      envelope: () => withoutEventList(doc),
      context: () => doc['@context'],
      events,
    };
  }
  return streamDocument(limited);
}

/** Reads one standalone event (POST /events). @throws invalid `malformed_json`, `capture_file_too_large` */
export async function readSingleEvent(body: Readable, maxBytes: number): Promise<CaptureSource> {
  const event = parseWhole(await collect(limitBytes(body, maxBytes)));
  return { envelope: () => event, context: () => event['@context'], events: [event] };
}

function parseWhole(text: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new DomainError('invalid', 'malformed_json', `The body is not valid JSON: ${(err as Error).message}`, { field: '(body)' });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DomainError('invalid', 'malformed_json', 'The body must be a JSON object (an EPCIS document or event).', { field: '(body)' });
  }
  return doc as Json;
}

function withoutEventList(doc: Json): Json {
  const body = doc.epcisBody as Json | undefined;
  if (!body || typeof body !== 'object') return doc;
  const { eventList: _eventList, ...rest } = body;
  return { ...doc, epcisBody: rest };
}

async function collect(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
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

interface Token {
  name: string;
  value?: unknown;
}

/**
 * Walks the JSON token stream: values at the root and in epcisBody are assembled into the envelope; each element of
 * epcisBody.eventList is assembled alone and yielded, so only one event (plus the batch being written) is in memory.
 */
function streamDocument(chunks: AsyncIterable<Buffer>): CaptureSource {
  const envelope: Json = {};
  const body: Json = {};
  async function* events(): AsyncGenerator<Json> {
    const tokens = StreamJson.parser({ packValues: true, streamValues: false }) as unknown as NodeJS.ReadWriteStream & AsyncIterable<Token>;
    const feeding = (async () => {
      try {
        for await (const c of chunks) if (!tokens.write(c)) await new Promise((r) => tokens.once('drain', r));
        tokens.end();
      } catch (err) {
        (tokens as unknown as Readable).destroy(err as Error);
      }
    })();
    let depth = 0;
    let rootKey: string | undefined;
    let bodyKey: string | undefined;
    let inBody = false;
    let inEvents = false;
    let asm: Assembler | undefined;
    let target: { into: Json; key: string } | 'event' | undefined;
    try {
      for await (const token of tokens) {
        if (asm) {
          asm.consume(token as never);
          if (asm.done) {
            const value = asm.current;
            asm = undefined;
            if (target === 'event') yield value as Json;
            else if (target) target.into[target.key] = value;
          }
          continue;
        }
        const opening = token.name === 'startObject' || token.name === 'startArray';
        const isValue = opening || token.name.endsWith('Value') && token.name !== 'keyValue';
        if (token.name === 'keyValue') {
          if (depth === 1) rootKey = token.value as string;
          else if (depth === 2 && inBody) bodyKey = token.value as string;
          continue;
        }
        if (depth === 0) {
          if (token.name !== 'startObject') throw new DomainError('invalid', 'malformed_json', 'The body must be a JSON object (an EPCIS document).', { field: '(body)' });
          depth = 1;
          continue;
        }
        if (depth === 1 && token.name === 'startObject' && rootKey === 'epcisBody') {
          inBody = true;
          depth = 2;
          continue;
        }
        if (depth === 2 && inBody && token.name === 'startArray' && bodyKey === 'eventList') {
          inEvents = true;
          depth = 3;
          continue;
        }
        if (inEvents && depth === 3) {
          if (token.name === 'endArray') {
            inEvents = false;
            depth = 2;
            body.eventList = [];
            continue;
          }
          startValue(token, 'event');
          continue;
        }
        if (token.name === 'endObject' && depth === 2 && inBody) {
          inBody = false;
          envelope.epcisBody = body;
          depth = 1;
          continue;
        }
        if (token.name === 'endObject' && depth === 1) {
          depth = 0;
          continue;
        }
        if (isValue) startValue(token, { into: depth === 2 ? body : envelope, key: (depth === 2 ? bodyKey : rootKey) ?? '' });
      }
      await feeding;
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new DomainError('invalid', 'malformed_json', `The body is not valid JSON: ${(err as Error).message}`, { field: '(body)' });
    }

    function startValue(token: Token, to: typeof target) {
      const a = new Assembler();
      a.consume(token as never);
      if (a.done) {
        if (to === 'event') throw new DomainError('invalid', 'schema_violation', 'epcisBody.eventList must hold event objects', { field: 'epcisBody.eventList' });
        if (to) to.into[to.key] = a.current;
        return;
      }
      asm = a;
      target = to;
    }
  }
  return {
    envelope: () => envelope,
    context: () => envelope['@context'],
    events: events(),
  };
}
