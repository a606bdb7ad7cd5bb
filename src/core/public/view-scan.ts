import { findCertificateType } from '../../domain/directory/certificate-types.ts';
import { PRODUCT_LINES } from '../../domain/directory/product-directory.ts';
import { gs1DateToIso, validateRegion } from '../../domain/identifiers/index.ts';
import type { ScanTally } from '../../storage/repositories/scan.repository.ts';
import type { ProductRow } from '../../storage/repositories/product.repository.ts';
import type { Deps } from '../deps.ts';
import { checkEventsAgainstLedger } from '../ledger.ts';
import { productClassesOf } from '../capture-events.ts';
import { tracePublicChain, type TraceStep } from '../trace-unit.ts';
import type { ResolvedCode } from './resolve-code.ts';

/** A place as the public sees it: a name and the district it is in. */
export interface PublicPlace {
  name: string | null;
  region: string | null;
  regionNameZh: string | null;
  regionNameEn: string | null;
}

export interface PublicStep {
  time: string;
  /** The CBV business step, or the lineage kind when the event has none. */
  step: string;
  party: string | null;
  place: PublicPlace | null;
  eventId: string;
  /** False when this event failed the ledger check. */
  verified: boolean;
}

export interface PublicInspection {
  time: string;
  by: string | null;
  /** CBV disposition of the inspecting event: conformant, non_conformant … */
  result: string | null;
  /** Report numbers (bizTransaction of type testres). */
  reports: string[];
  certificationInfo: string[];
}

export interface PublicCertificate {
  type: string;
  nameZh: string;
  nameEn: string;
  number: string;
  issuer: string;
  validTo: string | null;
  mark: boolean;
}

/** Everything the scan page shows for one code, public view (issue 4 §2). Quantities and customers are never in it. */
export interface ScanView {
  code: ResolvedCode;
  known: boolean;
  product: { name: string; category: string; categoryZh: string; categoryEn: string; spec: string | null; imageUrl: string | null } | null;
  producer: {
    name: string;
    uscc: string;
    region: PublicPlace;
    licences: Array<{ type: string; number: string; validTo: string | null }>;
    certificates: PublicCertificate[];
    /** 良好 unless the firm is on the dishonesty blacklist. */
    credit: 'good' | 'blacklisted';
  } | null;
  dates: { production: string | null; expiry: string | null; expired: boolean };
  timeline: PublicStep[];
  inspections: PublicInspection[];
  verification: { verified: boolean; checked: number; failed: number; treeSize: number; rootHash: string };
  recalls: Array<{ id: string; reason: string; severity: string; since: string }>;
  notices: Array<{ id: string; level: string; title: string; body: string; publishedAt: string }>;
  blacklisted: Array<{ party: string; reason: string; since: string }>;
  scans: { count: number; first: boolean; firstAt: string; regions: string[]; suspicious: boolean; reason: 'too_many_scans' | 'far_apart' | null } | null;
  truncated: boolean;
}

/** A serialised unit scanned more often than this is flagged as a possible counterfeit (docs/public-query.md). */
export const SUSPICIOUS_SCAN_COUNT = 10;

export interface ScanOptions {
  /** Record this view in the scan log (a person scanning), with the district the phone shared. */
  record?: { region: string | null; clientClass: string };
  /** The product row when the caller has already looked it up (null: known to be unregistered). */
  product?: ProductRow | null;
}

/**
 * Builds the public view of a scanned code: product, producer and its standing, dates, the chain back to the origin,
 * inspections, ledger verification, recalls, notices, blacklist, and the scan count. Public: no key needed, and
 * nothing in it is a trade secret (no quantities, no customers).
 */
export async function viewScan(deps: Deps, code: ResolvedCode, options: ScanOptions = {}): Promise<ScanView> {
  const now = deps.now();
  const classUri = code.productClass ?? productClassesOf(code.unit)[0]!;
  const productRow = options.product !== undefined ? options.product ?? undefined : await deps.products.findProductByClassUri(classUri);
  const { trace, events } = await publicChainOf(deps, code);

  const units = [code.unit, ...(code.lot ? [code.lot] : [])];
  // A notice about any unit of the chain (the carton's lot, the raw milk it was made from) concerns this code too.
  const chainUnits = trace.nodes.filter((n) => n.type === 'unit').map((n) => n.id);
  const chainPartyIds = [...new Set([...(productRow ? [productRow.party_id] : []), ...trace.edges.map((e) => e.party.id)])];
  // Independent reads: on PostgreSQL they overlap; on SQLite they queue on the one connection as before.
  const [ledger, producerParty, blacklist, openRecalls, noticeRows, certificateRows, licenceRows] = await Promise.all([
    checkEventsAgainstLedger(deps, events.map((e) => e.rowId), { auditPaths: false }),
    productRow ? deps.parties.findPartyById(productRow.party_id) : undefined,
    deps.notices.listBlacklist(now.toISOString(), chainPartyIds),
    deps.recalls.listOpenRecallsOfUnits(units),
    deps.notices.listNoticesConcerning({ codes: [...new Set([...units, ...chainUnits, classUri])], partyIds: chainPartyIds, category: productRow?.category ?? null }),
    productRow ? deps.certificates.listCertificatesOf(productRow.party_id, productRow.id, now.toISOString().slice(0, 10)) : [],
    productRow ? deps.parties.listLicences(productRow.party_id) : [],
  ]);
  const faultOf = new Map(ledger.checks.map((c, i) => [events[i]!.eventId, c.fault]));
  const rowIdOf = new Map(events.map((e) => [e.eventId, e.rowId]));
  const bodyOf = (eventId: string) => ledger.body(rowIdOf.get(eventId) ?? '');

  const sites = new Map(trace.nodes.filter((n) => n.type === 'site').map((n) => [n.id, n]));
  const timeline: PublicStep[] = trace.timeline.map((s) => ({
    time: s.time,
    step: s.bizStep ?? s.kind,
    party: s.party.name ?? null,
    place: s.place ? place(s.place.name ?? sites.get(s.place.id)?.label ?? null, s.place.region ?? s.region) : s.region ? place(null, s.region) : null,
    eventId: s.eventId,
    verified: faultOf.get(s.eventId) === null,
  }));
  const inspections = trace.timeline.filter((s) => s.bizStep === 'inspecting').map((s) => inspectionOf(s, bodyOf(s.eventId)));

  let producer: ScanView['producer'] = null;
  if (producerParty) {
    const certificates = certificateRows.map((c): PublicCertificate => {
      const type = findCertificateType(c.type);
      return { type: c.type, nameZh: type?.nameZh ?? c.type, nameEn: type?.nameEn ?? c.type, number: c.number, issuer: c.issuer_name, validTo: c.valid_to, mark: type?.mark ?? false };
    });
    const licences = licenceRows.map((l) => ({ type: l.type, number: l.number, validTo: l.valid_to }));
    producer = {
      name: producerParty.name, uscc: producerParty.uscc, region: place(null, producerParty.region), licences, certificates,
      credit: blacklist.some((b) => b.party_id === producerParty.id) ? 'blacklisted' : 'good',
    };
  }

  const line = productRow ? PRODUCT_LINES.find((l) => l.id === productRow.category) : undefined;
  const product = productRow
    ? { name: productRow.name, category: productRow.category, categoryZh: line?.nameZh ?? productRow.category, categoryEn: line?.nameEn ?? productRow.category, spec: productRow.spec, imageUrl: productRow.image_url }
    : null;

  const dates = datesOf(code, trace.timeline, bodyOf, productRow?.shelf_life_days ?? null, now);

  const recalls = await presentRecalls(deps, openRecalls);
  const notices = noticeRows.map((n) => ({ id: n.id, level: n.level, title: n.title, body: n.body, publishedAt: n.published_at }));

  const known = trace.timeline.length > 0 || productRow !== undefined;
  let tally: ScanTally | undefined;
  if (options.record && known) {
    tally = await deps.scans.recordScan({ unit: code.unit, at: now.toISOString(), region: options.record.region, clientClass: options.record.clientClass });
  } else if (known) {
    tally = await deps.scans.findTally(code.unit);
  }

  return {
    code, known, product, producer, dates, timeline, inspections,
    verification: { verified: ledger.verified, checked: ledger.checks.length, failed: ledger.checks.filter((c) => c.fault !== null).length, treeSize: ledger.treeSize, rootHash: ledger.rootHash },
    recalls, notices,
    blacklisted: blacklist.map((b) => ({ party: b.party_name, reason: b.reason, since: b.listed_at })),
    scans: tally ? scanStanding(tally, code.level === 'instance') : null,
    truncated: trace.truncated,
  };
}

/** The open recalls that reach a scanned code (its unit and the lot it names), as the public sees them. */
export async function openRecallsOf(deps: Deps, code: ResolvedCode): Promise<ScanView['recalls']> {
  return presentRecalls(deps, await deps.recalls.listOpenRecallsOfUnits([code.unit, ...(code.lot ? [code.lot] : [])]));
}

async function presentRecalls(deps: Deps, byUnit: Map<string, string[]>): Promise<ScanView['recalls']> {
  const rows = await Promise.all([...new Set([...byUnit.values()].flat())].map((id) => deps.recalls.findRecall(id)));
  return rows
    .filter((r): r is NonNullable<typeof r> => r !== undefined && r.status === 'open')
    .map((r) => ({ id: r.id, reason: r.reason, severity: r.severity, since: r.created_at }));
}

/**
 * The public chain of a scanned code: the unit's own, or — for a serial scanned with its lot that has no records of
 * its own yet — the lot's. What the scan page shows and the public proof proves.
 */
export async function publicChainOf(deps: Deps, code: ResolvedCode): ReturnType<typeof tracePublicChain> {
  const root = { code: code.unit, input: code.input, scheme: code.scheme, display: code.display };
  const chain = await tracePublicChain(deps, root);
  return chain.trace.timeline.length === 0 && code.lot ? tracePublicChain(deps, { ...root, code: code.lot }) : chain;
}

/** The counterfeit rule for serialised items: scanned far more often than one unit is, or in far-apart cities. */
function scanStanding(tally: ScanTally, serialised: boolean): NonNullable<ScanView['scans']> {
  const cities = new Set(tally.regions.map((r) => r.slice(0, 4)));
  const reason = !serialised ? null : tally.scans > SUSPICIOUS_SCAN_COUNT ? 'too_many_scans' : cities.size > 1 ? 'far_apart' : null;
  return { count: tally.scans, first: tally.scans === 1, firstAt: tally.firstAt, regions: tally.regions, suspicious: reason !== null, reason };
}

function inspectionOf(step: TraceStep, body: Record<string, unknown> | undefined): PublicInspection {
  const txs = Array.isArray(body?.bizTransactionList) ? (body!.bizTransactionList as Array<{ type?: string; bizTransaction?: string }>) : [];
  const cert = body?.certificationInfo;
  return {
    time: step.time,
    by: step.party.name ?? null,
    result: typeof body?.disposition === 'string' ? cbvName(body.disposition) : null,
    reports: txs.filter((t) => t.type && cbvName(t.type) === 'testres' && t.bizTransaction).map((t) => t.bizTransaction!.replace(/^urn:suyuan:testres:/, '')),
    certificationInfo: (Array.isArray(cert) ? cert : cert ? [cert] : []).map(String),
  };
}

function cbvName(term: string): string {
  return term.replace(/^urn:epcglobal:cbv:[a-z]+:|^https:\/\/ref\.gs1\.org\/cbv\/[A-Za-z]+-/, '');
}

/**
 * Production and expiry: the code's own (11)/(17) data attributes first, then the ILMD of the event that made the
 * unit or its lot, then the product's shelf life counted from production.
 */
function datesOf(
  code: ResolvedCode,
  timeline: TraceStep[],
  bodyOf: (eventId: string) => Record<string, unknown> | undefined,
  shelfLifeDays: number | null,
  now: Date,
): ScanView['dates'] {
  const mine = new Set([code.unit, ...(code.lot ? [code.lot] : [])]);
  const making = timeline.filter((s) => (s.kinds.includes('commissioned') || s.kinds.includes('transformed_into') || s.kinds.includes('produced')) && s.units.some((u) => mine.has(u)));
  const made = making[making.length - 1];
  const ilmd = made ? (bodyOf(made.eventId)?.ilmd as Record<string, unknown> | undefined) : undefined;
  const gs1Date = (ai: string) => gs1DateToIso(code.attributes[ai], now)?.date ?? null;
  let production = gs1Date('11') ?? (made ? made.time.slice(0, 10) : null);
  const ilmdExpiry = ilmd?.['cbvmda:itemExpirationDate'] ?? ilmd?.['cbvmda:bestBeforeDate'] ?? ilmd?.['cbvmda:sellByDate'];
  let expiry = gs1Date('17') ?? gs1Date('15') ?? (typeof ilmdExpiry === 'string' ? ilmdExpiry.slice(0, 10) : null);
  if (!expiry && production && shelfLifeDays) expiry = new Date(Date.parse(production) + shelfLifeDays * 86_400_000).toISOString().slice(0, 10);
  if (production === undefined) production = null;
  return { production, expiry, expired: expiry !== null && expiry < now.toISOString().slice(0, 10) };
}

function place(name: string | null, region: string | null | undefined): PublicPlace {
  if (!region) return { name, region: null, regionNameZh: null, regionNameEn: null };
  const names = regionNames(region);
  return { name, region, regionNameZh: names?.nameZh ?? null, regionNameEn: names?.nameEn ?? null };
}

/** GB/T 2260 names where the platform knows them (惠州 and its districts, the provinces). */
export function regionNames(code: string): { nameZh: string; nameEn: string } | null {
  try {
    const r = validateRegion(code);
    return { nameZh: r.nameZh, nameEn: r.nameEn };
  } catch {
    return null;
  }
}
