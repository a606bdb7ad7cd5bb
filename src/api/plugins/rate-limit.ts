import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { DomainError } from '../../domain/errors.ts';

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

/** Addresses tracked at once; past this the oldest windows are dropped (a flood of addresses cannot exhaust memory). */
const MAX_TRACKED = 50_000;

/**
 * Fixed-window limits per client address and route, in this process's memory (behind several processes, each counts
 * its own share — still a bound). Over the limit: 429 `rate_limited` with Retry-After.
 */
export function registerRateLimit(app: FastifyInstance, now: () => number = Date.now): void {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const check = (limit: RateLimit): onRequestHookHandler => (request, reply, done) => {
    const key = `${request.routeOptions.url}\u0000${request.ip}`;
    const t = now();
    let w = windows.get(key);
    if (!w || w.resetAt <= t) {
      windows.delete(key);
      if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value!);
      w = { count: 0, resetAt: t + limit.windowMs };
      windows.set(key, w);
    }
    w.count++;
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
