import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../../../core/deps.ts';
import { answerComplaint, fileComplaint, listComplaints, trackComplaint } from '../../../../core/public/complaints.ts';
import { attachCertificate } from '../../../../core/public/certificates.ts';
import { addToBlacklist, listBlacklist, listNotices, publishNotice, removeFromBlacklist, withdrawNotice } from '../../../../core/public/notices.ts';
import { proveChain } from '../../../../core/public/prove-chain.ts';
import { resolveCode } from '../../../../core/public/resolve-code.ts';
import { openRecallsOf, viewScan } from '../../../../core/public/view-scan.ts';
import { errorResponses } from '../../../../contracts/common.ts';
import {
  AttachCertificateBody, BlacklistBody, CertificateResponse, BlacklistResponse, ComplaintResponse, ComplaintStatusResponse, FileComplaintBody, NoticeResponse,
  PublicProofResponse, PublishNoticeBody, RecallStatusResponse, ScanViewResponse,
} from '../../../../contracts/public.ts';
import { COMPLAINT_RATE_LIMIT } from '../../resolver.ts';
import { scanToRecord } from '../../../scan-visits.ts';

const CodeQuery = Type.Object({ code: Type.String({ minLength: 1, description: 'any supported code' }) });

/** The public window's JSON (issue 4 §2–3) and what regulators and certifiers do to it. */
export async function publicParticipationRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;

  app.get('/public/scan', {
    config: { access: 'public' },
    schema: {
      summary: 'What the scan page shows, as JSON (the gs1:traceability link); counts as a scan by an app', tags: ['public'],
      querystring: Type.Object({ code: Type.String({ minLength: 1 }), region: Type.Optional(Type.String({ pattern: '^\\d{6}$' })) }),
      response: { 200: ScanViewResponse, ...errorResponses(400) },
    },
  }, async (request, reply) => {
    const q = request.query as { code: string; region?: string };
    const code = resolveCode(q.code);
    const record = scanToRecord(request, reply, code.unit, q.region, true);
    return viewScan(deps, code, record ? { record } : {});
  });

  app.get('/public/recall-status', {
    config: { access: 'public' },
    schema: { summary: 'Whether a code is under an open recall (the gs1:recallStatus link)', tags: ['public'], querystring: CodeQuery, response: { 200: RecallStatusResponse, ...errorResponses(400) } },
  }, async (request) => {
    const code = resolveCode((request.query as { code: string }).code);
    const recalls = await openRecallsOf(deps, code);
    return { code: code.unit, recalled: recalls.length > 0, recalls };
  });

  app.get('/public/proof', {
    config: { access: 'public' },
    schema: {
      summary: "The integrity proof of a code's public chain: leaves, audit paths and a signed tree head (no event content)", tags: ['public', 'ledger'],
      querystring: CodeQuery, response: { 200: PublicProofResponse, ...errorResponses(400) },
    },
  }, async (request) => {
    const { checks: _checks, ...proof } = await proveChain(deps, resolveCode((request.query as { code: string }).code));
    return proof;
  });

  app.post('/public/complaints', {
    config: { access: 'public', rateLimit: COMPLAINT_RATE_LIMIT },
    schema: { summary: 'File a complaint 投诉; keep the tracking number', tags: ['public'], body: FileComplaintBody, response: { 201: ComplaintStatusResponse, ...errorResponses(400) } },
  }, async (request, reply) => reply.status(201).send(await fileComplaint(deps, request.actor, request.body as never)));

  app.get('/public/complaints/:trackingNo', {
    config: { access: 'public' },
    schema: { summary: 'A complaint by its tracking number: status and answer', tags: ['public'], params: Type.Object({ trackingNo: Type.String({ maxLength: 40 }) }), response: { 200: ComplaintStatusResponse, ...errorResponses(404) } },
  }, async (request) => trackComplaint(deps, (request.params as { trackingNo: string }).trackingNo));

  app.get('/public/notices', {
    config: { access: 'public' },
    schema: { summary: 'Consumer notices 消费提示 in force', tags: ['public'], response: { 200: Type.Array(NoticeResponse) } },
  }, async () => listNotices(deps));

  app.get('/public/blacklist', {
    config: { access: 'public' },
    schema: { summary: 'The dishonesty blacklist 黑名单 in force', tags: ['public'], response: { 200: Type.Array(BlacklistResponse) } },
  }, async () => listBlacklist(deps));

  app.get('/regulator/complaints', {
    config: { access: 'regulator' },
    schema: {
      summary: 'Complaints about your product lines in your regions', tags: ['regulator'],
      querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('answered')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
      response: { 200: Type.Array(ComplaintResponse), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => listComplaints(deps, request.actor, request.query as never));

  app.post('/regulator/complaints/:id/answer', {
    config: { access: 'regulator' },
    schema: {
      summary: 'Answer a complaint; the answer shows on its tracking page', tags: ['regulator'], params: Type.Object({ id: Type.String() }),
      body: Type.Object({ answer: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: ComplaintResponse, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => answerComplaint(deps, request.actor, (request.params as { id: string }).id, (request.body as { answer: string }).answer));

  app.post('/regulator/notices', {
    config: { access: 'regulator' },
    schema: { summary: 'Publish a consumer notice 消费提示', tags: ['regulator'], body: PublishNoticeBody, response: { 201: NoticeResponse, ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => reply.status(201).send(await publishNotice(deps, request.actor, request.body as never)));

  app.delete('/regulator/notices/:id', {
    config: { access: 'regulator' },
    schema: { summary: 'Withdraw a notice you published', tags: ['regulator'], params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...errorResponses(401, 403, 404) } },
  }, async (request, reply) => {
    await withdrawNotice(deps, request.actor, (request.params as { id: string }).id);
    return reply.status(204).send();
  });

  app.post('/regulator/blacklist', {
    config: { access: 'regulator' },
    schema: { summary: 'Put a firm on the dishonesty blacklist 黑名单', tags: ['regulator'], body: BlacklistBody, response: { 201: BlacklistResponse, ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => reply.status(201).send(await addToBlacklist(deps, request.actor, request.body as never)));

  app.delete('/regulator/blacklist/:id', {
    config: { access: 'regulator' },
    schema: { summary: 'Lift a blacklist entry (信用修复)', tags: ['regulator'], params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), ...errorResponses(401, 403, 404) } },
  }, async (request, reply) => {
    await removeFromBlacklist(deps, request.actor, (request.params as { id: string }).id);
    return reply.status(204).send();
  });

  app.post('/certificates', {
    config: { access: 'any-key' },
    schema: {
      summary: 'Attach a certificate to a firm or product (certifier or admin key); it shows on scan pages and labels', tags: ['certificates'],
      body: AttachCertificateBody, response: { 201: CertificateResponse, ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => reply.status(201).send(await attachCertificate(deps, request.actor, request.body as never)));
}
