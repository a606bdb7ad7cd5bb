import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { normalizeCbv } from '../domain/epcis/cbv.ts';
import { documentContext, eventHashId, type JsonLdContext } from '../domain/epcis/event-hash.ts';
import { validateDocumentEvent, validateEpcisDocument, type SchemaFault } from '../domain/epcis/schema.ts';
import { normalizeEpcisId } from '../domain/identifiers/index.ts';
import { hashBytes, type EventRef, type EventToStore } from '../storage/repositories/event.repository.ts';
import type { Actor, PartyActor } from './actor.ts';
import { requirePartyScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { auditEntry } from './record-audit.ts';

type Json = Record<string, unknown>;

/** A capture document as it arrives: its envelope (all but the events) and its events, possibly streamed. */
export interface CaptureSource {
  /** The document without epcisBody.eventList; complete once `events` is exhausted. */
  envelope(): Json;
  /** The document's @context, needed before the first event to expand prefixes; undefined for a bare event. */
  context(): unknown;
  events: AsyncIterable<unknown> | Iterable<unknown>;
}

export interface CaptureOptions {
  /** GS1-Capture-Error-Behaviour: rollback (default) stores nothing when any event fails; proceed stores the good ones. */
  errorBehaviour?: 'rollback' | 'proceed';
  /** A single event sent to POST /events rather than a document. */
  singleEvent?: boolean;
}

/** One fault in a capture: which event (by index), which field, what is wrong. */
export interface CaptureError {
  eventIndex: number | null;
  field: string;
  code: string;
  message: string;
}

export interface CaptureResult {
  captureId: string;
  eventCount: number;
  storedCount: number;
  /** Events already held (same CBV 2.0 hash), so not stored again. */
  duplicates: Array<{ eventIndex: number; eventID: string }>;
  /** Events already held that this capture declared erroneous (re-sent with errorDeclaration). */
  corrections: Array<{ eventIndex: number; eventID: string }>;
  /** Event IDs in document order (client's own or the hash ID). */
  eventIds: string[];
  errors: CaptureError[];
}

const BATCH = 1000;

/**
 * Captures EPCIS events for the calling firm: schema, identifiers and CBV terms checked, each event hashed (CBV 2.0)
 * to recognise re-sends, its product line and region decided, all of it in one transaction with the capture job and
 * the audit entry.
 * @throws invalid `capture_rejected` (details.errors names each event index and field), `capture_limit_exceeded`
 */
export async function captureEvents(deps: Deps, actor: Actor, source: CaptureSource, options: CaptureOptions = {}): Promise<CaptureResult> {
  const party = requirePartyScope(actor, 'capture');
  const behaviour = options.errorBehaviour ?? 'rollback';
  const captureId = newId('cap');
  const startedAt = deps.now();
  const recordTime = startedAt.getTime();
  const errors: CaptureError[] = [];
  const duplicates: CaptureResult['duplicates'] = [];
  const corrections: CaptureResult['corrections'] = [];
  const eventIds: string[] = [];
  const resolver = new EventContextResolver(deps, party);
  const writer = await deps.events.openCaptureWriter();
  let eventCount = 0;
  let storedCount = 0;
  let ctx: JsonLdContext | undefined;
  let extraContext: unknown[] = [];
  let pending: Array<{ index: number; prepared: PreparedEvent }> = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await resolver.load(batch.map((p) => p.prepared));
    const rows = batch.map((p) => resolver.toRow(p.prepared, captureId, recordTime));
    const stored = await writer.addBatch(rows);
    storedCount += stored.size;
    for (const [i, p] of batch.entries()) {
      if (stored.has(rows[i].row.id)) continue;
      const declaration = p.prepared.body.errorDeclaration;
      if (declaration !== undefined) {
        // The same event re-sent with an errorDeclaration is a correction (EPCIS 2.0 §7.4.1.4), not a mere re-send.
        const outcome = await writer.declareError({ eventHash: p.prepared.hash, eventId: p.prepared.eventId }, party.partyId, declaration, p.prepared.errorDeclaredAt!);
        if (outcome === 'declared') {
          corrections.push({ eventIndex: p.index, eventID: p.prepared.eventId });
          continue;
        }
        if (outcome === 'not_owner') {
          const field = options.singleEvent ? 'errorDeclaration' : `epcisBody.eventList[${p.index}].errorDeclaration`;
          errors.push({ eventIndex: p.index, field, code: 'not_event_owner', message: `${field}: only the party that captured an event may declare it erroneous` });
          continue;
        }
      }
      duplicates.push({ eventIndex: p.index, eventID: p.prepared.eventId });
    }
  };

  try {
    for await (const raw of source.events) {
      const index = eventCount++;
      if (eventCount > deps.config.captureEventLimit) {
        throw new DomainError('invalid', 'capture_limit_exceeded', `A capture may hold at most ${deps.config.captureEventLimit} events.`, {
          limit: deps.config.captureEventLimit,
        });
      }
      if (!ctx) {
        const docContext = source.context() ?? (raw as Json)?.['@context'] ?? [];
        ctx = documentContext(docContext);
        extraContext = options.singleEvent ? [] : contextExtras(docContext);
      }
      const fieldPrefix = options.singleEvent ? '' : `epcisBody.eventList[${index}]`;
      const faults = options.singleEvent ? [] : validateDocumentEvent(raw);
      if (faults.length) {
        errors.push(...faults.map((f) => schemaError(index, f, fieldPrefix)));
        if (behaviour === 'rollback' && errors.length >= 50) break;
        continue;
      }
      try {
        const prepared = prepareEvent(raw as Json, ctx, fieldPrefix, extraContext);
        eventIds.push(prepared.eventId);
        if (behaviour === 'rollback' && errors.length) continue; // keep checking, but nothing will be stored
        pending.push({ index, prepared });
        if (pending.length >= BATCH) await flush();
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        errors.push({ eventIndex: index, field: String(err.details.field ?? fieldPrefix), code: err.code, message: err.message });
      }
    }
    const envelope = source.envelope();
    const envelopeFaults = validateEpcisDocument(options.singleEvent ? envelope : withoutEvents(envelope));
    errors.unshift(...envelopeFaults.map((f) => schemaError(null, f, '')));
    if (eventCount === 0 && !options.singleEvent && errors.length === 0) {
      errors.push({ eventIndex: null, field: 'epcisBody.eventList', code: 'empty_document', message: 'The document holds no events.' });
    }
    if (errors.length && behaviour === 'rollback') throw new RejectedCapture();
    await flush();
    if (errors.length && behaviour === 'rollback') throw new RejectedCapture();
    const finishedAt = deps.now().toISOString();
    await writer.finish(
      {
        id: captureId, party_id: party.partyId, running: 0, success: errors.length ? 0 : 1, error_behaviour: behaviour,
        event_count: eventCount, stored_count: storedCount, duplicate_count: duplicates.length,
        errors: errors.length ? JSON.stringify(errors) : null, created_at: startedAt.toISOString(), finished_at: finishedAt,
      },
      auditEntry(deps, actor, 'epcis.capture', captureId, 'ok', { events: eventCount, stored: storedCount, duplicates: duplicates.length, corrections: corrections.length }),
    );
    return { captureId, eventCount, storedCount, duplicates, corrections, eventIds, errors };
  } catch (err) {
    await writer.abort();
    if (err instanceof RejectedCapture || (err instanceof DomainError && err.code === 'capture_limit_exceeded')) {
      const list = err instanceof RejectedCapture ? errors : [{ eventIndex: null, field: 'epcisBody.eventList', code: err.code, message: err.message }];
      await deps.events.insertFailedJob(
        {
          id: captureId, party_id: party.partyId, running: 0, success: 0, error_behaviour: behaviour, event_count: eventCount,
          stored_count: 0, duplicate_count: 0, errors: JSON.stringify(list), created_at: startedAt.toISOString(),
          finished_at: deps.now().toISOString(),
        },
        auditEntry(deps, actor, 'epcis.capture', captureId, 'failed', { events: eventCount, errors: list.length }),
      );
      if (err instanceof DomainError) throw new DomainError(err.kind, err.code, err.message, { ...err.details, captureId, errors: list });
      const first = list[0];
      throw new DomainError(
        'invalid',
        'capture_rejected',
        `The capture was rejected and nothing was stored: ${list.length} error(s); first at ${first.field}: ${first.message}`,
        { captureId, errors: list },
      );
    }
    throw err;
  }
}

class RejectedCapture extends Error {}

function schemaError(index: number | null, f: SchemaFault, prefix: string): CaptureError {
  const field = f.path === '(document)' ? prefix || '(event)' : prefix && !f.path.startsWith('epcisBody') ? `${prefix}.${f.path}` : f.path;
  return { eventIndex: index, field, code: 'schema_violation', message: `${field} ${f.message}` };
}

/** The parts of a document's @context beyond the standard EPCIS context: the namespace prefixes its extensions use. */
function contextExtras(context: unknown): unknown[] {
  const entries = Array.isArray(context) ? context : [context];
  return entries.filter((c) => c && !(typeof c === 'string' && /gs1\.org\/standards\/epcis\/.*epcis-context\.jsonld$/.test(c)));
}

function withoutEvents(envelope: Json): Json {
  const body = (envelope.epcisBody as Json | undefined) ?? {};
  return { ...envelope, epcisBody: { ...body, eventList: [] } };
}

/** An event checked and reduced to what is stored and indexed. */
interface PreparedEvent {
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
  refs: EventRef[];
  body: Json;
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

function prepareEvent(event: Json, ctx: JsonLdContext, prefix: string, extraContext: unknown[]): PreparedEvent {
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const refs: EventRef[] = [];
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
    hash, eventId, clientEventId: typeof event.eventID === 'string' ? event.eventID : null, type: String(event.type),
    action: typeof event.action === 'string' ? event.action : null,
    bizStep: typeof event.bizStep === 'string' ? normalizeCbv(event.bizStep, 'BizStep') : null,
    disposition: typeof event.disposition === 'string' ? normalizeCbv(event.disposition, 'Disp') : null,
    readPoint, bizLocation, eventTime, offset: String(event.eventTimeZoneOffset ?? '+00:00'), refs, body,
    errorDeclaredAt: errorDeclarationTime(event, at),
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

/** Decides product line and region for events, with one lookup of products and sites per batch. */
class EventContextResolver {
  private readonly categoryByClass = new Map<string, string | null>();
  private readonly regionBySite = new Map<string, string | null>();

  constructor(
    private readonly deps: Deps,
    private readonly party: PartyActor,
  ) {}

  async load(events: PreparedEvent[]): Promise<void> {
    const classes = new Set<string>();
    const sites = new Set<string>();
    for (const e of events) {
      if (e.readPoint) sites.add(e.readPoint);
      if (e.bizLocation) sites.add(e.bizLocation);
      for (const r of e.refs) {
        if (r.role !== 'source' && r.role !== 'destination' && r.role !== 'biz_transaction') {
          for (const c of productClassesOf(r.value)) classes.add(c);
        }
      }
    }
    const newClasses = [...classes].filter((c) => !this.categoryByClass.has(c));
    const newSites = [...sites].filter((s) => !this.regionBySite.has(s));
    for (const c of newClasses) this.categoryByClass.set(c, null);
    for (const s of newSites) this.regionBySite.set(s, null);
    for (const p of await this.deps.products.listProductsByClassUris(newClasses)) this.categoryByClass.set(p.class_uri, p.category);
    for (const s of await this.deps.parties.listSitesByUris(newSites)) this.regionBySite.set(s.uri, s.region);
  }

  toRow(e: PreparedEvent, captureId: string, recordTime: number): EventToStore {
    let category: string | null = null;
    for (const r of e.refs) {
      for (const c of productClassesOf(r.value)) {
        category ??= this.categoryByClass.get(c) ?? null;
      }
      if (category) break;
    }
    const region =
      (e.bizLocation && this.regionBySite.get(e.bizLocation)) || (e.readPoint && this.regionBySite.get(e.readPoint)) || this.party.region;
    return {
      row: {
        id: newId('evt', recordTime), event_hash: hashBytes(e.hash), event_id: e.clientEventId, event_type: e.type, action: e.action,
        biz_step: e.bizStep, disposition: e.disposition, read_point: e.readPoint, biz_location: e.bizLocation,
        event_time: e.eventTime, event_time_zone_offset: e.offset, record_time: recordTime, captured_by: this.party.partyId,
        capture_id: captureId, category, region, error_declared_at: e.errorDeclaredAt, body: JSON.stringify(e.body),
      },
      refs: e.refs,
    };
  }
}

/**
 * The product-class URIs an identifier may belong to: the GTIN-level Digital Link for GS1 keys, issuer + category
 * for local codes (`urn:suyuan:local:<USCC>:<category>`), else the code itself.
 */
export function productClassesOf(canonical: string): string[] {
  const gtin = /^https:\/\/id\.gs1\.org\/01\/(\d{14})/.exec(canonical);
  if (gtin) return [`https://id.gs1.org/01/${gtin[1]}`];
  const local = /^(urn:suyuan:local:[^:]+:[^:]+):[^:]+$/.exec(canonical);
  if (local) return [local[1]];
  return [canonical];
}
