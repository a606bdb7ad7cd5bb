import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getUnitQuantities } from '../../../../core/get-unit-quantities.ts';
import { listQuantityAnomalies } from '../../../../core/quantity-anomalies.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';

const Balance = Type.Object({
  uom: Type.String({ description: 'UN/ECE Rec 20 code; H87 for counted items' }),
  received: Type.Number(), unpacked: Type.Number({ description: 'taken out of a container the holder received' }), produced: Type.Number(), shipped: Type.Number(), transformed: Type.Number(), sold: Type.Number(), destroyed: Type.Number(),
  onHand: Type.Number(),
});

/** The quantity ledger of a lot or item (issue 3 §3). */
export async function quantityRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  app.get('/quantities', {
    config: { access: 'any-key' },
    schema: {
      summary: 'On hand per holder of a lot or item, and holders that gave out more than they held', tags: ['trace'],
      querystring: Type.Object({ code: Type.String({ minLength: 1 }) }),
      response: {
        200: Type.Object({
          unit: Type.String(),
          recalls: Type.Array(Type.String(), { description: 'open recalls that reach this unit' }),
          holders: Type.Array(Type.Object({ partyId: Type.String(), name: Type.Union([Type.String(), Type.Null()]), region: Type.Union([Type.String(), Type.Null()]), balances: Type.Array(Balance) })),
          anomalies: Type.Array(Type.Object({
            holder: Type.String(), partyName: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), eventId: Type.String(), eventID: Type.String(), time: Type.String(),
            movement: Type.String(), quantity: Type.Number(), onHandBefore: Type.Number(), uom: Type.String(),
          })),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => getUnitQuantities(opts.deps, request.actor, (request.query as { code: string }).code));

  app.get('/anomalies', {
    config: { access: 'any-key' },
    schema: {
      summary: 'The standing list of quantity anomalies: holders that gave out more than they held (regulator: in scope; firm: its own)', tags: ['trace'],
      querystring: Type.Object({ since: Type.Optional(Type.String({ description: 'only events at or after this time' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: {
        200: Type.Object({
          anomalies: Type.Array(Type.Object({
            unit: Type.String(), kind: Type.String(), holder: Type.Object({ partyId: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
            movement: Type.String(), quantity: Type.Number(), onHandBefore: Type.Number(), uom: Type.String(), eventID: Type.String(), time: Type.String(),
            category: Type.Union([Type.String(), Type.Null()]), region: Type.Union([Type.String(), Type.Null()]), detectedAt: Type.String(),
          })),
          scan: Type.Object({
            scannedThrough: Type.Integer({ description: 'ledger leaves covered; below treeSize while the list is still catching up' }), treeSize: Type.Integer(),
            units: Type.Integer(), found: Type.Integer(),
          }),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => listQuantityAnomalies(opts.deps, request.actor, request.query as never));
}
