import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { normalizeCbv, EVENT_TYPES } from '../domain/epcis/cbv.ts';
import { normalizeEpcisId } from '../domain/identifiers/index.ts';
import type { EventFilter, EventRow, RefCondition } from '../storage/repositories/event.repository.ts';
import type { Actor } from './actor.ts';
import { requireScope } from './authenticate.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { eventVisibilityFor } from './visibility.ts';

/** Query parameters as they arrive on the URL; a repeated parameter arrives as an array. */
export type QueryParams = Record<string, string | string[] | undefined>;

export interface QueryPage {
  events: Array<Record<string, unknown>>;
  nextPageToken?: string;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 1000;

/** Parameters of the binding that this server does not evaluate; asking for them is an error, never a silent no-op. */
const UNSUPPORTED = /^(EQ_quantity|GT_quantity|GE_quantity|LT_quantity|LE_quantity|EQ_errorReason|EQ_correctiveEventID|EQ_persistentDisposition_set|EQ_persistentDisposition_unset|EQ_transformationID|EQ_INNER_.*|GT_.*|GE_(?!eventTime|recordTime).*|LT_(?!eventTime|recordTime).*|LE_.*|EQ_ILMD_.*|EXISTS_.*|HASATTR_.*|EQATTR_.*|MATCH_inputEPCClass|MATCH_outputEPCClass|EQ_sensorMetadata_.*|EQ_sensorReport_.*|EQ_userID|EQ_requestID)$/;

/** EPCIS SimpleEventQuery over the events the actor may see, paged by an opaque token. @throws invalid `query_parameter` (QueryParameterException) */
export async function queryEvents(deps: Deps, actor: Actor, params: QueryParams, fixed: Partial<QueryParams> = {}): Promise<QueryPage> {
  requireScope(actor, 'query');
  const all = { ...params, ...fixed };
  const filter = await buildFilter(deps, actor, all);
  const perPage = intParam(all, 'perPage', DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
  const eventCountLimit = all.eventCountLimit !== undefined ? intParam(all, 'eventCountLimit', 0, 1, Number.MAX_SAFE_INTEGER) : undefined;
  // EPCIS 2.0 §8.2.7.1: eventCountLimit without orderBy SHALL raise a QueryParameterException ("first" needs an order).
  if (eventCountLimit !== undefined && all.orderBy === undefined) throw queryParameter('eventCountLimit', 'may be used only together with orderBy');
  const fingerprint = fingerprintOf(all);
  let remaining = eventCountLimit;
  const token = one(all, 'nextPageToken');
  if (token) {
    const cursor = decodeToken(token, fingerprint);
    filter.after = { key: cursor.k, id: cursor.i };
    remaining = cursor.r ?? remaining;
  }
  const pageSize = remaining !== undefined ? Math.min(perPage, remaining) : perPage;
  const rows = await deps.events.queryEvents({ ...filter, limit: pageSize + 1 });
  const page = rows.slice(0, pageSize);
  const more = rows.length > pageSize && (remaining === undefined || remaining - page.length > 0);
  const last = page[page.length - 1];
  const nextPageToken = more && last
    ? encodeToken({ k: filter.orderBy === 'event_time' ? last.event_time : last.record_time, i: last.id, r: remaining !== undefined ? remaining - page.length : undefined, f: fingerprint })
    : undefined;
  await recordAudit(deps, actor, 'epcis.query', null, 'ok', { count: page.length, params: Object.keys(all).filter((k) => k !== 'nextPageToken') });
  return { events: page.map(presentEvent), nextPageToken };
}

/** One event by its eventID, if the actor may see it. @throws not_found `event_not_found` */
export async function getEvent(deps: Deps, actor: Actor, eventId: string): Promise<Record<string, unknown>> {
  requireScope(actor, 'query');
  const row = await deps.events.findEventByEventId(eventId, await eventVisibilityFor(deps, actor));
  await recordAudit(deps, actor, 'epcis.event.read', eventId, row ? 'ok' : 'failed');
  // An event the actor may not see answers exactly as one that does not exist, so its existence does not leak.
  if (!row) throw new DomainError('not_found', 'event_not_found', `No event ${eventId} visible to you.`, { field: 'eventID' });
  return presentEvent(row);
}

/** The stored event as served: the body as captured plus recordTime. */
export function presentEvent(row: EventRow): Record<string, unknown> {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  body.recordTime = new Date(row.record_time).toISOString();
  return body;
}

async function buildFilter(deps: Deps, actor: Actor, p: QueryParams): Promise<Omit<EventFilter, 'limit'>> {
  const refs: RefCondition[] = [];
  const filter: Omit<EventFilter, 'limit'> = {
    visibility: await eventVisibilityFor(deps, actor),
    orderBy: 'event_time',
    direction: 'desc',
    refs,
  };
  for (const [name, raw] of Object.entries(p)) {
    if (raw === undefined) continue;
    const values = list(raw);
    if (['perPage', 'nextPageToken', 'eventCountLimit'].includes(name)) continue;
    if (name === 'eventType') {
      // Extension event types are URIs (the binding allows them); they simply match what was captured with that type.
      for (const v of values) {
        if (!(EVENT_TYPES as readonly string[]).includes(v) && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(v)) {
          throw queryParameter(name, `"${v}" is not one of ${EVENT_TYPES.join(', ')} nor an extension event type URI`);
        }
      }
      filter.eventTypes = values;
    } else if (['GE_eventTime', 'LT_eventTime', 'GE_recordTime', 'LT_recordTime'].includes(name)) {
      const t = timeParam(p, name);
      const key = ({ GE_eventTime: 'eventTimeGE', LT_eventTime: 'eventTimeLT', GE_recordTime: 'recordTimeGE', LT_recordTime: 'recordTimeLT' } as const)[name as 'GE_eventTime'];
      filter[key] = t;
    } else if (name === 'EQ_action') {
      for (const v of values) if (!['ADD', 'OBSERVE', 'DELETE'].includes(v)) throw queryParameter(name, `"${v}" is not ADD, OBSERVE or DELETE`);
      filter.actions = values;
    } else if (name === 'EQ_bizStep') {
      filter.bizSteps = values.map((v) => normalizeCbv(v, 'BizStep'));
    } else if (name === 'EQ_disposition') {
      filter.dispositions = values.map((v) => normalizeCbv(v, 'Disp'));
    } else if (name === 'EQ_readPoint' || name === 'WD_readPoint') {
      filter.readPoints = values.map((v) => id(name, v, 'location'));
    } else if (name === 'EQ_bizLocation' || name === 'WD_bizLocation') {
      filter.bizLocations = values.map((v) => id(name, v, 'location'));
    } else if (name === 'EXISTS_errorDeclaration') {
      filter.errorDeclared = true;
    } else if (name === 'GE_errorDeclarationTime' || name === 'LT_errorDeclarationTime') {
      const t = timeParam(p, name);
      if (name.startsWith('GE_')) filter.errorDeclarationTimeGE = t;
      else filter.errorDeclarationTimeLT = t;
    } else if (name === 'EQ_eventID') {
      filter.eventIds = values;
    } else if (name === 'MATCH_epc') {
      refs.push(match(name, values, ['epc', 'child'], 'epc'));
    } else if (name === 'MATCH_parentID') {
      refs.push(match(name, values, ['parent'], 'epc'));
    } else if (name === 'MATCH_inputEPC') {
      refs.push(match(name, values, ['input'], 'epc'));
    } else if (name === 'MATCH_outputEPC') {
      refs.push(match(name, values, ['output'], 'epc'));
    } else if (name === 'MATCH_anyEPC') {
      refs.push(match(name, values, ['epc', 'child', 'parent', 'input', 'output'], 'epc'));
    } else if (name === 'MATCH_epcClass') {
      refs.push(match(name, values, ['epc_class', 'child_class'], 'epcClass'));
    } else if (name === 'MATCH_anyEPCClass') {
      refs.push(match(name, values, ['epc_class', 'child_class', 'input_class', 'output_class'], 'epcClass'));
    } else if (name.startsWith('EQ_bizTransaction_')) {
      refs.push({ roles: ['biz_transaction'], type: normalizeCbv(name.slice('EQ_bizTransaction_'.length), 'BTT'), values });
    } else if (name.startsWith('EQ_source_') || name.startsWith('EQ_destination_')) {
      const role = name.startsWith('EQ_source_') ? 'source' : 'destination';
      const type = normalizeCbv(name.slice(`EQ_${role}_`.length), 'SDT');
      refs.push({ roles: [role], type, values: values.map((v) => id(name, v, type === 'location' ? 'location' : 'party')) });
    } else if (name === 'orderBy') {
      const v = one(p, name);
      if (v !== 'eventTime' && v !== 'recordTime') throw queryParameter(name, 'must be eventTime or recordTime');
      filter.orderBy = v === 'eventTime' ? 'event_time' : 'record_time';
    } else if (name === 'orderDirection') {
      const v = one(p, name);
      if (v !== 'ASC' && v !== 'DESC') throw queryParameter(name, 'must be ASC or DESC');
      filter.direction = v === 'ASC' ? 'asc' : 'desc';
    } else if (UNSUPPORTED.test(name)) {
      throw queryParameter(name, 'is a SimpleEventQuery parameter this server does not evaluate');
    } else {
      throw queryParameter(name, 'is not a SimpleEventQuery parameter');
    }
  }
  return filter;
}

/** A MATCH_ condition: exact canonical identifiers, or class-level patterns (urn:epc:idpat:…:*) as prefixes. */
function match(name: string, values: string[], roles: string[], kind: 'epc' | 'epcClass'): RefCondition {
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const v of values) {
    const pattern = /^urn:epc:idpat:sgtin:([0-9]+)\.([0-9]+)\.\*$/.exec(v);
    if (pattern) {
      const gtinLevel = id(name, `urn:epc:idpat:sgtin:${pattern[1]}.${pattern[2]}.*`, 'epcClass');
      prefixes.push(`${gtinLevel}/`);
      exact.push(gtinLevel);
    } else exact.push(id(name, v, kind));
  }
  return { roles, values: exact, prefixes };
}

function id(name: string, value: string, kind: Parameters<typeof normalizeEpcisId>[1]): string {
  try {
    return normalizeEpcisId(value, kind);
  } catch (err) {
    if (err instanceof DomainError) throw queryParameter(name, `"${value}": ${err.message}`);
    throw err;
  }
}

function list(raw: string | string[]): string[] {
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split('|')).filter((v) => v !== '');
}

function one(p: QueryParams, name: string): string | undefined {
  const v = p[name];
  if (Array.isArray(v)) {
    if (v.length > 1) throw queryParameter(name, 'may be given only once');
    return v[0];
  }
  return v;
}

/** A date-time parameter; without an offset Date.parse would read the server's zone, so Z or ±hh:mm is required (RFC 3339). */
function timeParam(p: QueryParams, name: string): number {
  const raw = one(p, name)!;
  const t = Date.parse(raw);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/i.test(raw)) throw queryParameter(name, 'must be an ISO-8601 date-time with time zone');
  return t;
}

function intParam(p: QueryParams, name: string, fallback: number, min: number, max: number): number {
  const raw = one(p, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw queryParameter(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

function queryParameter(name: string, message: string): DomainError {
  return new DomainError('invalid', 'query_parameter', `${name} ${message}`, { field: name });
}

interface Cursor {
  k: number;
  i: string;
  r?: number;
  f: string;
}

function fingerprintOf(p: QueryParams): string {
  const keys = Object.keys(p).filter((k) => k !== 'nextPageToken' && k !== 'perPage' && p[k] !== undefined).sort();
  return createHash('sha256').update(JSON.stringify(keys.map((k) => [k, p[k]]))).digest('base64url').slice(0, 12);
}

function encodeToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw queryParameter('nextPageToken', 'is not a token this server issued');
  }
  if (typeof c?.k !== 'number' || typeof c.i !== 'string') throw queryParameter('nextPageToken', 'is not a token this server issued');
  if (c.f !== fingerprint) throw queryParameter('nextPageToken', 'belongs to a query with other parameters');
  return c;
}
