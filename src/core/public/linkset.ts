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
const templates = new Map<string, string[]>();

/**
 * {@link buildLinkset} serialised, as the resolver sends it: the document for an origin and product is serialised once
 * as a template, and each code's path and canonical form are put into it — a code's links differ only there.
 */
export function linksetJson(origin: string, code: ResolvedCode, itemDescription?: string): string {
  const key = `${origin}\u0000${itemDescription ?? ''}`;
  // A name that holds a marker itself would be filled in too: such a document is serialised whole.
  if (key.includes('{{')) return JSON.stringify(buildLinkset(origin, code, itemDescription));
  let parts = templates.get(key);
  if (!parts) {
    if (templates.size >= TEMPLATE_CACHE_SIZE) templates.clear();
    parts = JSON.stringify(linksetAt(origin, PATH_MARK, UNIT_MARK, itemDescription)).split(/(\{\{path\}\}|\{\{unit\}\})/);
    templates.set(key, parts);
  }
  // Both are percent-encoded ASCII; JSON-escaping them anyway keeps the document well-formed whatever they hold.
  const path = JSON.stringify(resolverPath(code)).slice(1, -1);
  const unit = JSON.stringify(encodeURIComponent(code.unit)).slice(1, -1);
  let out = '';
  for (const part of parts) out += part === PATH_MARK ? path : part === UNIT_MARK ? unit : part;
  return out;
}

/** `gs1:pip`, `pip` or `https://gs1.org/voc/pip` → `gs1:pip`; anything else → null. */
export function normaliseLinkType(value: string): string | null {
  if (value.startsWith(GS1_VOC)) return `gs1:${value.slice(GS1_VOC.length)}`;
  if (value.startsWith('gs1:')) return value;
  return /^[A-Za-z]+$/.test(value) ? `gs1:${value}` : null;
}
