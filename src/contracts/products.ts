import { Type } from '@sinclair/typebox';
import { PRODUCT_LINE_IDS } from '../domain/directory/product-directory.ts';

export const RegisterProductBody = Type.Object(
  {
    gtin: Type.Optional(Type.String({ description: 'GTIN-8/12/13/14' })),
    localCode: Type.Optional(Type.String({ description: 'code for goods without a GS1 key (see docs/identifiers.md)' })),
    drugProductCode: Type.Optional(Type.String({ description: "the 7-digit product part (药品标识码) of the drug's 20-digit traceability codes; drug line only" })),
    name: Type.String({ minLength: 1 }),
    category: Type.Union(PRODUCT_LINE_IDS.map((c) => Type.Literal(c))),
    subKind: Type.Optional(Type.String()),
    spec: Type.Optional(Type.String()),
    shelfLifeDays: Type.Optional(Type.Integer({ minimum: 1 })),
    imageUrl: Type.Optional(Type.String({ description: 'https URL of a product picture, shown on the scan page' })),
  },
  { additionalProperties: false },
);

export const ProductResponse = Type.Object({
  id: Type.String(),
  partyId: Type.String(),
  gtin: Type.Union([Type.String(), Type.Null()]),
  localCode: Type.Union([Type.String(), Type.Null()]),
  drugProductCode: Type.Union([Type.String(), Type.Null()]),
  classUri: Type.String(),
  name: Type.String(),
  category: Type.String(),
  spec: Type.Union([Type.String(), Type.Null()]),
  shelfLifeDays: Type.Union([Type.Integer(), Type.Null()]),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
