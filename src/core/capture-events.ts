import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { validateEpcisDocument } from '../domain/epcis/schema.ts';
import { hashBytes, type CaptureWriter, type EventToStore } from '../storage/repositories/event.repository.ts';
import type { Actor, PartyActor } from './actor.ts';
import { requirePartyScope } from './authenticate.ts';
import { schemaError, type CaptureError, type PreparedEvent, type PrepareResult } from './capture/prepare-events.ts';
import type { Deps } from './deps.ts';
import { auditEntry } from './record-audit.ts';

export type { CaptureError } from './capture/prepare-events.ts';

type Json = Record<string, unknown>;

/** A capture document as it arrives: its envelope (all but the events) and its events, possibly streamed. */
export interface CaptureSource {
  /** The document without epcisBody.eventList; complete once `events` is exhausted. */
  envelope(): Json;
  /** The document's @context, needed before the first event to expand prefixes; undefined for a bare event. */
  context(): unknown;
  /** Each event as its raw JSON text (from the streaming splitter) or as a parsed object. */
  events: AsyncIterable<string | Json> | Iterable<string | Json>;
}

export interface CaptureOptions {
  /** GS1-Capture-Error-Behaviour: rollback (default) stores nothing when any event fails; proceed stores the good ones. */
  errorBehaviour?: 'rollback' | 'proceed';
  /** A single event sent to POST /events rather than a document. */
  singleEvent?: boolean;
}

export interface CaptureResult {
  captureId: string;
  eventCount: number;
  storedCount: number;
  /** Events already held (same CBV 2.0 hash or eventID), so not stored again. */
  duplicates: Array<{ eventIndex: number; eventID: string }>;
  /** Events already held that this capture declared erroneous (re-sent with errorDeclaration). */
  corrections: Array<{ eventIndex: number; eventID: string }>;
  /** Event IDs in document order (client's own or the hash ID). */
  eventIds: string[];
  errors: CaptureError[];
}

const SSCC_PREFIX = 'https://id.gs1.org/00/';

/** Events per slice handed to preparation: small enough to pipeline within one document, large enough to batch writes. */
const SLICE = 250;
/** Slices prepared ahead of the one being written; bounds memory on a streamed 64 MB document. */
const AHEAD = 2;
/** Past this many errors in a rollback capture, stop checking: the client has plenty to fix. */
const MAX_ERRORS = 50;

/**
 * Captures EPCIS events for the calling firm: schema, identifiers and CBV terms checked, each event hashed (CBV 2.0)
 * to recognise re-sends, its product line and region decided, all of it in one transaction with the capture job and
 * the audit entry. Checking runs in worker threads (deps.preparer) one slice ahead of the writing.
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
  // The write transaction opens when the first checked events are ready to store (three slices in), not before: a
  // document rejected in its first slices never takes the store's write lock, and others wait less for the rest.
  let opened: Promise<CaptureWriter> | undefined;
  const writer = () => (opened ??= deps.events.openCaptureWriter());
  const inflight: Array<Promise<PrepareResult>> = [];
  let slice: Array<string | Json> = [];
  let sliceStart = 0;
  let eventCount = 0;
  let storedCount = 0;

  const dispatch = () => {
    if (slice.length === 0) return;
    const request = { startIndex: sliceStart, events: slice, singleEvent: !!options.singleEvent, context: source.context() ?? firstEventContext(slice[0]) };
    const result = deps.preparer.prepare(request);
    // A rejection is handled when this slice's turn comes; until then it must not count as unhandled.
    result.catch(() => undefined);
    inflight.push(result);
    sliceStart += slice.length;
    slice = [];
  };

  const write = async (result: PrepareResult) => {
    errors.push(...result.errors);
    for (const p of result.prepared) eventIds.push(p.eventId);
    if (errors.length && behaviour === 'rollback') return; // keep checking; nothing will be stored
    if (result.prepared.length === 0) return;
    await resolver.load(result.prepared);
    const rows = result.prepared.map((p) => resolver.toRow(p, captureId, recordTime));
    const stored = await (await writer()).addBatch(rows);
    storedCount += stored.size;
    for (const [i, p] of result.prepared.entries()) {
      if (stored.has(rows[i].row.id)) continue;
      if (p.errorDeclaration !== undefined) {
        // The same event re-sent with an errorDeclaration is a correction (EPCIS 2.0 §7.4.1.4), not a mere re-send.
        const outcome = await (await writer()).declareError({ eventHash: p.hash, eventId: p.eventId }, party.partyId, p.errorDeclaration, p.errorDeclaredAt!);
        if (outcome === 'declared') {
          corrections.push({ eventIndex: p.index, eventID: p.eventId });
          continue;
        }
        if (outcome === 'not_owner') {
          const field = options.singleEvent ? 'errorDeclaration' : `epcisBody.eventList[${p.index}].errorDeclaration`;
          errors.push({ eventIndex: p.index, field, code: 'not_event_owner', message: `${field}: only the party that captured an event may declare it erroneous` });
          continue;
        }
      }
      duplicates.push({ eventIndex: p.index, eventID: p.eventId });
    }
  };

  try {
    for await (const raw of source.events) {
      if (++eventCount > deps.config.captureEventLimit) {
        throw new DomainError('invalid', 'capture_limit_exceeded', `A capture may hold at most ${deps.config.captureEventLimit} events.`, {
          limit: deps.config.captureEventLimit,
        });
      }
      slice.push(raw);
      if (slice.length >= SLICE) {
        dispatch();
        while (inflight.length > AHEAD) await write(await inflight.shift()!);
        if (behaviour === 'rollback' && errors.length >= MAX_ERRORS) break;
      }
    }
    dispatch();
    while (inflight.length) await write(await inflight.shift()!);
    const envelope = source.envelope();
    const envelopeFaults = validateEpcisDocument(options.singleEvent ? envelope : withoutEvents(envelope));
    errors.unshift(...envelopeFaults.map((f) => schemaError(null, f, '')));
    if (eventCount === 0 && !options.singleEvent && errors.length === 0) {
      errors.push({ eventIndex: null, field: 'epcisBody.eventList', code: 'empty_document', message: 'The document holds no events.' });
    }
    if (errors.length && behaviour === 'rollback') throw new RejectedCapture();
    const finishedAt = deps.now().toISOString();
    await (await writer()).finish(
      {
        id: captureId, party_id: party.partyId, running: 0, success: errors.length ? 0 : 1, error_behaviour: behaviour,
        event_count: eventCount, stored_count: storedCount, duplicate_count: duplicates.length,
        errors: errors.length ? JSON.stringify(errors) : null, created_at: startedAt.toISOString(), finished_at: finishedAt,
      },
      auditEntry(deps, actor, 'epcis.capture', captureId, 'ok', { events: eventCount, stored: storedCount, duplicates: duplicates.length, corrections: corrections.length }),
    );
    return { captureId, eventCount, storedCount, duplicates, corrections, eventIds, errors };
  } catch (err) {
    if (opened) await (await opened.catch(() => undefined))?.abort();
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

/** A standalone event may carry its own @context. */
function firstEventContext(first: string | Json | undefined): unknown {
  if (first === undefined) return undefined;
  if (typeof first !== 'string') return first['@context'];
  try {
    return (JSON.parse(first) as Json)['@context'];
  } catch {
    return undefined;
  }
}

function withoutEvents(envelope: Json): Json {
  const body = (envelope.epcisBody as Json | undefined) ?? {};
  return { ...envelope, epcisBody: { ...body, eventList: [] } };
}

/** Decides product line and region for events, with one lookup of products and sites per batch. */
class EventContextResolver {
  private readonly categoryByClass = new Map<string, string | null>();
  private readonly regionBySite = new Map<string, string | null>();
  /** Logistics units (SSCC) and the product line of what was packed into them. */
  private readonly categoryByContainer = new Map<string, string>();

  constructor(
    private readonly deps: Deps,
    private readonly party: PartyActor,
  ) {}

  async load(events: readonly PreparedEvent[]): Promise<void> {
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
    const containers = [...classes].filter((c) => c.startsWith(SSCC_PREFIX) && !this.categoryByContainer.has(c));
    for (const [sscc, category] of await this.deps.events.listContainerCategories(containers)) this.categoryByContainer.set(sscc, category);
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
    // An event naming only a pallet or case (SSCC) belongs to the line of what was packed into it.
    for (const r of e.refs) {
      if (category) break;
      if (r.value.startsWith(SSCC_PREFIX)) category = this.categoryByContainer.get(r.value) ?? null;
    }
    const parent = e.refs.find((r) => r.role === 'parent');
    if (category && parent?.value.startsWith(SSCC_PREFIX) && !this.categoryByContainer.has(parent.value)) this.categoryByContainer.set(parent.value, category);
    const region =
      (e.bizLocation && this.regionBySite.get(e.bizLocation)) || (e.readPoint && this.regionBySite.get(e.readPoint)) || this.party.region;
    return {
      row: {
        id: newId('evt', recordTime), event_hash: hashBytes(e.hash), event_id: e.clientEventId, event_type: e.type, action: e.action,
        biz_step: e.bizStep, disposition: e.disposition, read_point: e.readPoint, biz_location: e.bizLocation,
        event_time: e.eventTime, event_time_zone_offset: e.offset, record_time: recordTime, captured_by: this.party.partyId,
        capture_id: captureId, category, region, error_declared_at: e.errorDeclaredAt, body: e.body,
      },
      refs: e.refs,
      lineage: e.lineage,
    };
  }
}

/**
 * The product-class URIs an identifier may belong to: the GTIN-level Digital Link for GS1 keys, issuer + category
 * for local codes (`urn:suyuan:local:<USCC>:<category>`), the 7-digit product part for drug traceability codes
 * (`urn:suyuan:drug-product:<7 digits>`), else the code itself.
 */
export function productClassesOf(canonical: string): string[] {
  const gtin = /^https:\/\/id\.gs1\.org\/01\/(\d{14})/.exec(canonical);
  if (gtin) return [`https://id.gs1.org/01/${gtin[1]}`];
  const local = /^(urn:suyuan:local:[^:]+:[^:]+):[^:]+$/.exec(canonical);
  if (local) return [local[1]];
  const drug = DRUG_CODE.exec(canonical);
  if (drug) return [drugProductClass(drug[1]!)];
  return [canonical];
}

const DRUG_CODE = /^urn:suyuan:drug:(\d{7})\d{13}$/;

/** The product class of drug traceability codes: their 7-digit product part (药品标识码), `urn:suyuan:drug-product:<7 digits>`. */
export function drugProductClass(productCode: string): string {
  return `urn:suyuan:drug-product:${productCode}`;
}
