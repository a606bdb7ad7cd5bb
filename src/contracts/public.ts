import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Str = () => Type.String();
const Place = Type.Object({ name: Nullable(Str()), region: Nullable(Str()), regionNameZh: Nullable(Str()), regionNameEn: Nullable(Str()) });

/** `GET /api/v1/public/scan` — the scan page's content as JSON (issue 4 §2). */
export const ScanViewResponse = Type.Object({
  code: Type.Object({
    input: Str(), scheme: Str(), display: Str(), unit: Str(), lot: Nullable(Str()), productClass: Nullable(Str()), level: Str(),
    gtin: Nullable(Str()), lotNumber: Nullable(Str()), serial: Nullable(Str()), attributes: Type.Record(Type.String(), Type.String()),
  }),
  known: Type.Boolean(),
  product: Type.Union([Type.Object({ name: Str(), category: Str(), categoryZh: Str(), categoryEn: Str(), spec: Nullable(Str()), imageUrl: Nullable(Str()) }), Type.Null()]),
  producer: Type.Union([
    Type.Object({
      name: Str(), uscc: Str(), region: Place,
      licences: Type.Array(Type.Object({ type: Str(), number: Str(), validTo: Nullable(Str()) })),
      certificates: Type.Array(Type.Object({ type: Str(), nameZh: Str(), nameEn: Str(), number: Str(), issuer: Str(), validTo: Nullable(Str()), mark: Type.Boolean() })),
      credit: Type.Union([Type.Literal('good'), Type.Literal('blacklisted')]),
    }),
    Type.Null(),
  ]),
  dates: Type.Object({ production: Nullable(Str()), expiry: Nullable(Str()), expired: Type.Boolean() }),
  timeline: Type.Array(Type.Object({ time: Str(), step: Str(), party: Nullable(Str()), place: Type.Union([Place, Type.Null()]), eventId: Str(), verified: Type.Boolean() })),
  inspections: Type.Array(Type.Object({ time: Str(), by: Nullable(Str()), result: Nullable(Str()), reports: Type.Array(Str()), certificationInfo: Type.Array(Str()) })),
  verification: Type.Object({ verified: Type.Boolean(), checked: Type.Integer(), failed: Type.Integer(), treeSize: Type.Integer(), rootHash: Str() }),
  recalls: Type.Array(Type.Object({ id: Str(), reason: Str(), severity: Str(), since: Str() })),
  notices: Type.Array(Type.Object({ id: Str(), level: Str(), title: Str(), body: Str(), publishedAt: Str() })),
  blacklisted: Type.Array(Type.Object({ party: Str(), reason: Str(), since: Str() })),
  scans: Type.Union([
    Type.Object({ count: Type.Integer(), first: Type.Boolean(), firstAt: Type.String({ description: 'when the code was first scanned (ISO 8601, UTC)' }), regions: Type.Array(Str()), suspicious: Type.Boolean(), reason: Type.Union([Type.Literal('too_many_scans'), Type.Literal('far_apart'), Type.Null()]) }),
    Type.Null(),
  ]),
  truncated: Type.Boolean(),
});

export const PublicProofResponse = Type.Object({
  format: Type.Literal('suyuan-public-proof/v1'),
  code: Str(),
  treeHead: Type.Object({ treeSize: Type.Integer(), rootHash: Str(), timestamp: Str(), signature: Str(), publicKey: Str() }),
  publicKey: Str(),
  verified: Type.Boolean(),
  entries: Type.Array(Type.Object({
    eventId: Str(), time: Str(), step: Str(), eventHash: Nullable(Str()), leafIndex: Type.Union([Type.Integer(), Type.Null()]), auditPath: Type.Array(Str()), fault: Nullable(Str()),
  })),
});

export const RecallStatusResponse = Type.Object({
  code: Str(),
  recalled: Type.Boolean(),
  recalls: Type.Array(Type.Object({ id: Str(), reason: Str(), severity: Str(), since: Str() })),
});

export const FileComplaintBody = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 500, description: 'the scanned code' })),
    content: Type.String({ minLength: 1, maxLength: 2000 }),
    contact: Type.Optional(Type.String({ maxLength: 100, description: 'optional; shown to regulators only' })),
    region: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 district' })),
  },
  { additionalProperties: false },
);

export const ComplaintStatusResponse = Type.Object({
  trackingNo: Str(), status: Type.Union([Type.Literal('open'), Type.Literal('answered')]), code: Nullable(Str()), content: Str(), createdAt: Str(),
  answer: Nullable(Str()), answeredAt: Nullable(Str()),
});

export const ComplaintResponse = Type.Intersect([
  ComplaintStatusResponse,
  Type.Object({ id: Str(), category: Nullable(Str()), region: Nullable(Str()), subjectPartyId: Nullable(Str()), contact: Nullable(Str()), answeredBy: Nullable(Str()) }),
]);

export const PublishNoticeBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
    level: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('danger')])),
    category: Type.Optional(Type.String({ description: 'product line id; alone = every product of the line' })),
    partyId: Type.Optional(Type.String({ description: 'a firm the notice concerns' })),
    codes: Type.Optional(Type.Array(Type.String(), { maxItems: 1000, description: 'units, lots or products it concerns' })),
  },
  { additionalProperties: false },
);

export const NoticeResponse = Type.Object({
  id: Str(), level: Str(), title: Str(), body: Str(), category: Nullable(Str()), partyId: Nullable(Str()), partyName: Nullable(Str()), codes: Type.Array(Str()), publishedAt: Str(),
});

export const BlacklistBody = Type.Object(
  { partyId: Type.String(), reason: Type.String({ minLength: 1, maxLength: 2000 }), expiresAt: Type.Optional(Type.String({ description: 'ISO date the listing ends' })) },
  { additionalProperties: false },
);

export const BlacklistResponse = Type.Object({
  id: Str(), partyId: Str(), partyName: Str(), uscc: Str(), region: Str(), reason: Str(), listedAt: Str(), expiresAt: Nullable(Str()),
});

export const AttachCertificateBody = Type.Object(
  {
    partyId: Type.String(), productId: Type.Optional(Type.String()), type: Type.String(), number: Type.String({ minLength: 1, maxLength: 100 }),
    issuerName: Type.Optional(Type.String()), validFrom: Type.Optional(Type.String()), validTo: Type.Optional(Type.String()), url: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const CertificateResponse = Type.Object({
  id: Str(), partyId: Str(), productId: Nullable(Str()), type: Str(), nameZh: Str(), nameEn: Str(), mark: Type.Boolean(), number: Str(), issuerName: Str(),
  validFrom: Nullable(Str()), validTo: Nullable(Str()), url: Nullable(Str()),
});
