import type { ResolvedCode } from './resolve-code.ts';

/** GS1 Web Vocabulary link types the resolver offers, and where each leads (issue 4 §1). */
export const GS1_VOC = 'https://gs1.org/voc/';

export interface Link {
  href: string;
  title: string;
  type: string;
  hreflang?: string[];
}

/** An RFC 9264 linkset for one code: link relation type URI → links. */
export interface Linkset {
  linkset: Array<{ anchor: string; itemDescription?: string } & Record<string, Link[] | string>>;
}

/** The path of a canonical code on this resolver: GS1 keys as Digital Link paths, other codes under /code/. */
export function pathOfCode(canonical: string): string {
  const dl = /^https:\/\/id\.gs1\.org(\/.*)$/.exec(canonical);
  return dl ? dl[1]! : `/code/${encodeURIComponent(canonical)}`;
}

/** The path of a resolved code on this resolver; a serial scanned with its lot keeps the lot in the path. */
export function resolverPath(code: ResolvedCode): string {
  if (code.gtin && code.lotNumber && code.serial) {
    return `/01/${code.gtin}/10/${encodeURIComponent(code.lotNumber)}/21/${encodeURIComponent(code.serial)}`;
  }
  return pathOfCode(code.unit);
}

/** The links of a code, default link first. `origin` is this platform's public origin. */
export function linksOf(origin: string, code: ResolvedCode, itemDescription?: string): Record<string, Link> {
  return linksAt(origin, resolverPath(code), encodeURIComponent(code.unit), itemDescription);
}

/** The links of the code at `path` on this resolver, whose canonical form percent-encoded is `unitParam`. */
function linksAt(origin: string, path: string, unitParam: string, itemDescription?: string): Record<string, Link> {
  const page = origin + path;
  const html = (title: string, href: string): Link => ({ href, title, type: 'text/html', hreflang: ['zh', 'en'] });
  const json = (title: string, href: string): Link => ({ href, title, type: 'application/json' });
  const name = itemDescription ? `${itemDescription} · ` : '';
  return {
    'gs1:defaultLink': html(`${name}溯源查询 Traceability page`, page),
    'gs1:pip': html(`${name}产品信息 Product information`, page),
    'gs1:traceability': json('追溯信息 Traceability (public view)', `${origin}/api/v1/public/scan?code=${unitParam}`),
    'gs1:certificationInfo': html('认证与检验 Certificates and tests', `${page}#producer`),
    'gs1:recallStatus': json('召回状态 Recall status', `${origin}/api/v1/public/recall-status?code=${unitParam}`),
    'gs1:verificationService': html('存证核验 Integrity proof', `${origin}/proof?code=${unitParam}`),
    'gs1:epcis': json('EPCIS 2.0 事件 (需授权 needs a key)', `${origin}/epcis/events?MATCH_anyEPC=${unitParam}`),
  };
}

/** The RFC 9264 linkset document (`application/linkset+json`). */
export function buildLinkset(origin: string, code: ResolvedCode, itemDescription?: string): Linkset {
  return linksetAt(origin, resolverPath(code), encodeURIComponent(code.unit), itemDescription);
}

function linksetAt(origin: string, path: string, unitParam: string, itemDescription?: string): Linkset {
  const entry: Linkset['linkset'][number] = { anchor: origin + path };
  if (itemDescription) entry.itemDescription = itemDescription;
  for (const [type, link] of Object.entries(linksAt(origin, path, unitParam, itemDescription))) entry[GS1_VOC + type.slice(4)] = [link];
  return { linkset: [entry] };
}

// Markers that JSON leaves as they are and no path or percent-encoded code contains.
const PATH_MARK = '{{path}}';
const UNIT_MARK = '{{unit}}';
const TEMPLATE_CACHE_SIZE = 4_096;
/** A serialised linkset split at its markers, with the UTF-8 size of everything but them. */
interface Template {
  parts: string[];
  fixedBytes: number;
  paths: number;
  units: number;
}
const templates = new Map<string, Template>();

/**
 * {@link buildLinkset} serialised, as the resolver sends it: the document for an origin and product is serialised once
 * as a template, and each code's path and canonical form are put into it — a code's links differ only there.
 */
export function linksetJson(origin: string, code: ResolvedCode, itemDescription?: string): string {
  return linksetDocument(origin, code, itemDescription).body;
}

/**
 * {@link linksetJson} with its size in UTF-8 bytes, counted from the template's known size rather than by a pass over
 * the document (the resolver's fast path sends it as Content-Length: counting took as long as filling the template).
 */
export function linksetDocument(origin: string, code: ResolvedCode, itemDescription?: string): { body: string; bytes: number } {
  const key = `${origin}\u0000${itemDescription ?? ''}`;
  // A name that holds a marker itself would be filled in too: such a document is serialised whole.
  if (key.includes('{{')) {
    const body = JSON.stringify(buildLinkset(origin, code, itemDescription));
    return { body, bytes: Buffer.byteLength(body) };
  }
  let template = templates.get(key);
  if (!template) {
    if (templates.size >= TEMPLATE_CACHE_SIZE) templates.clear();
    const parts = JSON.stringify(linksetAt(origin, PATH_MARK, UNIT_MARK, itemDescription)).split(/(\{\{path\}\}|\{\{unit\}\})/);
    const fixed = parts.filter((p) => p !== PATH_MARK && p !== UNIT_MARK);
    template = {
      parts, fixedBytes: fixed.reduce((n, p) => n + Buffer.byteLength(p), 0),
      paths: parts.filter((p) => p === PATH_MARK).length, units: parts.filter((p) => p === UNIT_MARK).length,
    };
    templates.set(key, template);
  }
  // Both are percent-encoded ASCII; JSON-escaping them anyway keeps the document well-formed whatever they hold.
  const path = JSON.stringify(resolverPath(code)).slice(1, -1);
  const unit = JSON.stringify(encodeURIComponent(code.unit)).slice(1, -1);
  let body = '';
  for (const part of template.parts) body += part === PATH_MARK ? path : part === UNIT_MARK ? unit : part;
  return { body, bytes: template.fixedBytes + template.paths * Buffer.byteLength(path) + template.units * Buffer.byteLength(unit) };
}

/** `gs1:pip`, `pip` or `https://gs1.org/voc/pip` → `gs1:pip`; anything else → null. */
export function normaliseLinkType(value: string): string | null {
  if (value.startsWith(GS1_VOC)) return `gs1:${value.slice(GS1_VOC.length)}`;
  if (value.startsWith('gs1:')) return value;
  return /^[A-Za-z]+$/.test(value) ? `gs1:${value}` : null;
}
