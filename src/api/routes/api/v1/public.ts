import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { DEPARTMENTS, PRODUCT_LINES } from '../../../../domain/directory/product-directory.ts';

const Directory = Type.Object({
  productLines: Type.Array(
    Type.Object({
      id: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      leadDepartmentIds: Type.Array(Type.String()),
      subKinds: Type.Array(Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), keyVariety: Type.Boolean() })),
    }),
  ),
  departments: Type.Array(Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String() })),
});

/** Public, unauthenticated reads. */
export async function publicRoutes(app: FastifyInstance): Promise<void> {
  app.get('/directory', {
    config: { access: 'public' },
    schema: { summary: 'The product directory 重要产品名录: eight product lines, sub-kinds, key varieties, lead departments', tags: ['public'], response: { 200: Directory } },
  }, async () => ({ productLines: PRODUCT_LINES, departments: DEPARTMENTS }));
}
