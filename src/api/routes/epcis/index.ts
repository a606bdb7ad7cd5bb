import '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { captureEvents, type CaptureResult } from '../../../core/capture-events.ts';
import { getCaptureJob, listCaptureJobs } from '../../../core/get-capture-job.ts';
import { getEvent, queryEvents, type QueryParams } from '../../../core/query-events.ts';
import { listVocabulary } from '../../../core/list-vocabulary.ts';
import { kickAnomalyScan, stopAnomalyScan } from '../../../core/quantity-anomalies.ts';
import type { Deps } from '../../../core/deps.ts';
import { DomainError } from '../../../domain/errors.ts';
import { errorResponses } from '../../../contracts/common.ts';
import { readCaptureDocument, readSingleEvent, spoolBody } from '../../epcis-document-reader.ts';

const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
const JSON_TYPES = ['application/json', 'application/ld+json'];

/** The GS1 EPCIS 2.0 REST binding: capture, capture jobs, events, EPCs, top-level vocabularies. */
export async function epcisRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  // Captures update the standing anomaly list in the background, batched: one scan a second after the last capture.
  let scanTimer: NodeJS.Timeout | undefined;
  const scheduleAnomalyScan = () => {
    clearTimeout(scanTimer);
    scanTimer = setTimeout(() => kickAnomalyScan(deps, (err) => app.log.error({ err }, 'anomaly scan failed')), 1000).unref();
  };
  app.addHook('onClose', async () => {
    clearTimeout(scanTimer);
    await stopAnomalyScan(deps);
  });
  const limits = {
    'GS1-EPCIS-Capture-Limit': String(deps.config.captureEventLimit),
    'GS1-EPCIS-Capture-File-Size-Limit': String(deps.config.captureFileSizeLimit),
  };

  // Capture bodies are read as streams by the route (a 64 MB document is parsed in bounded memory).
  app.addContentTypeParser(JSON_TYPES, (_req, payload, done) => done(null, payload));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('GS1-EPCIS-Version', '2.0.0');
    reply.header('GS1-CBV-Version', '2.0.0');
  });

  app.options('/capture', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    return reply.headers(limits).status(204).send();
  });

  app.post(
    '/capture',
    {
      config: { access: 'party' },
      schema: {
        summary: 'Capture an EPCIS 2.0 document (all-or-nothing unless GS1-Capture-Error-Behaviour: proceed)',
        tags: ['EPCIS'],
        headers: Type.Object({ 'gs1-capture-error-behaviour': Type.Optional(Type.Union([Type.Literal('rollback'), Type.Literal('proceed')])) }),
        response: { 202: Type.Object({ captureID: Type.String(), running: Type.Boolean(), success: Type.Boolean(), eventCount: Type.Integer(), storedCount: Type.Integer(), duplicates: Type.Array(Type.Object({ eventIndex: Type.Integer(), eventID: Type.String() })), corrections: Type.Array(Type.Object({ eventIndex: Type.Integer(), eventID: Type.String() })), errors: Type.Array(Type.Any()) }), ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      reply.headers(limits);
      const length = request.headers['content-length'] ? Number(request.headers['content-length']) : undefined;
      const body = await spoolBody(bodyStream(request.body), length, deps.config.captureFileSizeLimit);
      let result: CaptureResult;
      try {
        const source = await readCaptureDocument(body.stream(), body.bytes, deps.config.captureFileSizeLimit);
        const behaviour = request.headers['gs1-capture-error-behaviour'] === 'proceed' ? 'proceed' : 'rollback';
        result = await withCaptureLocation(reply, () => captureEvents(deps, request.actor, source, { errorBehaviour: behaviour }));
      } finally {
        await body.dispose();
      }
      if (result.storedCount > 0) scheduleAnomalyScan();
      reply.header('Location', `/epcis/capture/${result.captureId}`);
      return reply.status(202).send(captureReply(result));
    },
  );

  app.post(
    '/events',
    {
      config: { access: 'party' },
      schema: {
        summary: 'Capture one EPCIS event',
        tags: ['EPCIS'],
        response: { 201: Type.Object({ captureID: Type.String(), eventID: Type.String(), duplicate: Type.Boolean(), corrected: Type.Boolean() }), ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const source = await readSingleEvent(bodyStream(request.body), deps.config.captureFileSizeLimit);
      const result = await withCaptureLocation(reply, () => captureEvents(deps, request.actor, source, { singleEvent: true }));
      if (result.storedCount > 0) scheduleAnomalyScan();
      const eventID = result.eventIds[0];
      reply.header('Location', `/epcis/events/${encodeURIComponent(eventID)}`);
      return reply.status(201).send({ captureID: result.captureId, eventID, duplicate: result.duplicates.length > 0, corrected: result.corrections.length > 0 });
    },
  );

  app.get(
    '/capture',
    { config: { access: 'party' }, schema: { summary: 'List your capture jobs', tags: ['EPCIS'], querystring: Type.Object({ perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), nextPageToken: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const q = request.query as { perPage?: number; nextPageToken?: string };
      const { jobs, nextPageToken } = await listCaptureJobs(deps, request.actor, q.perPage ?? 30, q.nextPageToken);
      if (nextPageToken) reply.header('Link', `</epcis/capture?perPage=${q.perPage ?? 30}&nextPageToken=${nextPageToken}>; rel="next"`);
      return jobs;
    },
  );

  app.get(
    '/capture/:captureID',
    { config: { access: 'party' }, schema: { summary: 'A capture job: running, success, errors', tags: ['EPCIS'], params: Type.Object({ captureID: Type.String() }) } },
    async (request) => getCaptureJob(deps, request.actor, (request.params as { captureID: string }).captureID),
  );

  app.get(
    '/events',
    { config: { access: 'party' }, schema: { summary: 'SimpleEventQuery over the events you may see', tags: ['EPCIS'] } },
    async (request, reply) => sendQuery(reply, request.url, await queryEvents(deps, request.actor, request.query as QueryParams)),
  );

  app.get(
    '/events/:eventID',
    { config: { access: 'party' }, schema: { summary: 'One event by its eventID', tags: ['EPCIS'], params: Type.Object({ eventID: Type.String() }) } },
    async (request) => {
      const event = await getEvent(deps, request.actor, (request.params as { eventID: string }).eventID);
      return { '@context': [EPCIS_CONTEXT], ...event };
    },
  );

  app.get(
    '/epcs/:epc/events',
    { config: { access: 'party' }, schema: { summary: 'Events naming an EPC (any role)', tags: ['EPCIS'], params: Type.Object({ epc: Type.String() }) } },
    async (request, reply) => {
      const { epc } = request.params as { epc: string };
      const page = await queryEvents(deps, request.actor, request.query as QueryParams, { MATCH_anyEPC: epc });
      return sendQuery(reply, request.url, page);
    },
  );

  for (const [path, kind] of [['/eventTypes', 'eventTypes'], ['/bizSteps', 'bizSteps'], ['/dispositions', 'dispositions']] as const) {
    app.get(path, { config: { access: 'party' }, schema: { summary: `Top-level resource: ${kind}`, tags: ['EPCIS'] } }, async (request) => {
      return { '@context': [EPCIS_CONTEXT], type: 'Collection', member: await listVocabulary(deps, request.actor, kind) };
    });
  }
}

/** Our capture parser hands over the raw stream; anything else means the content type was wrong. */
function bodyStream(body: unknown): Readable {
  if (body && typeof (body as Readable).pipe === 'function') return body as Readable;
  throw new DomainError('invalid', 'unsupported_media_type', 'Send the EPCIS document as application/json or application/ld+json.', { field: 'Content-Type' });
}

/** A rejected capture still has a job the client can look up: point to it. */
async function withCaptureLocation(reply: FastifyReply, run: () => Promise<CaptureResult>): Promise<CaptureResult> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError && typeof err.details.captureId === 'string') reply.header('Location', `/epcis/capture/${err.details.captureId}`);
    throw err;
  }
}

function captureReply(r: CaptureResult) {
  return {
    captureID: r.captureId,
    running: false,
    success: r.errors.length === 0,
    eventCount: r.eventCount,
    storedCount: r.storedCount,
    duplicates: r.duplicates,
    corrections: r.corrections,
    errors: r.errors,
  };
}

function sendQuery(reply: FastifyReply, url: string, page: { events: unknown[]; nextPageToken?: string }) {
  if (page.nextPageToken) {
    const u = new URL(url, 'http://x');
    u.searchParams.set('nextPageToken', page.nextPageToken);
    reply.header('Link', `<${u.pathname}${u.search}>; rel="next"`);
  }
  return reply.type('application/ld+json').send({
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: page.events } } },
  });
}
