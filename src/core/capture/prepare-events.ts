import { DomainError } from '../../domain/errors.ts';
import { normalizeCbv } from '../../domain/epcis/cbv.ts';
import { documentContext, eventHashId, type JsonLdContext } from '../../domain/epcis/event-hash.ts';
import { validateDocumentEvent, type SchemaFault } from '../../domain/epcis/schema.ts';
import { normalizeEpcisId } from '../../domain/identifiers/index.ts';
import { lineageEdgesOf } from '../../domain/trace/lineage.ts';
import type { LineageEdge } from '../../domain/trace/lineage-edge.ts';

type Json = Record<string, unknown>;

/** An identifier an event names, in canonical form, by role (epc, child, parent, input, output, *_class, source, destination, biz_transaction). */
export interface PreparedRef {
  role: string;
  type: string;
  value: string;
}

/** One fault in a capture: which event (by index), which field, what is wrong. */
export interface CaptureError {
  eventIndex: number | null;
  field: string;
  code: string;
  message: string;
}

/** A slice of a capture's events to check and prepare: raw JSON texts (from the splitter) or parsed objects. */
export interface PrepareRequest {
  startIndex: number;
  events: Array<string | Json>;
  /** A standalone event (POST /events): validated by the caller against the whole-event schema. */
  singleEvent: boolean;
  /** The document's @context, for expanding prefixes in the hash. */
  context: unknown;
}

export interface PrepareResult {
  prepared: PreparedEvent[];
  errors: CaptureError[];
}

const contexts = new Map<string, { ctx: JsonLdContext; extras: unknown[] }>();

/**
 * Checks and prepares a slice of events: JSON, schema, identifiers, CBV terms, the CBV 2.0 hash. Pure and
 * self-contained, so it can run in a worker thread while the main thread writes the previous slice.
 */
export function prepareEvents(request: PrepareRequest): PrepareResult {
  const key = JSON.stringify(request.context ?? null);
  let c = contexts.get(key);
  if (!c) {
    c = { ctx: documentContext(request.context ?? []), extras: request.singleEvent ? [] : contextExtras(request.context) };
    if (contexts.size > 100) contexts.clear();
    contexts.set(key, c);
  }
  const prepared: PreparedEvent[] = [];
  const errors: CaptureError[] = [];
  request.events.forEach((raw, offset) => {
    const index = request.startIndex + offset;
    const fieldPrefix = request.singleEvent ? '' : `epcisBody.eventList[${index}]`;
    let event: Json;
    if (typeof raw === 'string') {
      try {
        event = JSON.parse(raw) as Json;
      } catch (err) {
        errors.push({ eventIndex: index, field: fieldPrefix, code: 'malformed_json', message: `${fieldPrefix} is not valid JSON: ${(err as Error).message}` });
        return;
      }
    } else event = raw;
    const faults = request.singleEvent ? [] : validateDocumentEvent(event);
    if (faults.length) {
      errors.push(...faults.map((f) => schemaError(index, f, fieldPrefix)));
      return;
    }
    try {
      prepared.push(prepareEvent(index, event, c!.ctx, fieldPrefix, c!.extras));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors.push({ eventIndex: index, field: String(err.details.field ?? fieldPrefix), code: err.code, message: err.message });
    }
  });
  return { prepared, errors };
}

/** A schema fault as a capture error, its path made absolute within the document. */
export function schemaError(index: number | null, f: SchemaFault, prefix: string): CaptureError {
  const field = f.path === '(document)' ? prefix || '(event)' : prefix && !f.path.startsWith('epcisBody') ? `${prefix}.${f.path}` : f.path;
  return { eventIndex: index, field, code: 'schema_violation', message: `${field} ${f.message}` };
}

/** The parts of a document's @context beyond the standard EPCIS context: the namespace prefixes its extensions use. */
function contextExtras(context: unknown): unknown[] {
  const entries = Array.isArray(context) ? context : [context];
  return entries.filter((c) => c && !(typeof c === 'string' && /gs1\.org\/standards\/epcis\/.*epcis-context\.jsonld$/.test(c)));
}

/** An event checked and reduced to what is stored and indexed. */
export interface PreparedEvent {
  /** Position in the document. */
  index: number;
  hash: string;
  /** The eventID served: the client's own, else the hash ID. */
  eventId: string;
  /** The eventID the client sent, if any (stored and unique, so re-sends carrying it are recognised). */
  clientEventId: string | null;
  type: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  eventTime: number;
  offset: string;
  errorDeclaredAt: number | null;
  refs: PreparedRef[];
  /** The event as stored, JSON. */
  body: string;
  /** The errorDeclaration it carries, if any (a correction when the event is already held). */
  errorDeclaration: unknown;
  /** The edges the event adds to the lineage graph (issue 3 §1), kept at capture time. */
  lineage: LineageEdge[];
}

const EPC_LISTS: Array<[string, string]> = [
  ['epcList', 'epc'],
  ['childEPCs', 'child'],
  ['inputEPCList', 'input'],
  ['outputEPCList', 'output'],
];
const QUANTITY_LISTS: Array<[string, string]> = [
  ['quantityList', 'epc_class'],
  ['childQuantityList', 'child_class'],
  ['inputQuantityList', 'input_class'],
  ['outputQuantityList', 'output_class'],
];

function prepareEvent(index: number, event: Json, ctx: JsonLdContext, prefix: string, extraContext: unknown[]): PreparedEvent {
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const refs: PreparedRef[] = [];
  const id = (value: unknown, kind: Parameters<typeof normalizeEpcisId>[1], f: string): string => {
    if (typeof value !== 'string') throw new DomainError('invalid', 'schema_violation', `${at(f)} must be a string`, { field: at(f) });
    try {
      return normalizeEpcisId(value, kind);
    } catch (err) {
      if (err instanceof DomainError) throw new DomainError('invalid', err.code, `${at(f)}: ${err.message}`, { ...err.details, field: at(f) });
      throw err;
    }
  };
  for (const [list, role] of EPC_LISTS) {
    const values = event[list];
    if (Array.isArray(values)) values.forEach((v, i) => refs.push({ role, type: '', value: id(v, 'epc', `${list}[${i}]`) }));
  }
  if (event.parentID !== undefined) refs.push({ role: 'parent', type: '', value: id(event.parentID, 'epc', 'parentID') });
  for (const [list, role] of QUANTITY_LISTS) {
    const values = event[list];
    if (Array.isArray(values)) {
      values.forEach((q, i) => refs.push({ role, type: '', value: id((q as Json).epcClass, 'epcClass', `${list}[${i}].epcClass`) }));
    }
  }
  const readPoint = event.readPoint ? id((event.readPoint as Json).id, 'location', 'readPoint.id') : null;
  const bizLocation = event.bizLocation ? id((event.bizLocation as Json).id, 'location', 'bizLocation.id') : null;
  for (const [list, key, role] of [['sourceList', 'source', 'source'], ['destinationList', 'destination', 'destination']] as const) {
    const values = event[list];
    if (Array.isArray(values)) {
      values.forEach((s, i) => {
        const entry = s as Json;
        const type = normalizeCbv(String(entry.type), 'SDT');
        // A location-typed source is a site; an owning/possessing party may be named by party or site GLN.
        const kind = type === 'location' ? 'location' : 'party';
        refs.push({ role, type, value: id(entry[key], kind, `${list}[${i}].${key}`) });
      });
    }
  }
  const txs = event.bizTransactionList;
  if (Array.isArray(txs)) {
    for (const t of txs as Json[]) {
      refs.push({ role: 'biz_transaction', type: t.type ? normalizeCbv(String(t.type), 'BTT') : '', value: String(t.bizTransaction) });
    }
  }
  let hash: string;
  try {
    hash = eventHashId(event, ctx);
  } catch (err) {
    throw new DomainError('invalid', 'unhashable_event', `${at('(event)')}: the event hash could not be computed: ${(err as Error).message}`, {
      field: prefix || '(event)',
    });
  }
  const eventTime = Date.parse(String(event.eventTime));
  const eventId = typeof event.eventID === 'string' ? event.eventID : hash;
  // Keep the document's own namespace prefixes with the event, so its extensions still mean the same when served alone.
  const body: Json = extraContext.length && event['@context'] === undefined ? { '@context': extraContext, ...event, eventID: eventId } : { ...event, eventID: eventId };
  delete body.recordTime;
  return {
    index, hash, eventId, clientEventId: typeof event.eventID === 'string' ? event.eventID : null, type: String(event.type),
    action: typeof event.action === 'string' ? event.action : null,
    bizStep: typeof event.bizStep === 'string' ? normalizeCbv(event.bizStep, 'BizStep') : null,
    disposition: typeof event.disposition === 'string' ? normalizeCbv(event.disposition, 'Disp') : null,
    readPoint, bizLocation, eventTime, offset: String(event.eventTimeZoneOffset ?? '+00:00'), refs, body: JSON.stringify(body),
    errorDeclaration: event.errorDeclaration,
    errorDeclaredAt: errorDeclarationTime(event, at),
    lineage: lineageEdgesOf(event, refs, { readPoint, bizLocation }),
  };
}

function errorDeclarationTime(event: Json, at: (f: string) => string): number | null {
  const declaration = event.errorDeclaration as Json | undefined;
  if (declaration === undefined) return null;
  const t = Date.parse(String(declaration?.declarationTime));
  if (Number.isNaN(t)) {
    throw new DomainError('invalid', 'schema_violation', `${at('errorDeclaration.declarationTime')} must be a date-time`, { field: at('errorDeclaration.declarationTime') });
  }
  return t;
}

