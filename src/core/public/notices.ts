import { DomainError, invalid } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { isProductLineId } from '../../domain/directory/product-directory.ts';
import type { Actor } from '../actor.ts';
import { requireRegulator } from '../authenticate.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from '../record-audit.ts';
import { eventVisibilityFor } from '../visibility.ts';
import { resolveCode } from './resolve-code.ts';

export interface PublishNoticeInput {
  title: string;
  body: string;
  level?: 'info' | 'warning' | 'danger';
  /** Product line the notice is about; alone, it concerns every product of the line. */
  category?: string;
  /** A firm it concerns (party id). */
  partyId?: string;
  /** Codes it concerns: units, lots (/01/{gtin}/10/{lot}) or products (/01/{gtin}). */
  codes?: string[];
}

export interface NoticeView {
  id: string;
  level: string;
  title: string;
  body: string;
  category: string | null;
  partyId: string | null;
  partyName: string | null;
  codes: string[];
  publishedAt: string;
}

export interface BlacklistInput {
  partyId: string;
  reason: string;
  /** ISO date the listing ends; none = until removed. */
  expiresAt?: string;
}

export interface BlacklistView {
  id: string;
  partyId: string;
  partyName: string;
  uscc: string;
  region: string;
  reason: string;
  listedAt: string;
  expiresAt: string | null;
}

/**
 * A regulator publishes a consumer notice 消费提示 (issue 4 §3); it shows on the scan pages of the codes, firm or
 * product line it concerns, and on the public list. @throws invalid (field named), forbidden `not_your_product_line`
 */
export async function publishNotice(deps: Deps, actor: Actor, input: PublishNoticeInput): Promise<NoticeView> {
  const regulator = requireRegulator(actor);
  const title = String(input.title ?? '').trim();
  const body = String(input.body ?? '').trim();
  if (!title) throw invalid('missing_field', 'title must not be empty', { field: 'title' });
  if (title.length > 200) throw invalid('too_long', 'title: at most 200 characters', { field: 'title' });
  if (!body) throw invalid('missing_field', 'body must not be empty', { field: 'body' });
  if (body.length > 5000) throw invalid('too_long', 'body: at most 5000 characters', { field: 'body' });
  const level = input.level ?? 'info';
  if (!['info', 'warning', 'danger'].includes(level)) throw invalid('bad_level', 'level must be info, warning or danger', { field: 'level' });
  if (input.category !== undefined && !isProductLineId(input.category)) throw invalid('unknown_product_line', `category "${input.category}" is not a product line`, { field: 'category' });
  const v = await eventVisibilityFor(deps, actor);
  if (input.category && v.kind === 'regulator' && !v.categories.includes(input.category)) {
    throw new DomainError('forbidden', 'not_your_product_line', `Your department does not oversee ${input.category}.`, { field: 'category' });
  }
  const party = input.partyId ? await deps.parties.findPartyById(input.partyId) : undefined;
  if (input.partyId && !party) throw invalid('unknown_party', `partyId: no party ${input.partyId}`, { field: 'partyId' });
  const codes = (input.codes ?? []).map((c, i) => resolveCode(c, `codes[${i}]`).unit);
  if (!input.category && !party && codes.length === 0) throw invalid('missing_field', 'a notice must concern a product line (category), a firm (partyId) or codes', { field: 'codes' });
  const id = newId('ntc');
  const publishedAt = deps.now().toISOString();
  const unique = [...new Set(codes)];
  await deps.notices.insertNotice(
    { id, regulator_id: regulator.partyId, level, title, body, category: input.category ?? null, party_id: party?.id ?? null, codes: JSON.stringify(unique), published_at: publishedAt, withdrawn_at: null },
    unique,
  );
  await recordAudit(deps, actor, 'notice.publish', id, 'ok', { category: input.category, partyId: party?.id, codes: unique.length });
  return { id, level, title, body, category: input.category ?? null, partyId: party?.id ?? null, partyName: party?.name ?? null, codes: unique, publishedAt };
}

/** The regulator who published a notice withdraws it. @throws not_found, forbidden */
export async function withdrawNotice(deps: Deps, actor: Actor, id: string): Promise<void> {
  const regulator = requireRegulator(actor);
  const row = await deps.notices.findNotice(id);
  if (!row || row.withdrawn_at) throw new DomainError('not_found', 'notice_not_found', `No notice ${id} in force.`, { field: 'id' });
  if (row.regulator_id !== regulator.partyId) throw new DomainError('forbidden', 'not_your_notice', 'Only the regulator who published a notice can withdraw it.', { field: 'id' });
  await deps.notices.withdrawNotice(id, deps.now().toISOString());
  await recordAudit(deps, actor, 'notice.withdraw', id);
}

/** Notices in force, newest first: the public list. */
export async function listNotices(deps: Deps, limit = 100): Promise<NoticeView[]> {
  const rows = await deps.notices.listActiveNotices(Math.min(limit, 500));
  const names = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.party_id).filter((x): x is string => x !== null))) {
    const p = await deps.parties.findPartyById(id);
    if (p) names.set(id, p.name);
  }
  return rows.map((r) => ({
    id: r.id, level: r.level, title: r.title, body: r.body, category: r.category, partyId: r.party_id,
    partyName: r.party_id ? names.get(r.party_id) ?? null : null, codes: JSON.parse(r.codes) as string[], publishedAt: r.published_at,
  }));
}

/**
 * A regulator puts a firm on the dishonesty blacklist 黑名单 (issue 4 §3): the firm's products' scan pages warn, and
 * the public list shows it. @throws invalid (field named)
 */
export async function addToBlacklist(deps: Deps, actor: Actor, input: BlacklistInput): Promise<BlacklistView> {
  const regulator = requireRegulator(actor);
  const party = input.partyId ? await deps.parties.findPartyById(input.partyId) : undefined;
  if (!party) throw invalid('unknown_party', `partyId: no party ${String(input.partyId ?? '')}`, { field: 'partyId' });
  if (party.kind === 'regulator') throw invalid('not_a_firm', 'partyId: a regulator cannot be blacklisted', { field: 'partyId' });
  const reason = String(input.reason ?? '').trim();
  if (!reason) throw invalid('missing_field', 'reason must not be empty', { field: 'reason' });
  if (reason.length > 2000) throw invalid('too_long', 'reason: at most 2000 characters', { field: 'reason' });
  if (input.expiresAt !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(input.expiresAt) || Number.isNaN(Date.parse(input.expiresAt)))) {
    throw invalid('bad_date', 'expiresAt must be an ISO-8601 date', { field: 'expiresAt' });
  }
  const id = newId('blk');
  const listedAt = deps.now().toISOString();
  await deps.notices.insertBlacklistEntry({ id, party_id: party.id, regulator_id: regulator.partyId, reason, listed_at: listedAt, expires_at: input.expiresAt ?? null, removed_at: null });
  await recordAudit(deps, actor, 'blacklist.add', party.id, 'ok', { entry: id });
  return { id, partyId: party.id, partyName: party.name, uscc: party.uscc, region: party.region, reason, listedAt, expiresAt: input.expiresAt ?? null };
}

/** A regulator lifts a listing (credit repaired 信用修复). @throws not_found */
export async function removeFromBlacklist(deps: Deps, actor: Actor, id: string): Promise<void> {
  requireRegulator(actor);
  if (!(await deps.notices.removeBlacklistEntry(id, deps.now().toISOString()))) {
    throw new DomainError('not_found', 'blacklist_entry_not_found', `No blacklist entry ${id} in force.`, { field: 'id' });
  }
  await recordAudit(deps, actor, 'blacklist.remove', id);
}

/** The blacklist in force: the public list. */
export async function listBlacklist(deps: Deps): Promise<BlacklistView[]> {
  const rows = await deps.notices.listBlacklist(deps.now().toISOString());
  return rows.map((r) => ({ id: r.id, partyId: r.party_id, partyName: r.party_name, uscc: r.party_uscc, region: r.party_region, reason: r.reason, listedAt: r.listed_at, expiresAt: r.expires_at }));
}
