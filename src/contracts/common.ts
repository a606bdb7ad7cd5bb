import { Type, type TSchema } from '@sinclair/typebox';

/** RFC 9457 problem details as every error response carries them. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type (EPCIS exception type on /epcis routes)' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String({ description: 'snake_case error code' })),
    field: Type.Optional(Type.String({ description: 'the input field at fault' })),
    errors: Type.Optional(Type.Array(Type.Any())),
    captureID: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** Error responses every protected route may give. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]));
}
