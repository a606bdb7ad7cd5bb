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
  const page = origin + resolverPath(code);
  const q = encodeURIComponent(code.unit);
  const html = (title: string, href: string): Link => ({ href, title, type: 'text/html', hreflang: ['zh', 'en'] });
  const json = (title: string, href: string): Link => ({ href, title, type: 'application/json' });
  const name = itemDescription ? `${itemDescription} · ` : '';
  return {
    'gs1:defaultLink': html(`${name}溯源查询 Traceability page`, page),
    'gs1:pip': html(`${name}产品信息 Product information`, page),
    'gs1:traceability': json('追溯信息 Traceability (public view)', `${origin}/api/v1/public/scan?code=${q}`),
    'gs1:certificationInfo': html('认证与检验 Certificates and tests', `${page}#producer`),
    'gs1:recallStatus': json('召回状态 Recall status', `${origin}/api/v1/public/recall-status?code=${q}`),
    'gs1:verificationService': html('存证核验 Integrity proof', `${origin}/proof?code=${q}`),
    'gs1:epcis': json('EPCIS 2.0 事件 (需授权 needs a key)', `${origin}/epcis/events?MATCH_anyEPC=${q}`),
  };
}

/** The RFC 9264 linkset document (`application/linkset+json`). */
export function buildLinkset(origin: string, code: ResolvedCode, itemDescription?: string): Linkset {
  const entry: Linkset['linkset'][number] = { anchor: origin + resolverPath(code) };
  if (itemDescription) entry.itemDescription = itemDescription;
  for (const [type, link] of Object.entries(linksOf(origin, code, itemDescription))) entry[GS1_VOC + type.slice(4)] = [link];
  return { linkset: [entry] };
}

/** `gs1:pip`, `pip` or `https://gs1.org/voc/pip` → `gs1:pip`; anything else → null. */
export function normaliseLinkType(value: string): string | null {
  if (value.startsWith(GS1_VOC)) return `gs1:${value.slice(GS1_VOC.length)}`;
  if (value.startsWith('gs1:')) return value;
  return /^[A-Za-z]+$/.test(value) ? `gs1:${value}` : null;
}
