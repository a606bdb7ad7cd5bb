import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { addressGroup } from '../client-address.ts';
import { FixedWindows } from '../fixed-windows.ts';

/** A route's limit on how often one client address may call it. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Public writes declare one, so a single address cannot flood them (complaints, for instance). */
    rateLimit?: RateLimit;
  }
}

/**
 * Fixed-window limits per client address (an IPv6 client by its /64) and route (`FixedWindows`: in this process's
 * memory, bounded).
 * Over the limit: 429 `rate_limited` with Retry-After.
 */
export function registerRateLimit(app: FastifyInstance, now: () => number = Date.now): void {
  const windows = new FixedWindows();
  const check = (limit: RateLimit): onRequestHookHandler => (request, reply, done) => {
    const t = now();
    const w = windows.hit(`${request.routeOptions.url}\u0000${addressGroup(request.ip)}`, limit.windowMs, t);
    if (w.count > limit.max) {
      const retryAfter = Math.max(1, Math.ceil((w.resetAt - t) / 1000));
      reply.header('retry-after', String(retryAfter));
      return done(new DomainError('rule_violation', 'rate_limited', `Too many requests from your address; try again in ${retryAfter} s.`, { retryAfter }));
    }
    done();
  };
  // Only the routes that declare a limit get the hook: the others (the resolver's hot path) pay nothing for it.
  app.addHook('onRoute', (route) => {
    const limit = route.config?.rateLimit;
    if (!limit) return;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...own, check(limit)];
  });
}
