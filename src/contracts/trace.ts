import { Type, type Static } from '@sinclair/typebox';

/** `GET /api/v1/trace` query (issue 3 §2). */
export const TraceQuery = Type.Object(
  {
    code: Type.String({ minLength: 1, description: 'any supported code: Digital Link, element string, EPC URN, SSCC, drug code, local code…' }),
    direction: Type.Optional(Type.Union([Type.Literal('back'), Type.Literal('forward'), Type.Literal('both')], { default: 'both', description: 'back = towards origins, forward = towards holders' })),
    depth: Type.Optional(Type.Integer({ minimum: 0, maximum: 50, default: 10, description: 'unit-to-unit hops' })),
  },
  { additionalProperties: false },
);
export type TraceQueryType = Static<typeof TraceQuery>;

const Party = Type.Object({ id: Type.String(), uri: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });

export const TraceNodeSchema = Type.Object({
  id: Type.String({ description: 'canonical identifier' }),
  type: Type.Union([Type.Literal('unit'), Type.Literal('party'), Type.Literal('site')]),
  label: Type.Optional(Type.String({ description: 'product, party or site name' })),
  category: Type.Optional(Type.String({ description: 'product line of a unit' })),
  region: Type.Optional(Type.String({ description: 'GB/T 2260 region of a party or site' })),
  partyId: Type.Optional(Type.String()),
  recalls: Type.Optional(Type.Array(Type.String(), { description: 'open recalls that reach this unit' })),
});

export const TraceEdgeSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  kind: Type.String({ description: 'lineage edge kind (docs/trace.md)' }),
  unit: Type.Optional(Type.String({ description: 'the unit an edge between parties or sites is about' })),
  quantity: Type.Optional(Type.Number()),
  uom: Type.Optional(Type.String({ description: 'UN/ECE Rec 20 unit code' })),
  eventId: Type.String({ description: 'EPCIS eventID' }),
  time: Type.String({ format: 'date-time' }),
  party: Party,
});

export const TraceStepSchema = Type.Object({
  time: Type.String({ format: 'date-time' }),
  eventId: Type.String(),
  eventType: Type.String(),
  kind: Type.String(),
  kinds: Type.Array(Type.String()),
  bizStep: Type.Union([Type.String(), Type.Null()]),
  place: Type.Union([Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), region: Type.Optional(Type.String()) }), Type.Null()]),
  region: Type.Union([Type.String(), Type.Null()]),
  party: Party,
  units: Type.Array(Type.String()),
});

/** `{root, nodes, edges, timeline}` of a trace. */
export const TraceResponse = Type.Object({
  root: Type.Object({ code: Type.String(), input: Type.String(), scheme: Type.String(), display: Type.String() }),
  direction: Type.Union([Type.Literal('back'), Type.Literal('forward'), Type.Literal('both')]),
  depth: Type.Integer(),
  nodes: Type.Array(TraceNodeSchema),
  edges: Type.Array(TraceEdgeSchema),
  timeline: Type.Array(TraceStepSchema),
  truncated: Type.Boolean(),
});
