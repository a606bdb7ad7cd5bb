import { DomainError } from '../domain/errors.ts';

type Json = Record<string, unknown>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Splits an EPCIS document arriving in chunks into the raw JSON text of each element of `epcisBody.eventList`, and
 * an envelope of everything else (parsed). It tracks only nesting and strings — each event's text is parsed later
 * (in a worker), so the document is never held whole and no per-token objects are made.
 */
export class EpcisDocumentSplitter {
  /** The document without its events; complete once end() has returned. */
  readonly envelope: Json = {};
  private readonly body: Json = {};
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of the value being captured (an event, or an envelope value) carried across chunks. */
  private pending: Buffer[] = [];
  private captureStart = -1;
  private captureDepth = 0;
  private capturing: 'event' | 'value' | null = null;
  private literal = false;
  private key = '';
  private keyStart = -1;
  private keyParts: Buffer[] = [];
  private expectKey = false;
  private path: Array<'root' | 'body' | 'events' | 'other'> = [];
  private offset = 0;

  /** Feeds one chunk; returns the raw text of every event completed in it. @throws invalid `malformed_json` */
  push(chunk: Buffer): string[] {
    const events: string[] = [];
    let i = 0;
    if (this.capturing) this.captureStart = 0;
    if (this.keyStart >= 0) this.keyStart = 0;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyStart >= 0) {
            this.keyParts.push(chunk.subarray(this.keyStart, i));
            this.key = JSON.parse(`"${Buffer.concat(this.keyParts).toString('utf8')}"`) as string;
            this.keyParts = [];
            this.keyStart = -1;
          }
          if (this.capturing === 'value' && this.depth === this.captureDepth) this.finishValue(chunk, i + 1);
        }
        continue;
      }
      const whitespace = c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
      // A bare literal (number, true, false, null) ends at the first delimiter, which may be in a later chunk.
      if (this.literal && (whitespace || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY)) {
        this.literal = false;
        this.finishValue(chunk, i);
      }
      if (whitespace) continue;
      const top = this.path[this.path.length - 1];
      // A value starts where one is expected at the levels we watch: the root object, epcisBody, or the event list.
      if (!this.capturing && c !== CLOSE_OBJECT && c !== CLOSE_ARRAY && c !== COMMA && c !== COLON) {
        if (top === 'events') {
          if (c !== OPEN_OBJECT) throw malformed('epcisBody.eventList must hold event objects', this.offset + i);
          this.capturing = 'event';
          this.captureStart = i;
          this.captureDepth = this.depth;
        } else if ((top === 'root' || top === 'body') && !this.expectKey && c !== QUOTE && !(c === OPEN_OBJECT && top === 'root' && this.key === 'epcisBody') && !(c === OPEN_ARRAY && top === 'body' && this.key === 'eventList')) {
          this.capturing = 'value';
          this.captureStart = i;
          this.captureDepth = this.depth;
          this.literal = c !== OPEN_OBJECT && c !== OPEN_ARRAY;
          if (this.literal) continue;
        } else if ((top === 'root' || top === 'body') && !this.expectKey && c === QUOTE) {
          this.capturing = 'value';
          this.captureStart = i;
          this.captureDepth = this.depth;
          this.inString = true;
          continue;
        }
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (!this.capturing && this.expectKey && (top === 'root' || top === 'body')) {
            this.keyStart = i + 1;
            this.expectKey = false;
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          this.depth++;
          if (!this.capturing) {
            if (this.depth === 1) {
              if (c !== OPEN_OBJECT) throw malformed('the body must be a JSON object (an EPCIS document)', this.offset + i);
              this.path.push('root');
              this.expectKey = true;
            } else if (top === 'root' && this.key === 'epcisBody' && c === OPEN_OBJECT) {
              this.path.push('body');
              this.expectKey = true;
            } else if (top === 'body' && this.key === 'eventList' && c === OPEN_ARRAY) {
              this.path.push('events');
            }
          }
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.depth--;
          if (this.depth < 0) throw malformed('unbalanced brackets', this.offset + i);
          if (this.capturing && this.depth === this.captureDepth) {
            if (this.capturing === 'event') events.push(this.take(chunk, i + 1));
            else this.finishValue(chunk, i + 1);
          } else if (!this.capturing) {
            const left = this.path.pop();
            if (left === 'body') this.envelope.epcisBody = this.body;
          }
          break;
        case COMMA:
          if (!this.capturing && (top === 'root' || top === 'body')) this.expectKey = true;
          break;
        default:
          break;
      }
    }
    if (this.capturing) this.pending.push(chunk.subarray(this.captureStart));
    if (this.keyStart >= 0) this.keyParts.push(chunk.subarray(this.keyStart));
    this.offset += chunk.length;
    return events;
  }

  /** Checks the document ended where it should. @throws invalid `malformed_json` */
  end(): void {
    if (this.depth !== 0 || this.inString || this.capturing || this.literal || this.offset === 0 || this.path.length) {
      throw malformed('the document ends before its JSON is complete', this.offset);
    }
  }

  private take(chunk: Buffer, end: number): string {
    const part = chunk.subarray(this.captureStart, end);
    const text = this.pending.length ? Buffer.concat([...this.pending, part]).toString('utf8') : part.toString('utf8');
    this.pending = [];
    this.capturing = null;
    this.captureStart = -1;
    return text;
  }

  private finishValue(chunk: Buffer, end: number): void {
    const text = this.take(chunk, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw malformed(`the value of "${this.key}" is not valid JSON: ${(err as Error).message}`, this.offset);
    }
    const top = this.path[this.path.length - 1];
    (top === 'body' ? this.body : this.envelope)[this.key] = value;
  }
}

function malformed(message: string, position: number): DomainError {
  return new DomainError('invalid', 'malformed_json', `The body is not valid JSON: ${message} (near byte ${position}).`, { field: '(body)', position });
}
