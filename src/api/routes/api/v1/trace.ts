import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../../core/deps.ts';
import { traceUnit } from '../../../../core/trace-unit.ts';
import { errorResponses } from '../../../../contracts/common.ts';
import { TraceQuery, TraceResponse, type TraceQueryType } from '../../../../contracts/trace.ts';

/** `GET /trace` (mounted under /api/v1): trace any code back, forward or both, as the caller may see it (issue 3 §2). */
export async function traceRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  app.get('/trace', {
    config: { access: 'any-key' },
    schema: {
      summary: 'Trace a unit: 来源可查、去向可追 — nodes, edges and timeline of its lineage',
      tags: ['trace'],
      querystring: TraceQuery,
      response: { 200: TraceResponse, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const q = request.query as TraceQueryType;
    return traceUnit(deps, request.actor, { code: q.code, direction: q.direction, depth: q.depth });
  });
}
