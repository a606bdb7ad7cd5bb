import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { MAX_SHEET_LABELS, printLabelSheet, renderLabel, type PrintLabelSheetInput } from '../../../../core/print-labels.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';

const Symbology = Type.Union([Type.Literal('qr'), Type.Literal('datamatrix')], { description: 'qr: GS1 Digital Link QR code (default); datamatrix: GS1 Data Matrix' });

const SheetBody = Type.Object(
  {
    lot: Type.String({ minLength: 1, description: 'the lot: /01/<GTIN>/10/<lot> Digital Link, (01)…(10)… element string or EPC class URN' }),
    count: Type.Integer({ minimum: 1, maximum: MAX_SHEET_LABELS, description: 'labels to print = serials to commission' }),
    firstSerial: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'first serial; default the next free <lot>NNNNNN' })),
    expiry: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'expiry date YYYY-MM-DD (AI 17, ilmd itemExpirationDate)' })),
    site: Type.Optional(Type.String({ minLength: 1, description: 'one of your sites (GLN or site URI): readPoint and bizLocation of the commissioning' })),
    symbology: Type.Optional(Symbology),
  },
  { additionalProperties: false },
);

/** Labels and marks (issue 4 §4): one label as SVG or PNG; a PDF sheet that commissions the serials it prints. */
export async function labelRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  const tags = ['enterprise'];

  app.get('/labels', {
    config: { access: 'party' },
    schema: {
      summary: 'One label for a code of your products: SVG (the whole label with element string, expiry and certification marks) or PNG (the symbol alone)',
      tags,
      querystring: Type.Object({
        code: Type.String({ minLength: 1, description: 'any form of the code (Digital Link, element string, EPC URN, drug or local code)' }),
        format: Type.Optional(Type.Union([Type.Literal('svg'), Type.Literal('png')], { description: 'svg (default) or png' })),
        symbology: Type.Optional(Symbology),
      }),
      response: errorResponses(400, 401, 403),
    },
  }, async (request, reply) => {
    const q = request.query as { code: string; format?: string; symbology?: string };
    const label = await renderLabel(deps, request.actor, q);
    return reply.type(label.contentType).header('cache-control', 'no-store').header('Suyuan-Encoded', encodeURI(label.encoded)).send(Buffer.from(label.body));
  });

  app.post('/labels/sheets', {
    config: { access: 'party' },
    schema: {
      summary: 'A PDF sheet of labels for a lot (A4, 24 to a page), commissioning the printed serials as one EPCIS event',
      description:
        'Answers 201 with the PDF; headers Suyuan-Capture-Id (Location: the capture job), Suyuan-Serials-Count, Suyuan-First-Serial and Suyuan-Last-Serial. Nothing is commissioned when the request fails.',
      tags,
      body: SheetBody,
      response: errorResponses(400, 401, 403, 409),
    },
  }, async (request, reply) => {
    const sheet = await printLabelSheet(deps, request.actor, request.body as PrintLabelSheetInput);
    const first = sheet.serials[0];
    const last = sheet.serials.at(-1)!;
    return reply
      .status(201)
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="labels-${safeName(first)}-${safeName(last)}.pdf"`)
      .header('location', `/epcis/capture/${sheet.captureId}`)
      .header('Suyuan-Capture-Id', sheet.captureId)
      .header('Suyuan-Serials-Count', String(sheet.serials.length))
      .header('Suyuan-First-Serial', first)
      .header('Suyuan-Last-Serial', last)
      .send(Buffer.from(sheet.pdf));
  });
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
