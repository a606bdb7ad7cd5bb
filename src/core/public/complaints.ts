import { randomBytes } from 'node:crypto';
import { DomainError, invalid } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { ComplaintRow } from '../../storage/repositories/complaint.repository.ts';
import type { Actor } from '../actor.ts';
import { requireRegulator } from '../authenticate.ts';
import type { Deps } from '../deps.ts';
import { productClassesOf } from '../capture-events.ts';
import { recordAudit } from '../record-audit.ts';
import { eventVisibilityFor, withinRegulatorScope } from '../visibility.ts';
import { resolveCode } from './resolve-code.ts';

export interface FileComplaintInput {
  /** The scanned code the complaint is about (optional: a complaint may name none). */
  code?: string;
  content: string;
  contact?: string;
  /** GB/T 2260 district where it happened, if the person gives it. */
  region?: string;
}

/** What the person who filed sees on the tracking page: never the contact. */
export interface ComplaintStatus {
  trackingNo: string;
  status: 'open' | 'answered';
  code: string | null;
  content: string;
  createdAt: string;
  answer: string | null;
  answeredAt: string | null;
}

/** What a regulator sees. */
export interface ComplaintView extends ComplaintStatus {
  id: string;
  category: string | null;
  region: string | null;
  subjectPartyId: string | null;
  contact: string | null;
  answeredBy: string | null;
}

const MAX_CONTENT = 2000;
const MAX_CONTACT = 100;
const TRACKING = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A member of the public files a complaint 投诉 (issue 4 §3); it is routed to the regulators of the product's line by
 * the scanned code's product. Returns the tracking number — unguessable, since it is the only key to the answer.
 * @throws invalid `missing_field` | `too_long` | `invalid_code` | `bad_region` (field named)
 */
export async function fileComplaint(deps: Deps, actor: Actor, input: FileComplaintInput): Promise<ComplaintStatus> {
  const content = String(input.content ?? '').trim();
  if (!content) throw invalid('missing_field', 'content: please describe the problem', { field: 'content' });
  if (content.length > MAX_CONTENT) throw invalid('too_long', `content: at most ${MAX_CONTENT} characters`, { field: 'content' });
  const contact = input.contact?.trim() || null;
  if (contact && contact.length > MAX_CONTACT) throw invalid('too_long', `contact: at most ${MAX_CONTACT} characters`, { field: 'contact' });
  const region = input.region?.trim() || null;
  if (region && !/^\d{6}$/.test(region)) throw invalid('bad_region', 'region: a 6-digit GB/T 2260 code', { field: 'region' });
  let unit: string | null = null;
  let category: string | null = null;
  let subject: string | null = null;
  if (input.code?.trim()) {
    const code = resolveCode(input.code.trim());
    unit = code.unit;
    const product = await deps.products.findProductByClassUri(code.productClass ?? productClassesOf(code.unit)[0]!);
    category = product?.category ?? null;
    subject = product?.party_id ?? null;
  }
  const at = deps.now().toISOString();
  const row: ComplaintRow = {
    id: newId('cpl'), tracking_no: trackingNumber(), unit, category, region: region ?? null, subject_party_id: subject, content, contact,
    status: 'open', answer: null, answered_by: null, answered_at: null, created_at: at,
  };
  await deps.complaints.insertComplaint(row);
  await recordAudit(deps, actor, 'complaint.file', row.id, 'ok', { category, unit });
  return statusOf(row);
}

/** The tracking page's view of a complaint. @throws not_found `complaint_not_found` */
export async function trackComplaint(deps: Deps, trackingNo: string): Promise<ComplaintStatus> {
  const row = await deps.complaints.findByTrackingNo(String(trackingNo).trim().toUpperCase());
  if (!row) throw new DomainError('not_found', 'complaint_not_found', `No complaint with tracking number ${trackingNo}.`, { field: 'trackingNo' });
  return statusOf(row);
}

/** Complaints about the product lines a regulator oversees, in its regions (complaints with no district: every region). */
export async function listComplaints(deps: Deps, actor: Actor, filter: { status?: string; limit?: number } = {}): Promise<ComplaintView[]> {
  requireRegulator(actor);
  const v = await eventVisibilityFor(deps, actor);
  if (filter.status && filter.status !== 'open' && filter.status !== 'answered') {
    throw invalid('bad_status', 'status must be open or answered', { field: 'status' });
  }
  const rows = await deps.complaints.listComplaints({
    ...(v.kind === 'regulator' ? { scope: v } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    limit: Math.min(filter.limit ?? 100, 500),
  });
  await recordAudit(deps, actor, 'complaint.list', null, 'ok', { count: rows.length });
  return rows.map(viewOf);
}

/** A regulator of the complaint's product line answers it; the answer shows on the tracking page. @throws not_found, forbidden, conflict `already_answered` */
export async function answerComplaint(deps: Deps, actor: Actor, id: string, answer: string): Promise<ComplaintView> {
  const regulator = requireRegulator(actor);
  const text = String(answer ?? '').trim();
  if (!text) throw invalid('missing_field', 'answer must not be empty', { field: 'answer' });
  if (text.length > MAX_CONTENT) throw invalid('too_long', `answer: at most ${MAX_CONTENT} characters`, { field: 'answer' });
  const row = await deps.complaints.findComplaint(id);
  if (!row) throw new DomainError('not_found', 'complaint_not_found', `No complaint ${id}.`, { field: 'id' });
  const v = await eventVisibilityFor(deps, actor);
  const inScope = v.kind !== 'regulator' || withinRegulatorScope(v, row.category, row.region, { regionMayBeNull: true });
  if (!inScope) {
    await recordAudit(deps, actor, 'complaint.answer', id, 'denied');
    throw new DomainError('forbidden', 'not_your_complaint', 'This complaint is about a product line or region you do not oversee.', { field: 'id' });
  }
  const at = deps.now().toISOString();
  if (!(await deps.complaints.answerComplaint(id, text, regulator.partyId, at))) {
    throw new DomainError('conflict', 'already_answered', 'This complaint has already been answered.', { field: 'id' });
  }
  await recordAudit(deps, actor, 'complaint.answer', id, 'ok');
  return viewOf((await deps.complaints.findComplaint(id))!);
}

function trackingNumber(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += TRACKING[b % TRACKING.length];
  return `TS${s}`;
}

function statusOf(r: ComplaintRow): ComplaintStatus {
  return { trackingNo: r.tracking_no, status: r.status as ComplaintStatus['status'], code: r.unit, content: r.content, createdAt: r.created_at, answer: r.answer, answeredAt: r.answered_at };
}

function viewOf(r: ComplaintRow): ComplaintView {
  return { ...statusOf(r), id: r.id, category: r.category, region: r.region, subjectPartyId: r.subject_party_id, contact: r.contact, answeredBy: r.answered_by };
}
