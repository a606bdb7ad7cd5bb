import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { addSite } from '../../../../core/add-site.ts';
import { issueApiKey, listApiKeys, revokeApiKey } from '../../../../core/issue-api-key.ts';
import { listAuditLog, type AuditQuery } from '../../../../core/list-audit-log.ts';
import { getParty, listParties } from '../../../../core/list-parties.ts';
import { registerParty, type RegisterPartyInput } from '../../../../core/register-party.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';
import {
  AddSiteBody, ApiKeyResponse, AuditEntry, IssuedApiKeyResponse, IssueKeyBody, PartyResponse, PartyWithSites,
  RegisterPartyBody, SiteResponse,
} from '../../../../contracts/parties.ts';

const admin = { access: 'admin' as const };
const Id = Type.Object({ id: Type.String() });

/** Administration: parties, sites, API keys, audit log (administrator key only). */
export async function adminRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  const tags = ['admin'];

  app.post('/parties', {
    config: admin,
    schema: { summary: 'Register a party (firm, lab, regulator…)', tags, body: RegisterPartyBody, response: { 201: PartyResponse, ...errorResponses(400, 401, 403, 409) } },
  }, async (request, reply) => reply.status(201).send(await registerParty(deps, request.actor, request.body as RegisterPartyInput)));

  app.get('/parties', {
    config: admin,
    schema: { summary: 'List parties', tags, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), after: Type.Optional(Type.String()) }), response: { 200: Type.Array(PartyResponse), ...errorResponses(401, 403) } },
  }, async (request) => {
    const q = request.query as { limit?: number; after?: string };
    return listParties(deps, request.actor, q.limit, q.after);
  });

  app.get('/parties/:id', {
    config: admin,
    schema: { summary: 'One party with its sites', tags, params: Id, response: { 200: PartyWithSites, ...errorResponses(401, 403, 404) } },
  }, async (request) => getParty(deps, request.actor, (request.params as { id: string }).id));

  app.post('/parties/:id/sites', {
    config: admin,
    schema: { summary: 'Add a site to a party', tags, params: Id, body: AddSiteBody, response: { 201: SiteResponse, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => reply.status(201).send(await addSite(deps, request.actor, (request.params as { id: string }).id, request.body as never)));

  app.post('/parties/:id/keys', {
    config: admin,
    schema: { summary: 'Issue an API key (the secret is shown once)', tags, params: Id, body: IssueKeyBody, response: { 201: IssuedApiKeyResponse, ...errorResponses(400, 401, 403, 404) } },
  }, async (request, reply) => reply.status(201).send(await issueApiKey(deps, request.actor, (request.params as { id: string }).id, request.body as never)));

  app.get('/parties/:id/keys', {
    config: admin,
    schema: { summary: "A party's API keys (no secrets)", tags, params: Id, response: { 200: Type.Array(ApiKeyResponse), ...errorResponses(401, 403) } },
  }, async (request) => listApiKeys(deps, request.actor, (request.params as { id: string }).id));

  app.post('/keys/:id/revoke', {
    config: admin,
    schema: { summary: 'Revoke an API key', tags, params: Id, response: { 200: ApiKeyResponse, ...errorResponses(401, 403, 404) } },
  }, async (request) => revokeApiKey(deps, request.actor, (request.params as { id: string }).id));

  app.get('/audit', {
    config: admin,
    schema: {
      summary: 'The audit log, newest first',
      tags,
      querystring: Type.Object({
        actorId: Type.Optional(Type.String()), action: Type.Optional(Type.String()), since: Type.Optional(Type.String()),
        until: Type.Optional(Type.String()), before: Type.Optional(Type.Integer()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      response: { 200: Type.Array(AuditEntry), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => listAuditLog(deps, request.actor, request.query as AuditQuery));
}
