import { Type } from '@sinclair/typebox';
import { PARTY_KINDS } from '../domain/party-kinds.ts';
import { DEPARTMENT_IDS } from '../domain/directory/product-directory.ts';

export const Licence = Type.Object({
  type: Type.String({ minLength: 1, description: 'e.g. 食品生产许可证, 药品经营许可证' }),
  number: Type.String({ minLength: 1 }),
  scope: Type.Optional(Type.String()),
  validFrom: Type.Optional(Type.String({ description: 'ISO-8601 date' })),
  validTo: Type.Optional(Type.String({ description: 'ISO-8601 date' })),
});

export const RegisterPartyBody = Type.Object(
  {
    uscc: Type.String({ description: '统一社会信用代码 (GB 32100, 18 characters)' }),
    name: Type.String({ minLength: 1 }),
    kind: Type.Union(PARTY_KINDS.map((k) => Type.Literal(k))),
    region: Type.String({ description: 'GB/T 2260 region code, e.g. 441302' }),
    gln: Type.Optional(Type.String({ description: 'party GLN (AI 417), 13 digits' })),
    department: Type.Optional(Type.Union(DEPARTMENT_IDS.map((d) => Type.Literal(d)), { description: 'for kind regulator' })),
    regions: Type.Optional(Type.Array(Type.String(), { description: 'for kind regulator: GB/T 2260 codes it covers' })),
    licences: Type.Optional(Type.Array(Licence)),
  },
  { additionalProperties: false },
);

export const PartyResponse = Type.Object({
  id: Type.String(),
  uscc: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  region: Type.String(),
  uri: Type.String({ description: 'canonical party identifier used in events' }),
  gln: Type.Union([Type.String(), Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  regions: Type.Array(Type.String()),
  licences: Type.Array(Licence),
  createdAt: Type.String(),
});

export const AddSiteBody = Type.Object(
  {
    gln: Type.Optional(Type.String({ description: 'site GLN (AI 414)' })),
    localId: Type.Optional(Type.String({ description: 'local site id when there is no GLN' })),
    name: Type.String({ minLength: 1 }),
    address: Type.String(),
    region: Type.String(),
  },
  { additionalProperties: false },
);

export const SiteResponse = Type.Object({
  id: Type.String(),
  partyId: Type.String(),
  uri: Type.String(),
  gln: Type.Union([Type.String(), Type.Null()]),
  localId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  address: Type.String(),
  region: Type.String(),
  createdAt: Type.String(),
});

export const PartyWithSites = Type.Intersect([PartyResponse, Type.Object({ sites: Type.Array(SiteResponse) })]);

export const IssueKeyBody = Type.Object(
  {
    scopes: Type.Array(Type.Union([Type.Literal('capture'), Type.Literal('query')]), { minItems: 1 }),
    label: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ApiKeyResponse = Type.Object({
  id: Type.String(),
  partyId: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  label: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export const IssuedApiKeyResponse = Type.Intersect([
  ApiKeyResponse,
  Type.Object({ key: Type.String({ description: 'the secret; shown this once, stored only hashed' }) }),
]);

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorKind: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Any(),
});
