import http from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import swagger from '@fastify/swagger';
import { Problem } from '../contracts/common.ts';
import type { Deps } from '../core/deps.ts';
import { registerAuth, type Access } from './plugins/auth.ts';
import { registerErrorHandler } from './plugins/errors.ts';
import { registerRateLimit } from './plugins/rate-limit.ts';
import { epcisRoutes } from './routes/epcis/index.ts';
import { adminRoutes } from './routes/api/v1/admin.ts';
import { enterpriseRoutes } from './routes/api/v1/enterprise.ts';
import { labelRoutes } from './routes/api/v1/labels.ts';
import { publicRoutes } from './routes/api/v1/public.ts';
import { ledgerRoutes } from './routes/api/v1/ledger.ts';
import { quantityRoutes } from './routes/api/v1/quantities.ts';
import { recallRoutes } from './routes/api/v1/recalls.ts';
import { traceRoutes } from './routes/api/v1/trace.ts';
import { publicParticipationRoutes } from './routes/api/v1/public-participation.ts';
import { linksetFastPath, resolverRoutes } from './routes/resolver.ts';
import { ScanSources } from './scan-visits.ts';

/** Who may call one route, as declared. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeAccess: RouteAccess[];
    /** The linksets answered before Fastify (see linksetFastPath); `served` counts them. */
    linksetFastPath: ReturnType<typeof linksetFastPath>;
  }
}

export interface BuildAppOptions {
  logger?: boolean;
}

/** The whole HTTP surface over the given dependencies; not yet listening. */
export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const fastPath = linksetFastPath(deps);
  // Fastify logs each request at level info and below; the fast path logs nothing, so it stands aside then.
  const requestsLogged = options.logger === true && ['info', 'debug', 'trace'].includes(deps.config.logLevel);
  const app = Fastify({
    ...(requestsLogged ? {} : { serverFactory: serverWith(fastPath) }),
    logger: options.logger ? { level: deps.config.logLevel } : false,
    bodyLimit: deps.config.captureFileSizeLimit,
    trustProxy: deps.config.trustProxy,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  app.decorate('linksetFastPath', fastPath);
  app.decorate('scanSources', new ScanSources(() => deps.now().getTime()));
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Suyuan 溯源 API',
        version: '0.1.0',
        description: 'Important-product traceability platform: GS1 EPCIS 2.0 REST binding under /epcis, own API under /api/v1.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  registerErrorHandler(app, deps);
  registerAuth(app, deps);
  registerRateLimit(app);
  // Every route must say who may call it; a route that does not is a programming error caught at start-up.
  const routeAccess: RouteAccess[] = [];
  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    for (const method of methods) routeAccess.push({ method, url: route.url, access });
  });

  app.get('/health', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok', store: deps.store.dialect }));
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(epcisRoutes, { prefix: '/epcis', deps });
  await app.register(publicRoutes, { prefix: '/api/v1/public' });
  await app.register(enterpriseRoutes, { prefix: '/api/v1/enterprise', deps });
  await app.register(labelRoutes, { prefix: '/api/v1/enterprise', deps });
  await app.register(adminRoutes, { prefix: '/api/v1/admin', deps });
  await app.register(ledgerRoutes, { prefix: '/api/v1/ledger', deps });
  await app.register(quantityRoutes, { prefix: '/api/v1', deps });
  await app.register(recallRoutes, { prefix: '/api/v1', deps });
  await app.register(traceRoutes, { prefix: '/api/v1', deps });
  await app.register(publicParticipationRoutes, { prefix: '/api/v1', deps });
  // The GS1 Digital Link resolver and the public pages own the root path.
  await app.register(resolverRoutes, { deps });
  return app;
}

/**
 * The HTTP server, as Fastify would make it, with the resolver's fast path in front of Fastify's handler (requests it
 * does not answer go on to Fastify). A closing server leaves every request to Fastify, which refuses it with 503.
 * `app.inject` bypasses the server: tests of the fast path go over a real socket.
 */
function serverWith(fastPath: ReturnType<typeof linksetFastPath>): FastifyServerFactory {
  return (handler, options) => {
    const server = http.createServer((req, res) => (server.listening ? fastPath.handle(req, res, () => handler(req, res)) : handler(req, res)));
    // What Fastify sets on a server it makes itself (fastify/lib/server.js); a factory's server gets none of it.
    server.keepAliveTimeout = Number(options.keepAliveTimeout);
    server.requestTimeout = Number(options.requestTimeout);
    server.setTimeout(Number(options.connectionTimeout));
    if (Number(options.maxRequestsPerSocket) > 0) server.maxRequestsPerSocket = Number(options.maxRequestsPerSocket);
    return server;
  };
}
