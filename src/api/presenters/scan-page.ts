import type { ScanView } from '../../core/public/view-scan.ts';
import { pathOfCode } from '../../core/public/linkset.ts';
import type { ComplaintStatus } from '../../core/public/complaints.ts';
import type { BlacklistView, NoticeView } from '../../core/public/notices.ts';
import type { PublicProof } from '../../core/public/prove-chain.ts';
import { HUIZHOU_REGIONS } from '../../domain/identifiers/index.ts';
import { esc, layout, withLang } from './html.ts';
import { stepName, t, type Lang } from './i18n.ts';

/** Times are shown in the city's own zone (UTC+8, no daylight saving), as a person there reads them. */
const local = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
const date = (iso: string | null) => (iso ? (iso.length > 10 ? local(iso) : iso).slice(0, 10) : '');
const dateTime = (iso: string) => (iso ? local(iso).slice(0, 16).replace('T', ' ') : '');
const regionName = (lang: Lang, p: { regionNameZh: string | null; regionNameEn: string | null; region: string | null }) =>
  (lang === 'zh' ? p.regionNameZh : p.regionNameEn) ?? p.region ?? '';

/**
 * A page stays small whatever the record's length (issue 4 §2: under 50 KB): an elevator inspected monthly for years
 * has hundreds of steps. Shown: the first steps (the origin) and the latest, and the latest inspections; the proof page
 * lists every event, and the verified mark covers them all.
 */
export const PAGE_FIRST_STEPS = 10;
export const PAGE_LATEST_STEPS = 50;
export const PAGE_LATEST_INSPECTIONS = 20;

/** The scan page (issue 4 §2): warnings first, then product, dates, producer, chain, inspections, complaint form. */
export function renderScanPage(lang: Lang, view: ScanView, path: string, query: Record<string, string>): string {
  const v = view;
  const parts: string[] = [];
  const codeParam = encodeURIComponent(v.code.unit);
  const proofLink = (text: string) => `<a href="${esc(withLang(lang, `/proof?code=${codeParam}`))}">${text}</a>`;
  const colon = lang === 'zh' ? '：' : ': ';
  for (const r of v.recalls) parts.push(`<section class="warn" id="recall" role="alert">${t(lang, 'recalled')}<br><span>${esc(r.reason)}</span> <span class="muted" style="color:#fff">${date(r.since)}</span></section>`);
  if (v.dates.expired) parts.push(`<section class="warn" id="expired" role="alert">${t(lang, 'expired')} (${esc(v.dates.expiry)})</section>`);
  if (v.blacklisted.length) parts.push(`<section class="warn" id="blacklisted" role="alert">${t(lang, 'blacklisted')}<br>${v.blacklisted.map((b) => `${esc(b.party)}${colon}${esc(b.reason)}`).join('<br>')}</section>`);
  if (v.scans?.suspicious) parts.push(`<section class="warn" id="suspicious" role="alert">${t(lang, 'suspicious')}</section>`);
  for (const n of v.notices) parts.push(`<section class="${n.level === 'info' ? 'caution' : 'bad'} notice"><strong>${t(lang, 'notices')}${colon}${esc(n.title)}</strong><br>${esc(n.body)} <span class="muted">${date(n.publishedAt)}</span></section>`);

  const ver = v.verification;
  const verClass = ver.checked === 0 ? 'caution' : ver.verified ? 'ok' : 'bad';
  const verText = ver.checked === 0 ? t(lang, 'noRecords') : ver.verified ? `✓ ${t(lang, 'verified')}` : `✗ ${t(lang, 'notVerified')}`;
  parts.push(`<section class="${verClass}" id="verification">${verText}${ver.checked ? ` · ${proofLink(t(lang, 'proof'))}` : ''}`
    + (v.scans ? `<br><span id="scan-count">${v.scans.first ? t(lang, 'firstScan') : t(lang, 'scannedTimes', { n: v.scans.count })}</span>` : '')
    // Each browser counts once (api/scan-visits.ts), so a serial's earlier scan was someone else's: when, and what to do.
    + (v.scans && !v.scans.first ? ` · <span id="scan-first">${t(lang, 'firstScannedAt', { at: dateTime(v.scans.firstAt) })}</span>` : '')
    + (v.scans && !v.scans.first && v.code.level === 'instance' && !v.scans.suspicious ? `<br><span class="muted" id="scan-hint">${t(lang, 'notYouFirst')}</span>` : '')
    + `</section>`);

  const p = v.product;
  const rows: Array<[string, string]> = [];
  if (p) rows.push([t(lang, 'category'), esc(lang === 'zh' ? p.categoryZh : p.categoryEn)]);
  if (p?.spec) rows.push([t(lang, 'spec'), esc(p.spec)]);
  rows.push([t(lang, 'code'), `<code>${esc(v.code.display)}</code>`]);
  if (v.code.lotNumber) rows.push([t(lang, 'lot'), esc(v.code.lotNumber)]);
  if (v.code.serial) rows.push([t(lang, 'serial'), esc(v.code.serial)]);
  if (v.dates.production) rows.push([t(lang, 'produced'), esc(v.dates.production)]);
  if (v.dates.expiry) rows.push([t(lang, 'expiry'), `<span class="${v.dates.expired ? 'fail' : ''}">${esc(v.dates.expiry)}</span>`]);
  parts.push(`<section id="product">${p?.imageUrl ? `<img class="product" src="${esc(p.imageUrl)}" alt="${esc(p.name)}" loading="lazy">` : ''}<h2>${esc(p?.name ?? t(lang, 'product'))}</h2>${dl(rows)}</section>`);

  if (v.producer) {
    const pr = v.producer;
    const prRows: Array<[string, string]> = [
      [t(lang, 'uscc'), esc(pr.uscc)],
      ...(regionName(lang, pr.region) ? [[lang === 'zh' ? '地区' : 'Region', esc(regionName(lang, pr.region))] as [string, string]] : []),
      [t(lang, 'credit'), pr.credit === 'good' ? `<span class="pass">${t(lang, 'creditGood')}</span>` : `<span class="fail">${t(lang, 'creditBad')}</span>`],
    ];
    if (pr.licences.length) prRows.push([t(lang, 'licences'), pr.licences.map((l) => `<span class="tag">${esc(l.type)} ${esc(l.number)}</span>`).join('')]);
    if (pr.certificates.length) {
      prRows.push([t(lang, 'certificates'), pr.certificates.map((c) => `<span class="tag cert">${esc(lang === 'zh' ? c.nameZh : c.nameEn)} ${esc(c.number)}${c.validTo ? ` ≤${esc(c.validTo)}` : ''}</span>`).join('')]);
    }
    parts.push(`<section id="producer"><h2>${t(lang, 'producer')}${colon}${esc(pr.name)}</h2>${dl(prRows)}</section>`);
  }

  const step = (s: ScanView['timeline'][number]) => `<li><strong>${esc(stepName(lang, s.step))}</strong> <span class="muted">${dateTime(s.time)}</span><br>`
    + `${esc(s.party ?? '')}${s.place ? ` · ${esc(s.place.name ?? '')} ${esc(regionName(lang, s.place))}` : ''}${s.verified ? '' : ` <span class="fail">✗</span>`}</li>`;
  const hidden = v.timeline.length - PAGE_FIRST_STEPS - PAGE_LATEST_STEPS;
  const steps = hidden > 0
    ? [...v.timeline.slice(0, PAGE_FIRST_STEPS).map(step), `<li class="gap muted" id="steps-hidden">${proofLink(t(lang, 'stepsHidden', { n: hidden }))}</li>`, ...v.timeline.slice(-PAGE_LATEST_STEPS).map(step)]
    : v.timeline.map(step);
  parts.push(`<section id="timeline"><h2>${t(lang, 'chain')}</h2>${steps.length ? `<ol class="tl">${steps.join('')}</ol>` : `<p class="muted">${t(lang, 'noChain')}</p>`}${v.truncated ? `<p class="muted">${t(lang, 'truncated')}</p>` : ''}</section>`);

  const earlier = Math.max(0, v.inspections.length - PAGE_LATEST_INSPECTIONS);
  const insp = v.inspections.slice(earlier).map((i) => {
    const result = i.result === 'conformant' || i.result === 'non_conformant' ? t(lang, i.result) : esc(i.result ?? '');
    return `<li><span class="${i.result === 'non_conformant' ? 'fail' : 'pass'}">${result}</span> ${date(i.time)} ${esc(i.by ?? '')}`
      + `${i.reports.length ? ` · ${t(lang, 'report')} ${i.reports.map(esc).join(', ')}` : ''}${i.certificationInfo.map((c) => ` <a href="${esc(c)}" rel="nofollow">↗</a>`).join('')}</li>`;
  });
  if (earlier) insp.unshift(`<li class="muted" id="inspections-hidden">${proofLink(t(lang, 'inspectionsHidden', { n: earlier }))}</li>`);
  parts.push(`<section id="inspections"><h2>${t(lang, 'inspections')}</h2>${insp.length ? `<ul>${insp.join('')}</ul>` : `<p class="muted">${t(lang, 'noInspections')}</p>`}</section>`);

  parts.push(complaintForm(lang, v.code.input));
  return layout(lang, `${v.product?.name ?? v.code.display} · ${t(lang, 'siteName')}`, parts.join(''), { path, query });
}

function dl(rows: Array<[string, string]>): string {
  return `<dl>${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('')}</dl>`;
}

/** The complaint form, posted without script; the code travels in a hidden field. */
export function complaintForm(lang: Lang, code: string | null): string {
  const regions = HUIZHOU_REGIONS.filter((r) => r.code !== '441300').map((r) => `<option value="${r.code}">${esc(lang === 'zh' ? r.nameZh : r.nameEn)}</option>`).join('');
  return `<section id="complaint"><h2>${t(lang, 'complain')}</h2><form method="post" action="/complaints${lang === 'en' ? '?lang=en' : ''}">`
    + (code ? `<input type="hidden" name="code" value="${esc(code)}">` : '')
    + `<label>${t(lang, 'complaintWhat')}<textarea name="content" required maxlength="2000" rows="3"></textarea></label>`
    + `<label>${t(lang, 'complaintContact')}<input name="contact" maxlength="100" autocomplete="off"></label>`
    + `<label>${t(lang, 'complaintRegion')}<select name="region"><option value=""></option>${regions}</select></label>`
    + `<button type="submit">${t(lang, 'submit')}</button></form></section>`;
}

/** The tracking page of one complaint: status and answer, never the contact. */
export function renderComplaintPage(lang: Lang, c: ComplaintStatus, justFiled: boolean): string {
  const rows: Array<[string, string]> = [
    [t(lang, 'trackingNo'), `<strong id="tracking-no">${esc(c.trackingNo)}</strong>`],
    [t(lang, 'status'), `<span id="complaint-status">${c.status === 'answered' ? t(lang, 'statusAnswered') : t(lang, 'statusOpen')}</span>`],
    [t(lang, 'filedAt'), dateTime(c.createdAt)],
    ...(c.code ? [[t(lang, 'code'), `<a href="${esc(withLang(lang, pathOfCode(c.code)))}"><code>${esc(c.code)}</code></a>`] as [string, string]] : []),
    [t(lang, 'content'), esc(c.content)],
  ];
  if (c.answer) rows.push([t(lang, 'answer'), `<span id="complaint-answer">${esc(c.answer)}</span> <span class="muted">${dateTime(c.answeredAt ?? '')}</span>`]);
  const body = (justFiled ? `<section class="ok" role="status">${t(lang, 'complaintFiled')}</section>` : '') + `<section><h2>${t(lang, 'complain')}</h2>${dl(rows)}</section>`;
  return layout(lang, `${c.trackingNo} · ${t(lang, 'siteName')}`, body, { path: `/complaints/${encodeURIComponent(c.trackingNo)}` });
}

/** The lookup form for a tracking number, and a general complaint form. */
export function renderComplaintLookup(lang: Lang, message?: string): string {
  const body = (message ? `<section class="bad" role="alert">${esc(message)}</section>` : '')
    + `<section><h2>${t(lang, 'track')}</h2><form method="get" action="/complaints">${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}`
    + `<label>${t(lang, 'trackingNo')}<input name="no" required maxlength="20" autocomplete="off"></label><button type="submit">${t(lang, 'lookup')}</button></form></section>`
    + complaintForm(lang, null);
  return layout(lang, `${t(lang, 'track')} · ${t(lang, 'siteName')}`, body, { path: '/complaints' });
}

/** The public list of notices in force and the blacklist. */
export function renderNoticesPage(lang: Lang, notices: NoticeView[], blacklist: BlacklistView[]): string {
  const ns = notices.map((n) => `<li class="notice"><strong>${esc(n.title)}</strong> <span class="muted">${date(n.publishedAt)}</span><br>${esc(n.body)}${n.partyName ? `<br><span class="tag">${esc(n.partyName)}</span>` : ''}</li>`);
  const bl = blacklist.map((b) => `<li class="blacklisted"><strong>${esc(b.partyName)}</strong> <span class="muted">${esc(b.uscc)}</span><br>${t(lang, 'reason')}${lang === 'zh' ? '：' : ': '}${esc(b.reason)} · ${t(lang, 'since')} ${date(b.listedAt)}</li>`);
  const body = `<section id="notices"><h2>${t(lang, 'notices')}</h2>${ns.length ? `<ul>${ns.join('')}</ul>` : `<p class="muted">${t(lang, 'none')}</p>`}</section>`
    + `<section id="blacklist"><h2>${t(lang, 'blacklist')}</h2>${bl.length ? `<ul>${bl.join('')}</ul>` : `<p class="muted">${t(lang, 'none')}</p>`}</section>`;
  return layout(lang, `${t(lang, 'noticesPage')} · ${t(lang, 'siteName')}`, body, { path: '/notices' });
}

/** The home page: one box to look up any code (一站式查询). */
export function renderHomePage(lang: Lang): string {
  const body = `<section><h2>${t(lang, 'query')}</h2><form method="get" action="/code">${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}`
    + `<label>${t(lang, 'search')}<input name="q" required autocomplete="off" inputmode="text"></label><button type="submit">${t(lang, 'lookup')}</button></form></section>`;
  return layout(lang, t(lang, 'siteName'), body, { path: '/' });
}

/** A plain message page: unknown code, not registered here, not found. */
export function renderMessagePage(lang: Lang, title: string, message: string, path: string): string {
  return layout(lang, `${title} · ${t(lang, 'siteName')}`, `<section class="bad" role="alert"><h2>${esc(title)}</h2><p>${esc(message)}</p></section>`, { path });
}

/** The proof page: each record's leaf, the check's result, and the tree it was checked against. */
export function renderProofPage(lang: Lang, proof: PublicProof): string {
  const rows = proof.entries.map((e) => `<li><code>${esc(e.eventId)}</code><br>${esc(stepName(lang, e.step))} ${dateTime(e.time)} · leaf ${e.leafIndex ?? '—'} · `
    + `<span class="${e.fault ? 'fail' : 'pass'}">${e.fault ? `${t(lang, 'failed')} (${esc(e.fault)})` : t(lang, 'ok')}</span></li>`);
  const q = encodeURIComponent(proof.code);
  const body = `<section class="${proof.verified ? 'ok' : 'bad'}" id="proof-summary"><h2>${t(lang, 'proofTitle')}</h2><p>${t(lang, 'proofIntro')}</p>`
    + dl([[t(lang, 'treeSize'), String(proof.treeHead.treeSize)], [t(lang, 'rootHash'), `<code>${esc(proof.treeHead.rootHash)}</code>`], [t(lang, 'publicKey'), `<code>${esc(proof.publicKey)}</code>`]])
    + `<p><a href="/api/v1/public/proof?code=${q}">${t(lang, 'proofJson')}</a> · <a href="/api/v1/ledger/tree-head">tree-head</a></p></section><section><ol>${rows.join('')}</ol></section>`;
  return layout(lang, `${t(lang, 'proofTitle')} · ${t(lang, 'siteName')}`, body, { path: '/proof', query: { code: proof.code } });
}
