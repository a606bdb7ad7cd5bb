import type { FastifyInstance } from 'fastify';
import { authenticate } from '../../core/authenticate.ts';
import type { Actor } from '../../core/actor.ts';
import type { Deps } from '../../core/deps.ts';
import { DomainError } from '../../domain/errors.ts';

/** Who may call a route; every route must declare one (a test enforces it). The use case then decides in detail. */
export type Access = 'public' | 'party' | 'regulator' | 'admin' | 'any-key';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Resolves the bearer key to an actor on every request, and refuses anonymous callers on non-public routes. */
export function registerAuth(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    let bearer: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new DomainError('unauthenticated', 'bad_authorization_header', 'The Authorization header must be "Bearer <key>".');
      bearer = m[1];
    }
    request.actor = { kind: 'public', ip: request.ip };
    request.actor = await authenticate(deps, bearer, request.ip);
    const access = request.routeOptions.config?.access;
    if (access && access !== 'public' && request.actor.kind === 'public') {
      throw new DomainError('unauthenticated', 'authentication_required', 'An API key is required: send "Authorization: Bearer <key>".');
    }
  });
}
