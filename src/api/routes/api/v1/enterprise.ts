import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { listOwnProducts, registerProduct, type RegisterProductInput } from '../../../../core/register-product.ts';
import type { Deps } from '../../../../core/deps.ts';
import { errorResponses } from '../../../../contracts/common.ts';
import { ProductResponse, RegisterProductBody } from '../../../../contracts/products.ts';

/** What a firm does with its own key: register and list its products. */
export async function enterpriseRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  const tags = ['enterprise'];
  app.post('/products', {
    config: { access: 'party' },
    schema: { summary: 'Register a product under a product line', tags, body: RegisterProductBody, response: { 201: ProductResponse, ...errorResponses(400, 401, 403, 409) } },
  }, async (request, reply) => reply.status(201).send(await registerProduct(deps, request.actor, request.body as RegisterProductInput)));

  app.get('/products', {
    config: { access: 'party' },
    schema: { summary: 'Your products', tags, response: { 200: Type.Array(ProductResponse), ...errorResponses(401, 403) } },
  }, async (request) => listOwnProducts(deps, request.actor));
}
