import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { publicOrigin } from '../../config/load-config.ts';
import type { Deps } from '../../core/deps.ts';
import { DomainError } from '../../domain/errors.ts';
import { fileComplaint, trackComplaint } from '../../core/public/complaints.ts';
import { linksetDocument, linksOf, normaliseLinkType, resolverPath } from '../../core/public/linkset.ts';
import { listBlacklist, listNotices } from '../../core/public/notices.ts';
import { proveChain } from '../../core/public/prove-chain.ts';
import { findRegistration, keptRegistration, resolveCode, RESOLVER_PRIMARY_KEYS, type Registration, type ResolvedCode } from '../../core/public/resolve-code.ts';
import { viewScan } from '../../core/public/view-scan.ts';
import { scanToRecord } from '../scan-visits.ts';
import { langOf, t, type Lang } from '../presenters/i18n.ts';
import {
  renderComplaintLookup, renderComplaintPage, renderHomePage, renderMessagePage, renderNoticesPage, renderProofPage, renderScanPage,
} from '../presenters/scan-page.ts';

const HTML = 'text/html; charset=utf-8';
const JSON_ACCEPT = /application\/(linkset\+)?json/;
/** Whether an Accept header asks for the linkset (JSON) rather than the page. */
const acceptsLinkset = (accept: string) => JSON_ACCEPT.test(accept) && !accept.includes('text/html');
const PRIMARY_KEYS = new Set<string>(RESOLVER_PRIMARY_KEYS);
const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Link, Location' };
const CORS_FLAT = Object.entries(CORS_HEADERS).flat();
const hidden = { hide: true };
/** Complaints from one address: enough for a person, too few for a flood (shared with the JSON route). */
export const COMPLAINT_RATE_LIMIT = { max: 10, windowMs: 10 * 60_000 };

/**
 * The GS1 Digital Link resolver at the root path, the scan page and the other public pages (issue 4 §1–3).
 * Browsers get server-rendered HTML; `Accept: application/linkset+json` or `?linkType=all` the RFC 9264 linkset;
 * `?linkType=gs1:x` a 307 to that link. Every route is public.
 */
export async function resolverRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  // Without a configured public URL, links point back at the host the client used.
  const configured = deps.config.publicBaseUrl ? publicOrigin(deps.config) : null;
  const origin = (request: FastifyRequest) =>
    configured ?? `${request.protocol}://${request.host.replace(request.protocol === 'https' ? /:443$/ : /:80$/, '')}`;

  // The scan page's complaint form posts without script.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // GS1 conformant resolvers support CORS and OPTIONS on every path.
  // Set before the handler runs (not in an onSend hook): one header write fewer per reply on the hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(CORS_HEADERS);
    done();
  });
  app.options('/*', { config: { access: 'public' }, schema: hidden }, async (_request, reply) => {
    reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS').header('access-control-allow-headers', 'Accept, Accept-Language').status(204).send();
  });

  app.get('/', { config: { access: 'public' }, schema: hidden }, async (request, reply) => reply.type(HTML).send(renderHomePage(langOf(request.query))));

  app.get('/.well-known/gs1resolver', {
    config: { access: 'public' },
    schema: { summary: 'Describes this GS1 conformant resolver', tags: ['resolver'] },
  }, async (request) => ({
    name: 'Suyuan 溯源 — Huizhou important-product traceability resolver',
    resolverRoot: origin(request),
    supportedLinkType: [{ namespace: 'https://gs1.org/voc/', prefix: 'gs1:', profile: 'https://gs1.org/voc/?show=linktypes' }],
    supportedPrimaryKeys: [...RESOLVER_PRIMARY_KEYS],
    linkTypeDefaultCanBeLinkset: true,
    supportsCompressedURIs: true,
    otherCodes: `${origin(request)}/code/{code} for codes with no GS1 form: 20-digit drug codes, urn:suyuan:local codes, industrial-internet identifiers (88.…)`,
    upstreamResolver: deps.config.upstreamResolver ?? null,
    contact: `${origin(request)}/complaints`,
  }));

  // `/{primaryKey}/{value}[/{qualifier}/{value}…]` with data attributes in the query string.
  app.get('/:primaryKey/*', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    const { primaryKey } = request.params as { primaryKey: string };
    if (!PRIMARY_KEYS.has(primaryKey)) return notFound(request, reply);
    const url = request.url;
    return resolve(request, reply, `https://id.gs1.org${url}`, url.split('?')[0]!);
  });

  // Codes with no GS1 form, and the home page's lookup box (`/code?q=`).
  app.get('/code', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    const q = String((request.query as { q?: unknown }).q ?? '').trim();
    const lang = langOf(request.query);
    if (!q) return reply.redirect(lang === 'en' ? '/?lang=en' : '/', 303);
    try {
      const path = resolverPath(resolveCode(q));
      return reply.redirect(path + (lang === 'en' ? '?lang=en' : ''), 303);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return reply.status(400).type(HTML).send(renderMessagePage(lang, t(lang, 'badCode'), err.message, '/'));
    }
  });
  app.get('/code/*', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    let code: string;
    try {
      code = decodeURIComponent(raw);
    } catch {
      const lang = langOf(request.query);
      return reply.status(400).type(HTML).send(renderMessagePage(lang, t(lang, 'badCode'), `"${raw}" is not a well-formed percent-encoded code`, '/'));
    }
    return resolve(request, reply, code, request.url.split('?')[0]!);
  });

  // A compressed GS1 Digital Link URI: one path segment of base64url.
  app.get('/:compressed', { config: { access: 'public' }, schema: { ...hidden, params: Type.Object({ compressed: Type.String() }) } }, async (request, reply) => {
    const { compressed } = request.params as { compressed: string };
    if (!/^[A-Za-z0-9_-]{6,}$/.test(compressed)) return notFound(request, reply);
    let code: ResolvedCode;
    try {
      code = resolveCode(`https://id.gs1.org${request.url}`);
    } catch {
      return notFound(request, reply);
    }
    reply.header('link', `<${origin(request)}${resolverPath(code)}>; rel="owl:sameAs"`);
    return resolve(request, reply, `https://id.gs1.org${request.url}`, request.url.split('?')[0]!, code);
  });

  async function resolve(request: FastifyRequest, reply: FastifyReply, input: string, path: string, parsed?: ResolvedCode) {
    const query = request.query as Record<string, string>;
    const lang = langOf(query);
    const accept = request.headers.accept ?? '';
    const wantsLinkset = query.linkType === 'all' || acceptsLinkset(accept);
    let code: ResolvedCode;
    try {
      code = parsed ?? resolveCode(input);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // GS1 resolvers report a syntactically invalid URI with 400.
      if (wantsLinkset) throw err;
      return reply.status(400).type(HTML).send(renderMessagePage(lang, t(lang, 'badCode'), err.message, path));
    }
    const registration = await findRegistration(deps, code);
    if (!registration.registered) {
      if (deps.config.upstreamResolver) return reply.redirect(deps.config.upstreamResolver + request.url, 307);
      if (wantsLinkset) throw new DomainError('not_found', 'not_registered_here', `${code.display} is not registered on this platform, and no upstream resolver is configured.`, { field: 'code' });
      return reply.status(404).type(HTML).send(renderMessagePage(lang, t(lang, 'notRegistered'), `${code.display} — ${t(lang, 'notRegisteredHelp')}`, path));
    }
    const base = origin(request);
    const sameAs = reply.getHeader('link');
    const link = linksetLinkHeader(base, code);
    reply.header('link', sameAs ? `${sameAs}, ${link}` : link);
    reply.header('vary', 'Accept');
    if (wantsLinkset) {
      const { headers, body } = linksetReply(base, code, registration.product?.name, query.linkType === 'all', accept);
      for (const [name, value] of headers) reply.header(name, value);
      return reply.send(body);
    }
    if (query.linkType) {
      const links = linksOf(base, code);
      const wanted = normaliseLinkType(query.linkType);
      // A link type this resolver does not have goes to the default link, as the GS1 resolver standard asks.
      const link = (wanted && links[wanted]) || links['gs1:defaultLink']!;
      return reply.redirect(link.href, 307);
    }
    const record = scanToRecord(request, reply, code.unit, query.region, false);
    const view = await viewScan(deps, code, { product: registration.product, ...(record ? { record } : {}) });
    const pageQuery: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) if (k !== 'lang' && k !== 'region' && typeof v === 'string') pageQuery[k] = v;
    return reply.header('cache-control', 'no-store').type(HTML).send(renderScanPage(lang, view, path, pageQuery));
  }

  function notFound(request: FastifyRequest, reply: FastifyReply) {
    if (/text\/html/.test(request.headers.accept ?? '')) {
      const lang = langOf(request.query);
      return reply.status(404).type(HTML).send(renderMessagePage(lang, t(lang, 'notFound'), request.url.split('?')[0]!, '/'));
    }
    throw new DomainError('not_found', 'route_not_found', `No resource at ${request.url.split('?')[0]}.`);
  }

  app.get('/notices', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    const [notices, blacklist] = await Promise.all([listNotices(deps), listBlacklist(deps)]);
    return reply.type(HTML).send(renderNoticesPage(langOf(request.query), notices, blacklist));
  });

  app.get('/proof', { config: { access: 'public' }, schema: { ...hidden, querystring: Type.Object({ code: Type.String({ minLength: 1 }), lang: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const query = request.query as { code: string };
    const lang = langOf(query);
    let code: ResolvedCode;
    try {
      code = resolveCode(query.code);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return reply.status(400).type(HTML).send(renderMessagePage(lang, t(lang, 'badCode'), err.message, '/proof'));
    }
    return reply.header('cache-control', 'no-store').type(HTML).send(renderProofPage(lang, await proveChain(deps, code)));
  });

  app.get('/complaints', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    const query = request.query as { no?: string; lang?: string };
    const lang = langOf(query);
    if (query.no) return reply.redirect(`/complaints/${encodeURIComponent(query.no.trim().toUpperCase())}${lang === 'en' ? '?lang=en' : ''}`, 303);
    return reply.type(HTML).send(renderComplaintLookup(lang));
  });

  app.post('/complaints', { config: { access: 'public', rateLimit: COMPLAINT_RATE_LIMIT }, schema: hidden }, async (request, reply) => {
    const lang: Lang = langOf(request.query);
    const form = (request.body ?? {}) as Record<string, string>;
    try {
      const filed = await fileComplaint(deps, request.actor, { code: form.code, content: form.content ?? '', contact: form.contact, region: form.region });
      // Post/redirect/get: a reload does not file the complaint twice.
      return reply.redirect(`/complaints/${filed.trackingNo}?filed=1${lang === 'en' ? '&lang=en' : ''}`, 303);
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      return reply.status(400).type(HTML).send(renderComplaintLookup(lang, err.message));
    }
  });

  app.get('/complaints/:trackingNo', { config: { access: 'public' }, schema: { ...hidden, params: Type.Object({ trackingNo: Type.String({ maxLength: 40 }) }) } }, async (request, reply) => {
    const query = request.query as { filed?: string };
    const lang = langOf(query);
    try {
      const complaint = await trackComplaint(deps, (request.params as { trackingNo: string }).trackingNo);
      return reply.header('cache-control', 'no-store').type(HTML).send(renderComplaintPage(lang, complaint, query.filed === '1'));
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'not_found') throw err;
      return reply.status(404).type(HTML).send(renderComplaintLookup(lang, err.message));
    }
  });
}

/** The Link header every resolved code's reply carries: where its linkset is. */
function linksetLinkHeader(base: string, code: ResolvedCode): string {
  return `<${base}${resolverPath(code)}?linkType=all>; rel="linkset"; type="application/linkset+json"`;
}

/** The linkset reply's own headers and body; the route adds the Link and Vary headers every resolved code gets. */
function linksetReply(base: string, code: ResolvedCode, productName: string | undefined, linkTypeAll: boolean, accept: string) {
  const type = linkTypeAll || accept.includes('application/linkset+json') ? 'application/linkset+json' : 'application/json';
  // The charset stated, as Fastify would add it to a text body: the fast path's reply is byte for byte the route's.
  const headers: Array<[string, string]> = [['cache-control', 'public, max-age=300'], ['content-type', `${type}; charset=utf-8`]];
  const { body, bytes } = linksetDocument(base, code, productName);
  return { headers, body, bytes };
}

/**
 * The resolver's most frequent request, answered before Fastify sees it: a keyless `GET /{primaryKey}/…` with no
 * query string, asking for the linkset by its Accept header (what scanning apps send), for a registered code.
 * Through Fastify (its request and reply objects, hooks, and the header object it builds) this reply took ~55 µs of
 * CPU; written straight, ~38 µs (bench/README, resolve). The reply is the route's own — same headers (CORS, Link, Vary, caching, type) and body, built by the same
 * functions; a test holds the two equal. Anything else, and any code that does not resolve here, goes to Fastify
 * unchanged: the route answers it, errors and not-registered codes included.
 */
export function linksetFastPath(deps: Deps): { handle(req: IncomingMessage, res: ServerResponse, next: () => void): void; served: number } {
  const configured = deps.config.publicBaseUrl ? publicOrigin(deps.config) : null;
  const fastPath = {
    served: 0,
    handle(req: IncomingMessage, res: ServerResponse, next: () => void): void {
      const url = req.url ?? '';
      const accept = req.headers.accept ?? '';
      const host = req.headers.host;
      if (req.method !== 'GET' || req.headers.authorization !== undefined || url.includes('?') || !acceptsLinkset(accept)) return next();
      if (!PRIMARY_KEYS.has(url.slice(1, url.indexOf('/', 1)))) return next();
      // Behind a trusted proxy the route takes the origin from X-Forwarded-*: left to it.
      if (!configured && (!host || (deps.config.trustProxy && (req.headers['x-forwarded-host'] || req.headers['x-forwarded-proto'])))) return next();
      let code: ResolvedCode;
      try {
        code = resolveCode(`https://id.gs1.org${url}`);
      } catch {
        return next();
      }
      const reply = (registration: Registration) => {
        if (!registration.registered) return next();
        const base = configured ?? `http://${host!.replace(/:80$/, '')}`;
        const { headers, body, bytes } = linksetReply(base, code, registration.product?.name, false, accept);
        // Headers as one flat list: an object built per reply (spread from others) took 40 % of the time of this path.
        const raw = [...CORS_FLAT, 'link', linksetLinkHeader(base, code), 'vary', 'Accept'];
        for (const [name, value] of headers) raw.push(name, value);
        raw.push('content-length', String(bytes));
        res.writeHead(200, raw);
        res.end(body);
        fastPath.served++;
      };
      // A failed read, or a reply that could not be written: the route answers it (with the problem it finds).
      const fail = () => (res.headersSent ? res.destroy() : next());
      // A product read before answers at once, without a promise; any other code is looked up.
      const kept = keptRegistration(deps, code);
      if (!kept) return void findRegistration(deps, code).then(reply).catch(fail);
      try {
        reply(kept);
      } catch {
        fail();
      }
    },
  };
  return fastPath;
}
