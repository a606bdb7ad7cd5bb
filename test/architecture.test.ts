import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findLayerViolations } from '../scripts/check-layers.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

test('imports follow the layer rule (domain ← sectors ← core → storage; api and cli call core)', () => {
  assert.deepEqual(findLayerViolations(), []);
});

describe('HTTP surface', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite');
  });
  after(async () => t?.close());

  test('every route declares who may call it, and the listing covers the platform routes', async () => {
    const declared = new Set(t.app.routeAccess.map((r) => `${r.method} ${r.url}`));
    for (const [method, urls] of Object.entries(ROUTES)) {
      for (const url of urls) assert.ok(declared.has(`${method} ${url}`), `${method} ${url} is not registered with an access declaration`);
    }
    assert.ok(t.app.routeAccess.length >= 25, `only ${t.app.routeAccess.length} routes`);
    const admin = t.app.routeAccess.filter((r) => r.url.startsWith('/api/v1/admin'));
    assert.ok(admin.length > 0 && admin.every((r) => r.access === 'admin'));
    const publicRoutes = t.app.routeAccess.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`);
    // Public: the reads below, the resolver and public pages at the root, and the two ways the public files a complaint.
    const publicPages = /^(GET|HEAD) \/(|\.well-known\/gs1resolver|:primaryKey\/\*|:compressed|code|code\/\*|notices|proof|complaints|complaints\/:trackingNo)$/;
    const publicWrites = ['POST /complaints', 'POST /api/v1/public/complaints', 'OPTIONS /*', 'OPTIONS /epcis/capture'];
    assert.deepEqual(publicRoutes.filter((r) => !/^(GET|HEAD) \/(health|api\/v1\/openapi\.json|api\/v1\/public\/|api\/v1\/ledger\/(tree-head|proof\/))/.test(r) && !publicPages.test(r) && !publicWrites.includes(r)), []);
  });

  test('the OpenAPI document lists the API with its schemas and bearer security', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/epcis/capture', '/epcis/events', '/api/v1/admin/parties', '/api/v1/admin/parties/{id}/keys', '/api/v1/enterprise/products', '/api/v1/public/directory']) {
      assert.ok(doc.paths[p], `OpenAPI lacks ${p}`);
    }
    assert.ok(doc.paths['/api/v1/admin/parties'].post.requestBody.content['application/json'].schema.properties.uscc);
    assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  });
});

/** The routes the platform must offer; the access check below covers every registered route, not just these. */
const ROUTES: Record<string, string[]> = {
  POST: ['/epcis/capture', '/epcis/events', '/api/v1/admin/parties', '/api/v1/enterprise/products', '/complaints', '/api/v1/public/complaints', '/api/v1/regulator/notices', '/api/v1/regulator/blacklist', '/api/v1/certificates'],
  GET: ['/:primaryKey/*', '/code/*', '/:compressed', '/.well-known/gs1resolver', '/api/v1/public/scan', '/api/v1/regulator/complaints', '/api/v1/enterprise/labels', '/epcis/events', '/epcis/capture', '/epcis/eventTypes', '/epcis/bizSteps', '/epcis/dispositions', '/api/v1/public/directory', '/api/v1/admin/audit', '/health'],
};
