import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../support/stores.ts';
import { ADMIN_KEY, createTestApp, freshGln, freshUscc, type TestApp } from '../support/test-app.ts';

for (const dialect of testDialects()) {
  describe(`parties, sites, keys, products, audit on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(async () => t?.close());

    const admin = (method: string, url: string, payload?: unknown) => t.inject({ method, url, key: ADMIN_KEY, payload });

    test('POST /api/v1/admin/parties registers a firm with licences → 201 {id, …}', async () => {
      const uscc = freshUscc();
      const gln = freshGln();
      const res = await admin('POST', '/api/v1/admin/parties', {
        uscc, name: '惠州市测试食品有限公司', kind: 'producer', region: '441302', gln,
        licences: [{ type: '食品生产许可证', number: 'SC10544130200001', validFrom: '2025-01-01', validTo: '2030-01-01' }],
      });
      assert.equal(res.statusCode, 201, res.body);
      const p = res.json();
      assert.match(p.id, /^pty_[0-9A-Z]{26}$/);
      assert.equal(p.uscc, uscc);
      assert.equal(p.uri, `https://id.gs1.org/417/${gln}`);
      assert.equal(p.licences[0].number, 'SC10544130200001');
      const show = await admin('GET', `/api/v1/admin/parties/${p.id}`);
      assert.equal(show.statusCode, 200);
      assert.equal(show.json().name, '惠州市测试食品有限公司');
      const list = await admin('GET', '/api/v1/admin/parties');
      assert.ok(list.json().some((x: { id: string }) => x.id === p.id));
    });

    test('a party without GLN is named by its USCC URN', async () => {
      const uscc = freshUscc();
      const res = await admin('POST', '/api/v1/admin/parties', { uscc, name: '养殖场', kind: 'farm', region: '441322' });
      assert.equal(res.json().uri, `urn:suyuan:party:${uscc}`);
    });

    test('bad input is refused naming the field and the fault', async () => {
      const good = freshUscc();
      const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ uscc: badCheck, name: 'x', kind: 'farm', region: '441302' }, 'uscc', /check/i],
        [{ uscc: freshUscc(), name: 'x', kind: 'farm', region: '999999' }, 'region', /region|GB\/T 2260/i],
        [{ uscc: freshUscc(), name: 'x', kind: 'spaceship', region: '441302' }, 'kind', /./],
        [{ uscc: freshUscc(), name: 'x', kind: 'farm', region: '441302', gln: '6970123000012' }, 'gln', /check digit/],
        [{ uscc: freshUscc(), name: 'x', kind: 'regulator', region: '441300' }, 'department', /department/],
        [{ uscc: freshUscc(), name: 'x', kind: 'farm', region: '441302', department: 'commerce' }, 'department', /regulator/],
        [{ name: 'x', kind: 'farm', region: '441302' }, 'uscc', /required/],
      ];
      for (const [body, field, message] of cases) {
        const res = await admin('POST', '/api/v1/admin/parties', body);
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
        const problem = res.json();
        assert.equal(problem.field, field, res.body);
        assert.match(problem.detail, message, res.body);
        assert.equal(problem.status, 400);
      }
    });

    test('a second party with the same USCC → 409 party_exists', async () => {
      const uscc = freshUscc();
      assert.equal((await admin('POST', '/api/v1/admin/parties', { uscc, name: 'a', kind: 'farm', region: '441302' })).statusCode, 201);
      const dup = await admin('POST', '/api/v1/admin/parties', { uscc, name: 'b', kind: 'farm', region: '441302' });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().code, 'party_exists');
      assert.equal(dup.json().field, 'uscc');
    });

    test('regulators carry a department and regions', async () => {
      const res = await admin('POST', '/api/v1/admin/parties', { uscc: freshUscc(), name: '惠州市食品药品监督管理局', kind: 'regulator', region: '441300', department: 'food-drug', regions: ['441302', '441303'] });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().department, 'food-drug');
      assert.deepEqual(res.json().regions, ['441302', '441303']);
    });

    test('sites by GLN or local id; duplicates refused', async () => {
      const p = (await admin('POST', '/api/v1/admin/parties', { uscc: freshUscc(), name: '屠宰场', kind: 'slaughterhouse', region: '441303' })).json();
      const gln = freshGln();
      const s1 = await admin('POST', `/api/v1/admin/parties/${p.id}/sites`, { gln, name: '一号车间', address: '惠阳区', region: '441303' });
      assert.equal(s1.statusCode, 201, s1.body);
      assert.equal(s1.json().uri, `https://id.gs1.org/414/${gln}`);
      const s2 = await admin('POST', `/api/v1/admin/parties/${p.id}/sites`, { localId: 'WS-2', name: '二号车间', address: '惠阳区', region: '441303' });
      assert.equal(s2.json().uri, `urn:suyuan:site:${p.uscc}:WS-2`);
      const dup = await admin('POST', `/api/v1/admin/parties/${p.id}/sites`, { localId: 'WS-2', name: '重复', address: '', region: '441303' });
      assert.equal(dup.statusCode, 409);
      const none = await admin('POST', `/api/v1/admin/parties/${p.id}/sites`, { name: '无编码', address: '', region: '441303' });
      assert.equal(none.statusCode, 400);
      assert.equal(none.json().field, 'gln');
      const missing = await admin('POST', '/api/v1/admin/parties/pty_NOPE/sites', { localId: 'A', name: 'x', address: '', region: '441303' });
      assert.equal(missing.statusCode, 404);
      const show = await admin('GET', `/api/v1/admin/parties/${p.id}`);
      assert.equal(show.json().sites.length, 2);
    });

    test('API keys: shown once, stored hashed, scoped, revocable', async () => {
      const p = (await admin('POST', '/api/v1/admin/parties', { uscc: freshUscc(), name: '批发市场', kind: 'market', region: '441302' })).json();
      const issued = await admin('POST', `/api/v1/admin/parties/${p.id}/keys`, { scopes: ['query'] });
      assert.equal(issued.statusCode, 201, issued.body);
      const { key, id, prefix } = issued.json();
      assert.ok(key.startsWith(prefix));
      const rows = await t.deps.store.db.selectFrom('api_key').selectAll().where('id', '=', id).execute();
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows[0]).includes(key), 'the secret is not stored');
      assert.match(rows[0].key_hash, /^[0-9a-f]{64}$/);
      const listed = await admin('GET', `/api/v1/admin/parties/${p.id}/keys`);
      assert.ok(!listed.body.includes(key), 'listing never shows the secret');
      assert.equal((await t.inject({ method: 'GET', url: '/epcis/events', key })).statusCode, 200);
      const capture = await t.inject({ method: 'POST', url: '/epcis/events', key, payload: {} });
      assert.equal(capture.statusCode, 403);
      const badScope = await admin('POST', `/api/v1/admin/parties/${p.id}/keys`, { scopes: ['delete-everything'] });
      assert.equal(badScope.statusCode, 400);
      const revoked = await admin('POST', `/api/v1/admin/keys/${id}/revoke`);
      assert.equal(revoked.statusCode, 200);
      assert.ok(revoked.json().revokedAt);
      assert.equal((await t.inject({ method: 'GET', url: '/epcis/events', key })).statusCode, 401);
    });

    test('admin routes: no key → 401, a party key → 403', async () => {
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/admin/parties' })).statusCode, 401);
      const firm = await t.party();
      const res = await t.inject({ method: 'GET', url: '/api/v1/admin/parties', key: firm.key });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'admin_only');
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/admin/parties', headers: { authorization: 'Basic abc' } })).statusCode, 401);
    });

    test('products: a firm registers products under a product line', async () => {
      const firm = await t.party({ kind: 'producer' });
      const res = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin: '6970123200011', name: '纯牛奶 250mL', category: 'food', subKind: 'dairy-products', spec: '250mL', shelfLifeDays: 180 } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().classUri, 'https://id.gs1.org/01/06970123200011');
      assert.match(res.json().id, /^prd_/);
      const local = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { localCode: 'raw-milk', name: '生鲜乳', category: 'food' } });
      assert.equal(local.statusCode, 201, local.body);
      assert.equal(local.json().classUri, `urn:suyuan:local:${firm.uscc}:raw-milk`);
      const dup = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin: '06970123200011', name: 'again', category: 'food' } });
      assert.equal(dup.statusCode, 409);
      const badLine = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin: '6970123200028', name: 'x', category: 'toys' } });
      assert.equal(badLine.statusCode, 400);
      assert.equal(badLine.json().field, 'category');
      const badGtin = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin: '6970123200015', name: 'x', category: 'food' } });
      assert.equal(badGtin.statusCode, 400);
      assert.equal(badGtin.json().field, 'gtin');
      assert.match(badGtin.json().detail, /check digit should be 1, found 5/);
      const drug = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { drugProductCode: '8600001', name: '板蓝根颗粒', category: 'drug' } });
      assert.equal(drug.statusCode, 201, drug.body);
      assert.equal(drug.json().classUri, 'urn:suyuan:drug-product:8600001');
      for (const [payload, field] of [
        [{ drugProductCode: '860001', name: 'x', category: 'drug' }, 'drugProductCode'],
        [{ drugProductCode: '8600002', name: 'x', category: 'food' }, 'category'],
        [{ gtin: '6970123200028', drugProductCode: '8600003', name: 'x', category: 'drug' }, 'drugProductCode'],
        [{ name: 'x', category: 'drug' }, 'gtin'],
      ] as const) {
        const bad = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload });
        assert.equal(bad.statusCode, 400, JSON.stringify(payload));
        assert.equal(bad.json().field, field, bad.body);
      }
      const mine = await t.inject({ method: 'GET', url: '/api/v1/enterprise/products', key: firm.key });
      assert.equal(mine.json().length, 3);
      assert.deepEqual(mine.json().map((p: { drugProductCode: string | null }) => p.drugProductCode).sort(), ['8600001', null, null]);
    });

    test('the product directory is public and lists the eight lines', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/public/directory' });
      assert.equal(res.statusCode, 200);
      const ids = res.json().productLines.map((l: { id: string }) => l.id);
      assert.deepEqual(ids, ['farm-produce', 'food', 'drug', 'farm-input', 'special-equipment', 'dangerous-goods', 'rare-earth', 'import-export']);
      const food = res.json().productLines.find((l: { id: string }) => l.id === 'food');
      assert.ok(food.subKinds.some((s: { id: string; keyVariety: boolean }) => s.id === 'infant-formula-milk-powder' && s.keyVariety));
      assert.equal(res.json().departments.length, 8);
    });

    test('writes and protected reads are in the audit log with actor, time and address', async () => {
      const firm = await t.party();
      await t.inject({ method: 'GET', url: '/epcis/events', key: firm.key });
      await t.inject({ method: 'GET', url: '/api/v1/admin/parties', key: firm.key });
      const log = await admin('GET', '/api/v1/admin/audit?limit=1000');
      assert.equal(log.statusCode, 200);
      const entries = log.json() as Array<{ action: string; actorId: string | null; outcome: string; at: string; ip: string | null }>;
      const actions = new Set(entries.map((e) => e.action));
      for (const a of ['party.register', 'site.add', 'api_key.issue', 'api_key.revoke', 'product.register', 'epcis.query', 'access.denied']) {
        assert.ok(actions.has(a), `audit lacks ${a}`);
      }
      const query = entries.find((e) => e.action === 'epcis.query' && e.actorId === firm.id)!;
      assert.ok(query.ip);
      assert.ok(!Number.isNaN(Date.parse(query.at)));
      assert.ok(entries.some((e) => e.action === 'access.denied' && e.actorId === firm.id && e.outcome === 'denied'));
      const filtered = await admin('GET', `/api/v1/admin/audit?actorId=${firm.id}`);
      assert.ok(filtered.json().every((e: { actorId: string }) => e.actorId === firm.id));
      assert.equal((await admin('GET', '/api/v1/admin/audit?since=yesterday')).statusCode, 400);
    });
  });
}
