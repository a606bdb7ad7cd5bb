import Fastify, { type FastifyInstance } from 'fastify';
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
import { resolverRoutes } from './routes/resolver.ts';

/** Who may call one route, as declared. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeAccess: RouteAccess[];
  }
}

export interface BuildAppOptions {
  logger?: boolean;
}

/** The whole HTTP surface over the given dependencies; not yet listening. */
export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: deps.config.logLevel } : false,
    bodyLimit: deps.config.captureFileSizeLimit,
    trustProxy: deps.config.trustProxy,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
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
