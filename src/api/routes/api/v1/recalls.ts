import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { closeRecall, getRecall, openRecall, RECALL_SEVERITIES } from '../../../../core/recall/open-recall.ts';
import { acknowledgeRecallNotice, listRecallNotices } from '../../../../core/recall/recall-notices.ts';
import { EXPORT_COLUMNS, recallTraceabilityRows, rowsToCsv, rowsToXlsx } from '../../../../core/recall/export-recall.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';
import { jsonPieces } from '../../../presenters/json-pieces.ts';

/**
 * A recall's reply, written in pieces with turns of the event loop between them: a recall of 100,000 units is 35 MB
 * of JSON, and the serializer held the server for a second or more writing it. The schemas still publish its shape.
 */
const sendJson = (reply: FastifyReply, value: unknown, status = 200) =>
  reply.status(status).type('application/json; charset=utf-8').send(Readable.from(jsonPieces(value)));

const Impact = Type.Object({
  units: Type.Array(Type.Object({ code: Type.String(), product: Type.Union([Type.String(), Type.Null()]), quantity: Type.Union([Type.Number(), Type.Null()]), unit: Type.Union([Type.String(), Type.Null()]) })),
  holders: Type.Array(Type.Object({ partyId: Type.String(), name: Type.Union([Type.String(), Type.Null()]), region: Type.Union([Type.String(), Type.Null()]), onHand: Type.Array(Type.Object({ code: Type.String(), value: Type.Number(), unit: Type.String() })) })),
  regions: Type.Array(Type.String(), { description: 'GB/T 2260 districts where affected units were received or sold (销售范围)' }),
  sold: Type.Array(Type.Object({ region: Type.Union([Type.String(), Type.Null()]), value: Type.Number(), unit: Type.String() })),
  origins: Type.Array(Type.Object({ code: Type.String(), partyId: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) })),
  truncated: Type.Boolean(),
});
const Quantity = Type.Object({ code: Type.String(), value: Type.Number(), unit: Type.String() });
const Progress = Type.Object({
  holders: Type.Array(Type.Object({
    partyId: Type.String(), acknowledged: Type.Boolean(), onHandAtOpen: Type.Array(Quantity), onHandNow: Type.Array(Quantity),
    recovered: Type.Array(Quantity), destroyed: Type.Array(Quantity), accountedFor: Type.Boolean(),
  })),
  accountedFor: Type.Integer(),
  total: Type.Integer(),
});
const Recall = Type.Object({
  id: Type.String(), status: Type.String(), codes: Type.Array(Type.String()), reason: Type.String(), severity: Type.String(), regulatorId: Type.String(),
  createdAt: Type.String(), closedAt: Type.Union([Type.String(), Type.Null()]), impact: Impact,
  notices: Type.Array(Type.Object({ partyId: Type.String(), status: Type.String(), acknowledgedAt: Type.Union([Type.String(), Type.Null()]) })),
  progress: Progress,
  reportWith: Type.Object({ type: Type.String(), bizTransaction: Type.String() }, { description: 'add to bizTransactionList of the EPCIS events that recover or destroy affected units' }),
});
const Notice = Type.Object({
  id: Type.String(), recallId: Type.String(), recallStatus: Type.String(), codes: Type.Array(Type.String()), reason: Type.String(), severity: Type.String(),
  status: Type.String(), createdAt: Type.String(), acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
});

/** Recalls (regulators) and recall notices (holders) — issue 3 §4. */
export async function recallRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  app.post('/regulator/recalls', {
    config: { access: 'regulator' },
    schema: {
      summary: 'Open a recall: impact assessed, every holder notified', tags: ['regulator'],
      body: Type.Object({ codes: Type.Array(Type.String(), { minItems: 1, maxItems: 100 }), reason: Type.String({ minLength: 1 }), severity: Type.Union(RECALL_SEVERITIES.map((s) => Type.Literal(s))) }, { additionalProperties: false }),
      response: { 201: Recall, ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => sendJson(reply, await openRecall(deps, request.actor, request.body as never), 201));

  app.get('/regulator/recalls/:id', {
    config: { access: 'regulator' },
    schema: { summary: 'A recall, its impact recomputed now', tags: ['regulator'], params: Type.Object({ id: Type.String() }), response: { 200: Recall, ...errorResponses(401, 403, 404) } },
  }, async (request, reply) => sendJson(reply, await getRecall(deps, request.actor, (request.params as { id: string }).id)));

  app.post('/regulator/recalls/:id/close', {
    config: { access: 'regulator' },
    schema: { summary: 'Close a recall once every holder is accounted for', tags: ['regulator'], params: Type.Object({ id: Type.String() }), response: { 200: Recall, ...errorResponses(401, 403, 404, 409, 422) } },
  }, async (request, reply) => sendJson(reply, await closeRecall(deps, request.actor, (request.params as { id: string }).id)));

  app.get('/regulator/recalls/:id/export', {
    config: { access: 'regulator' },
    schema: {
      summary: "A recall's traceability records, one row per critical tracking event (FSMA 204 sortable-spreadsheet layout)", tags: ['regulator'],
      params: Type.Object({ id: Type.String() }),
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('xlsx')])) }),
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const format = (request.query as { format?: string }).format ?? 'json';
    const { recall, rows } = await recallTraceabilityRows(deps, request.actor, id);
    const name = `recall-${id}`;
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(Readable.from(rowsToCsv(rows)));
    if (format === 'xlsx') {
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await rowsToXlsx(recall, rows));
    }
    return sendJson(reply, { recall: { id: recall.id, reason: recall.reason, severity: recall.severity, status: recall.status, codes: recall.codes }, columns: EXPORT_COLUMNS.map(([key, header]) => ({ key, header })), rows });
  });

  app.get('/enterprise/recall-notices', {
    config: { access: 'party' },
    schema: { summary: 'Your recall notices (inbox)', tags: ['enterprise'], response: { 200: Type.Array(Notice), ...errorResponses(401, 403) } },
  }, async (request) => listRecallNotices(deps, request.actor));

  app.post('/enterprise/recall-notices/:id/acknowledge', {
    config: { access: 'party' },
    schema: { summary: 'Acknowledge a recall notice', tags: ['enterprise'], params: Type.Object({ id: Type.String() }), response: { 200: Notice, ...errorResponses(401, 403, 404) } },
  }, async (request) => acknowledgeRecallNotice(deps, request.actor, (request.params as { id: string }).id));
}
