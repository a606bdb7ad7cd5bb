import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { exportLedgerBundle, getTreeHead, proveConsistency, proveInclusion } from '../../../../core/ledger.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';

const TreeHead = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Type.String({ description: 'base64 SHA-256 Merkle tree hash (RFC 9162)' }),
  timestamp: Type.String({ description: 'ISO-8601 UTC' }),
  signature: Type.String({ description: 'base64 Ed25519 signature of "suyuan-tree-head:v1:{treeSize}:{timestamp}:{rootHash}"' }),
  publicKey: Type.String({ description: 'raw 32-byte Ed25519 public key, base64' }),
});

/** The integrity ledger 责任可究 / 验证互认: signed tree heads and RFC 9162 proofs (public), bundles (with a key). */
export async function ledgerRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  const tags = ['ledger'];
  app.get('/tree-head', {
    config: { access: 'public' },
    schema: { summary: 'The current signed tree head', tags, security: [], response: { 200: TreeHead } },
  }, async () => getTreeHead(deps));

  app.get('/proof/inclusion', {
    config: { access: 'public' },
    schema: {
      summary: "An event's inclusion proof (RFC 9162 §2.1.3)", tags, security: [],
      querystring: Type.Object({ eventId: Type.String({ minLength: 1 }), treeSize: Type.Optional(Type.Integer({ minimum: 1 })) }),
      response: { 200: Type.Object({ eventHash: Type.String(), leafIndex: Type.Integer(), treeSize: Type.Integer(), auditPath: Type.Array(Type.String()) }), ...errorResponses(400, 404) },
    },
  }, async (request) => {
    const q = request.query as { eventId: string; treeSize?: number };
    return proveInclusion(deps, q.eventId, q.treeSize);
  });

  app.get('/proof/consistency', {
    config: { access: 'public' },
    schema: {
      summary: 'A consistency proof between two tree sizes (RFC 9162 §2.1.4)', tags, security: [],
      querystring: Type.Object({ first: Type.Integer({ minimum: 0 }), second: Type.Integer({ minimum: 0 }) }),
      response: { 200: Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Type.String()) }), ...errorResponses(400) },
    },
  }, async (request) => {
    const q = request.query as { first: number; second: number };
    return proveConsistency(deps, q.first, q.second);
  });

  app.get('/bundle', {
    config: { access: 'any-key' },
    schema: {
      summary: "A bundle proving a code's records (events, proofs, signed head, public key) for offline `suyuan verify`", tags,
      querystring: Type.Object({ code: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({ format: Type.Literal('suyuan-ledger-bundle/v1'), code: Type.Optional(Type.String()), treeHead: TreeHead, publicKey: Type.String(), entries: Type.Array(Type.Object({ event: Type.Record(Type.String(), Type.Any()), eventHash: Type.String(), leafIndex: Type.Integer(), auditPath: Type.Array(Type.String()) })) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => exportLedgerBundle(deps, request.actor, (request.query as { code: string }).code));
}
