import { publicOrigin } from '../config/load-config.ts';
import type { EventRow, RefCondition } from '../storage/repositories/event.repository.ts';
import type { ProductRow } from '../storage/repositories/product.repository.ts';
import { DomainError, invalid } from '../domain/errors.ts';
import { normalizeEpcisId, parseAnyCode, parseCodeField, toDigitalLink, type ParsedCode } from '../domain/identifiers/index.ts';
import { markOf } from '../domain/labels/certification-mark.ts';
import { isGs1Canonical, labelContent, parseExpiry, SYMBOLOGIES, type LabelContent, type LabelMark, type Symbology } from '../domain/labels/label-content.ts';
import { LABELS_PER_PAGE, renderLabelSheet } from '../domain/labels/label-sheet.ts';
import { renderLabelSvg } from '../domain/labels/label-svg.ts';
import { symbolPng } from '../domain/labels/symbol.ts';
import type { Actor, PartyActor } from './actor.ts';
import { requireAdmin, requirePartyScope, requireScope } from './authenticate.ts';
import { captureEvents, productClassesOf } from './capture-events.ts';
import type { Deps } from './deps.ts';
import { recordAudit } from './record-audit.ts';
import { eventVisibilityFor } from './visibility.ts';

export type LabelFormat = 'svg' | 'png';
export const LABEL_FORMATS: readonly LabelFormat[] = ['svg', 'png'];
/** Most labels one sheet request may print (and serials it may commission). */
export const MAX_SHEET_LABELS = 1000;

export interface RenderLabelInput {
  code: string;
  format?: string;
  symbology?: string;
}

export interface RenderedLabel {
  contentType: 'image/svg+xml' | 'image/png';
  body: Uint8Array;
  /** The code's canonical form. */
  code: string;
  /** What the symbol encodes. */
  encoded: string;
}

export interface PrintLabelSheetInput {
  /** The lot: any form of a GTIN + lot code (Digital Link `/01/{gtin}/10/{lot}`, `(01)…(10)…`, EPC class URN). */
  lot: string;
  count: number;
  /** The first serial to commission; the rest follow by incrementing its trailing digits. Default: the next free `<lot>NNNNNN`. */
  firstSerial?: string;
  /** Expiry date YYYY-MM-DD: printed, encoded as AI (17) and recorded as ilmd `cbvmda:itemExpirationDate`. */
  expiry?: string;
  /** One of the caller's sites (GLN, Digital Link /414/ or urn:suyuan:site:…), recorded as readPoint and bizLocation. */
  site?: string;
  symbology?: string;
}

export interface LabelSheet {
  pdf: Uint8Array;
  /** The serials commissioned, in print order. */
  serials: string[];
  captureId: string;
  /** eventID of the commissioning ObjectEvent. */
  eventId: string;
  /** The lot's canonical Digital Link. */
  lot: string;
  pages: number;
}

const EPC_ROLES = ['epc', 'child', 'parent', 'input', 'output'];
const EPCIS_CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
/** Offset events are recorded with: the platform serves Chinese cities (China Standard Time, UTC+8, no DST). */
const CHINA_OFFSET = '+08:00';
const COUNTER_DIGITS = 6;
const AI21_MAX = 20;

/**
 * One label for a code as SVG (the whole label: symbol, element string, expiry, certification marks) or PNG (the
 * symbol alone, for a firm's own artwork). A firm (party key with `capture`) labels only products it registered; an
 * administrator (the CLI operator) any unit code.
 * @throws invalid `bad_format` | `bad_symbology` | `invalid_code` | `not_a_unit` | `symbol_encoding_failed`; forbidden `not_your_product`
 */
export async function renderLabel(deps: Deps, actor: Actor, input: RenderLabelInput): Promise<RenderedLabel> {
  requireScope(actor, 'capture');
  const format = oneOf('format', input.format ?? 'svg', LABEL_FORMATS, 'bad_format');
  const symbology = oneOf('symbology', input.symbology ?? 'qr', SYMBOLOGIES, 'bad_symbology');
  const code = parseCode('code', input.code);
  const product = await productFor(deps, actor, code, 'code');
  const marks = product ? await marksOf(deps, product) : [];
  // A code that carries its own expiry (AI 17) keeps it; otherwise the one recorded when the unit or its lot was made.
  const expiry = code.ais?.some((a) => a.ai === '17') ? null : await knownExpiry(deps, actor, [code.canonical, ...lotOf(code)]);
  const content = labelContent({ code, origin: publicOrigin(deps.config), symbology, expiry, productName: product?.name ?? null, marks, today: deps.now() });
  const body = format === 'svg' ? new TextEncoder().encode(renderLabelSvg(content)) : await symbolPng(content.symbol);
  await recordAudit(deps, actor, 'label.render', code.canonical, 'ok', { format, symbology, marks: marks.map((m) => m.type) });
  return { contentType: format === 'svg' ? 'image/svg+xml' : 'image/png', body, code: code.canonical, encoded: content.symbol.text };
}

/**
 * A PDF sheet of `count` labels for serialised units of a lot (A4, 24 to a page), commissioning their serials in
 * the same step: one EPCIS ObjectEvent (ADD, commissioning, active, the serials' SGTINs, ilmd lot number and expiry)
 * captured like any other — checked, hashed, written to the ledger and audited. All or nothing: when the capture
 * fails no PDF is returned, and no serial is commissioned when the PDF cannot be drawn.
 * @throws invalid `bad_count` | `invalid_code` | `not_a_lot` | `bad_expiry` | `bad_serial` | `unknown_site`; forbidden `not_your_product`; conflict `serial_exists` | `serials_exhausted`
 */
export async function printLabelSheet(deps: Deps, actor: Actor, input: PrintLabelSheetInput): Promise<LabelSheet> {
  const party = requirePartyScope(actor, 'capture');
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_SHEET_LABELS) {
    throw invalid('bad_count', `count must be a whole number from 1 to ${MAX_SHEET_LABELS}`, { field: 'count' });
  }
  const symbology = oneOf('symbology', input.symbology ?? 'qr', SYMBOLOGIES, 'bad_symbology');
  const lotCode = parseCode('lot', input.lot);
  const ais = lotCode.ais ?? [];
  const gtin = ais.find((a) => a.ai === '01')?.value;
  const lot = ais.find((a) => a.ai === '10')?.value;
  if (!isGs1Canonical(lotCode.canonical) || !gtin || !lot || ais.some((a) => a.ai === '21')) {
    throw invalid('not_a_lot', `lot: ${lotCode.display} is not a GTIN with a lot number (e.g. /01/<GTIN>/10/<lot>)`, { field: 'lot' });
  }
  const product = (await productFor(deps, party, lotCode, 'lot'))!;
  const expiry = input.expiry !== undefined ? parseExpiry(input.expiry) : undefined;
  const site = input.site !== undefined ? await ownSite(deps, party, input.site) : undefined;
  const marks = await marksOf(deps, product);
  const labelExpiry = expiry ?? (await knownExpiry(deps, actor, [lotCode.canonical]));

  return withLock(`${gtin}/${lot}`, async () => {
    const serials = input.firstSerial !== undefined ? serialsFrom(input.firstSerial, input.count) : await nextSerials(deps, gtin, lot, input.count);
    const epcs = serials.map((s) => serialUri(gtin, s, input.firstSerial !== undefined ? 'firstSerial' : 'lot'));
    const taken = await existingEpcs(deps, epcs);
    if (taken.length) {
      const firstTaken = serials[epcs.indexOf(taken[0])];
      throw new DomainError('conflict', 'serial_exists', `Serial ${firstTaken} of GTIN ${gtin} is already in use${taken.length > 1 ? ` (and ${taken.length - 1} more)` : ''}; choose another firstSerial.`, {
        field: input.firstSerial !== undefined ? 'firstSerial' : 'lot',
        serials: taken.slice(0, 20),
      });
    }
    const origin = publicOrigin(deps.config);
    const now = deps.now();
    const contents: LabelContent[] = serials.map((serial) =>
      labelContent({
        code: parseAnyCode(toDigitalLink([{ ai: '01', value: gtin }, { ai: '10', value: lot }, { ai: '21', value: serial }])),
        origin, symbology, expiry: labelExpiry, productName: product.name, marks, today: now,
      }),
    );
    // Drawn before the capture: a sheet that cannot be drawn commissions nothing.
    const pdf = await renderLabelSheet(contents, { title: `Suyuan labels (01)${gtin}(10)${lot}`, createdAt: now });
    const event: Record<string, unknown> = {
      type: 'ObjectEvent',
      eventTime: now.toISOString(),
      eventTimeZoneOffset: CHINA_OFFSET,
      epcList: epcs,
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      ...(site ? { readPoint: { id: site }, bizLocation: { id: site } } : {}),
      ilmd: { 'cbvmda:lotNumber': lot, ...(expiry ? { 'cbvmda:itemExpirationDate': expiry } : {}) },
    };
    const document = { '@context': EPCIS_CONTEXT, type: 'EPCISDocument', schemaVersion: '2.0', creationDate: now.toISOString() };
    const captured = await captureEvents(deps, actor, { envelope: () => ({ ...document, epcisBody: {} }), context: () => EPCIS_CONTEXT, events: [event] });
    if (captured.storedCount !== 1) {
      throw new DomainError('conflict', 'serial_exists', 'The commissioning event is already held; print with other serials.', { field: 'firstSerial', captureId: captured.captureId });
    }
    await recordAudit(deps, actor, 'label.sheet', lotCode.canonical, 'ok', {
      captureId: captured.captureId, count: serials.length, first: serials[0], last: serials.at(-1), symbology, marks: marks.map((m) => m.type),
    });
    return { pdf, serials, captureId: captured.captureId, eventId: captured.eventIds[0], lot: lotCode.canonical, pages: Math.ceil(serials.length / LABELS_PER_PAGE) };
  });
}

/**
 * The operator acting for a firm from the CLI (`suyuan labels --sheet … --party <id>`): a party actor with the
 * firm's identity and both scopes, audited as `cli.act_as_party` under the operator.
 * @throws forbidden `admin_only`; not_found `party_not_found` (field `party`)
 */
export async function actAsParty(deps: Deps, operator: Actor, partyId: string): Promise<PartyActor> {
  requireAdmin(operator);
  const p = await deps.parties.findPartyById(partyId);
  if (!p) throw new DomainError('not_found', 'party_not_found', `No party ${partyId}.`, { field: 'party' });
  await recordAudit(deps, operator, 'cli.act_as_party', p.id);
  return {
    kind: 'party', keyId: operator.kind === 'admin' ? operator.keyId : 'cli', partyId: p.id, partyKind: p.kind, partyUri: p.uri, region: p.region,
    scopes: ['capture', 'query'], department: p.department, regions: p.regions ? (JSON.parse(p.regions) as string[]) : [],
  };
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[], code: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalid(code, `${field} must be ${allowed.join(' or ')}, not "${value}"`, { field });
  return value as T;
}

function parseCode(field: string, value: string): ParsedCode {
  const parsed = parseCodeField(String(value ?? ''), field);
  const c = parsed.canonical;
  const unit = (isGs1Canonical(c) && !/^https:\/\/id\.gs1\.org\/(414|417)\//.test(c)) || /^urn:suyuan:(drug|local|iid|equip):/.test(c);
  if (!unit) throw invalid('not_a_unit', `${field}: ${parsed.display} names a ${parsed.scheme}, not a product unit that can be labelled`, { field });
  return parsed;
}

/**
 * The registered product a code belongs to. A firm must have registered it itself; an administrator may label
 * codes of any product or of none.
 * @throws forbidden `not_your_product` naming `field`
 */
async function productFor(deps: Deps, actor: Actor, code: ParsedCode, field: string): Promise<ProductRow | undefined> {
  const classUri = productClassesOf(code.canonical)[0];
  const product = await deps.products.findProductByClassUri(classUri);
  if (actor.kind === 'party' && product?.party_id !== actor.partyId) {
    throw new DomainError('forbidden', 'not_your_product', `${field}: ${code.display} is not a product your firm registered (${classUri}); a firm prints labels only for its own products.`, {
      field,
    });
  }
  return product;
}

/** Marks of the certificates the product itself holds that are valid today and whose type carries a mark. */
async function marksOf(deps: Deps, product: ProductRow): Promise<LabelMark[]> {
  const rows = await deps.certificates.listCertificatesOf(product.party_id, product.id, deps.now().toISOString().slice(0, 10));
  const marks: LabelMark[] = [];
  for (const c of rows.filter((row) => row.product_id === product.id)) {
    const mark = markOf(c);
    if (mark && !marks.some((m) => m.type === mark.type && m.number === mark.number)) marks.push(mark);
  }
  return marks;
}

/** The lot of a serialised GS1 code when the code names it (`…/10/<lot>/21/<serial>`). */
function lotOf(code: ParsedCode): string[] {
  const gtin = code.ais?.find((a) => a.ai === '01')?.value;
  const lot = code.ais?.find((a) => a.ai === '10')?.value;
  return gtin && lot && code.ais?.some((a) => a.ai === '21') ? [toDigitalLink([{ ai: '01', value: gtin }, { ai: '10', value: lot }])] : [];
}

/** The expiry recorded (ilmd `cbvmda:itemExpirationDate`) in the first event the actor may see naming one of the codes. */
async function knownExpiry(deps: Deps, actor: Actor, codes: string[]): Promise<string | null> {
  const visibility = await eventVisibilityFor(deps, actor);
  const refs: RefCondition[] = [{ roles: [...EPC_ROLES, 'epc_class', 'child_class', 'output_class'], values: codes }];
  const rows = await deps.events.queryEvents({ refs, visibility, orderBy: 'event_time', direction: 'asc', limit: 20 });
  for (const row of rows) {
    const ilmd = (JSON.parse(row.body) as { ilmd?: Record<string, unknown> }).ilmd;
    const value = ilmd && Object.entries(ilmd).find(([k]) => k === 'cbvmda:itemExpirationDate' || k.endsWith('#itemExpirationDate'))?.[1];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  }
  return null;
}

/** A site of the calling firm, canonical. @throws invalid `unknown_site` naming `site` */
async function ownSite(deps: Deps, party: PartyActor, site: string): Promise<string> {
  let uri: string;
  try {
    uri = normalizeEpcisId(/^\d{13}$/.test(site.trim()) ? `https://id.gs1.org/414/${site.trim()}` : site.trim(), 'location');
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw invalid('unknown_site', `site: ${err.message}`, { field: 'site' });
  }
  const sites = await deps.parties.listSitesOfParty(party.partyId);
  if (!sites.some((s) => s.uri === uri)) throw invalid('unknown_site', `site: ${uri} is not one of your firm's sites`, { field: 'site' });
  return uri;
}

/** The SGTIN of a serial as stored. @throws invalid `bad_serial` naming `field` */
function serialUri(gtin: string, serial: string, field: string): string {
  try {
    return toDigitalLink([{ ai: '01', value: gtin }, { ai: '21', value: serial }]);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    throw invalid('bad_serial', `${field}: serial "${serial}" is not a valid GS1 serial number (AI 21): ${err.message}`, { field });
  }
}

/** `count` serials from `first`, incrementing its trailing digits with their width kept (A0009 → A0010). @throws invalid `bad_serial` */
function serialsFrom(first: string, count: number): string[] {
  const m = /^(.*?)(\d+)$/.exec(first);
  if (!m) {
    if (count === 1) return [first];
    throw invalid('bad_serial', `firstSerial must end in digits to number ${count} serials from it`, { field: 'firstSerial' });
  }
  const [, stem, digits] = m;
  const start = BigInt(digits);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const n = (start + i).toString();
    if (n.length > digits.length) throw invalid('bad_serial', `firstSerial ${first}: ${count} serials overflow its ${digits.length} digits`, { field: 'firstSerial' });
    out.push(stem + n.padStart(digits.length, '0'));
  }
  return out;
}

/**
 * The next `count` free serials `<lot>NNNNNN` of the lot: after the highest such counter any event names for this
 * GTIN, so serials once commissioned (even if later destroyed) are never issued again.
 * @throws invalid `bad_serial` (lot too long for a 20-character serial); conflict `serials_exhausted`
 */
async function nextSerials(deps: Deps, gtin: string, lot: string, count: number): Promise<string[]> {
  if (lot.length + COUNTER_DIGITS > AI21_MAX) {
    throw invalid('bad_serial', `lot ${lot} is too long to prefix ${COUNTER_DIGITS}-digit serials (AI 21 holds ${AI21_MAX} characters); give firstSerial`, { field: 'firstSerial' });
  }
  // Digital Link escaping works character by character, so the escaped prefix is the prefix of every escaped serial.
  const zero = serialUri(gtin, lot + '0'.repeat(COUNTER_DIGITS), 'lot');
  const prefix = zero.slice(0, -COUNTER_DIGITS);
  let highest = 0;
  for await (const row of eventsNaming(deps, { roles: EPC_ROLES, values: [], prefixes: [prefix] })) {
    for (const epc of epcsOf(row)) {
      const rest = epc.startsWith(prefix) ? epc.slice(prefix.length) : '';
      if (/^\d{6}$/.test(rest)) highest = Math.max(highest, Number(rest));
    }
  }
  if (highest + count > 10 ** COUNTER_DIGITS - 1) {
    throw new DomainError('conflict', 'serials_exhausted', `Lot ${lot} has no ${count} more ${COUNTER_DIGITS}-digit serials after ${highest}; give firstSerial.`, { field: 'firstSerial' });
  }
  return Array.from({ length: count }, (_, i) => lot + String(highest + 1 + i).padStart(COUNTER_DIGITS, '0'));
}

/** Which of these SGTINs some stored event already names (in any EPC role, whoever captured it). */
async function existingEpcs(deps: Deps, epcs: string[]): Promise<string[]> {
  const wanted = new Set(epcs);
  const found = new Set<string>();
  for (let i = 0; i < epcs.length; i += 500) {
    for await (const row of eventsNaming(deps, { roles: EPC_ROLES, values: epcs.slice(i, i + 500) })) {
      for (const epc of epcsOf(row)) if (wanted.has(epc)) found.add(epc);
    }
  }
  return epcs.filter((e) => found.has(e));
}

/** Every stored event matching the condition, page by page (serial numbers are unique platform-wide, so no visibility filter). */
async function* eventsNaming(deps: Deps, cond: RefCondition): AsyncGenerator<EventRow> {
  let after: { key: number; id: string } | undefined;
  for (;;) {
    const rows = await deps.events.queryEvents({ refs: [cond], visibility: { kind: 'all' }, orderBy: 'record_time', direction: 'asc', after, limit: 500 });
    yield* rows;
    if (rows.length < 500) return;
    const last = rows.at(-1)!;
    after = { key: last.record_time, id: last.id };
  }
}

/** The EPCs an event body names, canonical. */
function epcsOf(row: EventRow): string[] {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  const raw: unknown[] = [];
  for (const list of ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList']) if (Array.isArray(body[list])) raw.push(...(body[list] as unknown[]));
  if (body.parentID !== undefined) raw.push(body.parentID);
  const out: string[] = [];
  for (const v of raw) {
    if (typeof v !== 'string') continue;
    try {
      out.push(normalizeEpcisId(v, 'epc'));
    } catch {
      // A stored value that no longer parses names no serial of ours.
    }
  }
  return out;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs sheets for the same lot one after another in this process, so two at once cannot pick the same serials. */
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}
