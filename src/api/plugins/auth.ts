import type { FastifyInstance, FastifyRequest } from 'fastify';
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
  const admit = (request: FastifyRequest, actor: Actor): DomainError | undefined => {
    request.actor = actor;
    const access = request.routeOptions.config?.access;
    if (access && access !== 'public' && actor.kind === 'public') {
      return new DomainError('unauthenticated', 'authentication_required', 'An API key is required: send "Authorization: Bearer <key>".');
    }
    return undefined;
  };
  // A callback hook, not an async one: a request without a key (every scan) is admitted without a promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined) return done(admit(request, { kind: 'public', ip: request.ip }));
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // The error handler audits a refusal by request.actor, so it is set before any refusal.
    request.actor = { kind: 'public', ip: request.ip };
    if (!m) return done(new DomainError('unauthenticated', 'bad_authorization_header', 'The Authorization header must be "Bearer <key>".'));
    authenticate(deps, m[1], request.ip).then((actor) => done(admit(request, actor)), done);
  });
}
