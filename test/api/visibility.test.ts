import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, epcisDoc, freshGln, ADMIN_KEY, type TestApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';
import { validateEpcisDocument } from '../../src/domain/epcis/schema.ts';

// Who sees which events through the EPCIS query interface (issue §5): a firm its own captures and the events naming
// it or its sites as readPoint, bizLocation, source or destination; a regulator its department's product lines in
// its regions; an admin everything. No key → 401, a key without the query scope → 403.

const PORK = (s: string) => `urn:epc:id:sgtin:6970123.010001.${s}`; // registered by A under farm-produce
const MILK = (s: string) => `urn:epc:id:sgtin:6970456.030003.${s}`; // registered by B under food
const MILK_DL = (s: string) => `https://id.gs1.org/01/06970456300037/21/${s}`;
const UNREGISTERED = 'urn:epc:id:sgtin:6970789.040004.U1';

const V = (n: number) => `urn:uuid:11111111-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const V1 = V(1), V2 = V(2), V3 = V(3), V5 = V(5), V6 = V(6), V7 = V(7), V9 = V(9), V10 = V(10), V11 = V(11);
const ALL = [V1, V2, V3, V5, V6, V7, V9, V10, V11];

const sgln = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
const pgln = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;

function obs(eventID: string, day: number, extra: Record<string, unknown>) {
  return {
    type: 'ObjectEvent', eventID, eventTime: `2026-10-${String(day).padStart(2, '0')}T08:00:00.000+08:00`, eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE', ...extra,
  };
}

for (const dialect of testDialects()) {
  describe(`EPCIS event visibility (${dialect})`, () => {
    let t: TestApp;
    const keys: Record<string, string> = {};
    let aCaptureOnly: string;
    let aGln: string;
    let a1Gln: string;
    let b1Gln: string;
    let aUscc: string;

    async function ids(key: string, query = '', path = '/epcis/events'): Promise<string[]> {
      const sep = query ? '&' : '';
      const res = await t.inject({ method: 'GET', url: `${path}?perPage=1000${sep}${query}`, key });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(validateEpcisDocument(body), []);
      return (body.epcisBody.queryResults.resultsBody.eventList as Array<{ eventID: string }>).map((e) => e.eventID).sort();
    }

    async function capture(key: string, events: unknown[]): Promise<void> {
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key, payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().storedCount, events.length, res.body);
    }

    async function registerProduct(key: string, gtin: string, category: string): Promise<void> {
      const res = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key, payload: { gtin, name: `产品 ${gtin}`, category } });
      assert.equal(res.statusCode, 201, res.body);
    }

    before(async () => {
      t = await createTestApp(dialect);
      aGln = freshGln();
      a1Gln = freshGln();
      b1Gln = freshGln();
      const bGln = freshGln();
      // Firm A (惠城区) with two sites: A1 by GLN in 惠城区, A2 by local id in 博罗县.
      const a = await t.party({
        gln: aGln, name: '甲农场', kind: 'farm', region: '441302',
        sites: [
          { gln: a1Gln, name: '甲一场', address: '惠城区一路1号', region: '441302' },
          { localId: 'farm-2', name: '甲二场', address: '博罗县二路2号', region: '441322' },
        ],
      });
      aUscc = a.uscc;
      // Firm B (深圳南山) with one site by GLN.
      const b = await t.party({ gln: bGln, name: '乙加工', kind: 'processor', region: '440305', sites: [{ gln: b1Gln, name: '乙厂', address: '南山区三路3号', region: '440305' }] });
      // Firm C (惠城区), no GLN, no sites: named as destination by its party URN.
      const c = await t.party({ name: '丙超市', kind: 'retailer', region: '441302' });
      // Firm D (惠阳区), no sites; firm E sees nothing.
      const d = await t.party({ name: '丁物流', kind: 'carrier', region: '441303' });
      const e = await t.party({ name: '戊公司', kind: 'wholesaler', region: '441302', sites: [{ localId: 'depot', name: '戊仓', address: '惠城区', region: '441302' }] });
      Object.assign(keys, { A: a.key, B: b.key, C: c.key, D: d.key, E: e.key, admin: ADMIN_KEY });
      const reg = async (name: string, department: string, regions: string[]) =>
        (keys[name] = (await t.party({ name, kind: 'regulator', region: '441302', department, regions }, ['query'])).key);
      await reg('agriHuizhou', 'agriculture', ['441300']);
      await reg('agriShenzhen', 'agriculture', ['440300']);
      await reg('agriHuicheng', 'agriculture', ['441302']);
      await reg('foodHuizhou', 'food-drug', ['441300']);
      await reg('foodGuangdong', 'food-drug', ['440000']);
      await reg('commerceTwo', 'commerce', ['441302', '440305']);
      await reg('quality', 'quality', ['440000']);

      // A second key of firm A that may only capture.
      const k = await t.inject({ method: 'POST', url: `/api/v1/admin/parties/${a.id}/keys`, key: ADMIN_KEY, payload: { scopes: ['capture'] } });
      assert.equal(k.statusCode, 201, k.body);
      aCaptureOnly = k.json().key;

      // Product lines are decided at capture from registered products.
      await registerProduct(a.key, '06970123100014', 'farm-produce');
      await registerProduct(b.key, '06970456300037', 'food');

      const a2 = `urn:suyuan:site:${aUscc}:farm-2`;
      await capture(a.key, [
        // V1: A at its own site A1 (惠城区), pork.
        obs(V1, 1, { action: 'ADD', epcList: [PORK('P1')], bizStep: 'commissioning', readPoint: { id: sgln(a1Gln) }, bizLocation: { id: sgln(a1Gln) } }),
        // V2: A ships pork from A2 (博罗县) to B: B named as owning party (PGLN URN) and its site B1 as location.
        obs(V2, 2, {
          epcList: [PORK('P1')], bizStep: 'shipping', readPoint: { id: a2 },
          sourceList: [{ type: 'owning_party', source: a.uri }],
          destinationList: [{ type: 'owning_party', destination: pgln(bGln) }, { type: 'location', destination: `https://id.gs1.org/414/${b1Gln}` }],
        }),
      ]);
      await capture(b.key, [
        // V3: B receives A's pork at B1 (南山区): A's product, but A is not named.
        obs(V3, 3, { epcList: [PORK('P1')], bizStep: 'receiving', readPoint: { id: sgln(b1Gln) }, bizLocation: { id: sgln(b1Gln) } }),
        // V5: B ships milk from B1 to C, named by its party URN.
        obs(V5, 5, { epcList: [MILK('M1')], bizStep: 'shipping', readPoint: { id: sgln(b1Gln) }, destinationList: [{ type: 'owning_party', destination: c.uri }] }),
      ]);
      await capture(c.key, [
        // V6: C receives milk, no location: region is C's own (惠城区).
        obs(V6, 6, { epcList: [MILK_DL('M1')], bizStep: 'receiving' }),
        // V9: C inspects pork at A's site A1, written as a Digital Link on another host.
        obs(V9, 9, { epcList: [PORK('P2')], bizStep: 'inspecting', readPoint: { id: `https://example.com/414/${a1Gln}` } }),
      ]);
      await capture(d.key, [
        // V7: D, unregistered product: no product line, so no regulator sees it. B's site B1 is its source location.
        obs(V7, 7, { action: 'ADD', epcList: [UNREGISTERED], bizStep: 'commissioning', sourceList: [{ type: 'location', source: sgln(b1Gln) }] }),
        // V10: D stores milk at A's site A2 (bizLocation, 博罗县).
        obs(V10, 10, { epcList: [MILK('M2')], bizStep: 'storing', bizLocation: { id: a2 } }),
        // V11: D receives pork with A named as source (PGLN URN); no location, so D's region (惠阳区).
        obs(V11, 11, { epcList: [PORK('P3')], bizStep: 'receiving', sourceList: [{ type: 'owning_party', source: pgln(aGln) }] }),
      ]);
    });

    after(async () => {
      await t?.close();
    });

    test('firms see their captures and the events naming them or their sites', async () => {
      // A: its own V1, V2; V9 (its site A1 as readPoint), V10 (its site A2 as bizLocation), V11 (itself as source).
      assert.deepEqual(await ids(keys.A), [V1, V2, V9, V10, V11]);
      // B: its own V3, V5; V2 names B as destination party and B1 as destination location; V7 names B1 as source.
      assert.deepEqual(await ids(keys.B), [V2, V3, V5, V7]);
      // C: its own V6, V9; V5 names C as destination.
      assert.deepEqual(await ids(keys.C), [V5, V6, V9]);
      assert.deepEqual(await ids(keys.D), [V7, V10, V11]);
      assert.deepEqual(await ids(keys.E), []);
    });

    test('regulators see their department\'s product lines in their regions', async () => {
      // agriculture → farm-produce, farm-input; 441300 covers 4413xx.
      assert.deepEqual(await ids(keys.agriHuizhou), [V1, V2, V9, V11]);
      assert.deepEqual(await ids(keys.agriShenzhen), [V3]);
      assert.deepEqual(await ids(keys.agriHuicheng), [V1, V9]);
      // food-drug → food, drug.
      assert.deepEqual(await ids(keys.foodHuizhou), [V6, V10]);
      assert.deepEqual(await ids(keys.foodGuangdong), [V5, V6, V10]);
      // commerce → farm-produce; two regions.
      assert.deepEqual(await ids(keys.commerceTwo), [V1, V3, V9]);
      // quality → special equipment: none of these.
      assert.deepEqual(await ids(keys.quality), []);
    });

    test('admin sees everything', async () => {
      assert.deepEqual(await ids(keys.admin), [...ALL].sort());
    });

    test('query parameters apply within what the caller may see', async () => {
      assert.deepEqual(await ids(keys.A, `MATCH_anyEPC=${encodeURIComponent(PORK('P1'))}`), [V1, V2]);
      assert.deepEqual(await ids(keys.B, `MATCH_anyEPC=${encodeURIComponent(PORK('P1'))}`), [V2, V3]);
      assert.deepEqual(await ids(keys.B, `MATCH_anyEPC=${encodeURIComponent(PORK('P1'))}&EQ_bizStep=shipping`), [V2]);
      assert.deepEqual(await ids(keys.agriShenzhen, `MATCH_anyEPC=${encodeURIComponent(PORK('P1'))}`), [V3]);
      assert.deepEqual(await ids(keys.admin, `MATCH_anyEPC=${encodeURIComponent(PORK('P1'))}`), [V1, V2, V3]);
      // Asking by eventID for an event one may not see returns nothing.
      assert.deepEqual(await ids(keys.A, `EQ_eventID=${encodeURIComponent(`${V3}|${V9}`)}`), [V9]);
      // /epcis/epcs/{epc}/events
      const p1 = `/epcis/epcs/${encodeURIComponent(PORK('P1'))}/events`;
      assert.deepEqual(await ids(keys.A, '', p1), [V1, V2]);
      assert.deepEqual(await ids(keys.B, '', p1), [V2, V3]);
      assert.deepEqual(await ids(keys.C, '', p1), []);
      assert.deepEqual(await ids(keys.agriHuizhou, '', p1), [V1, V2]);
      const m1 = `/epcis/epcs/${encodeURIComponent(MILK_DL('M1'))}/events`;
      assert.deepEqual(await ids(keys.C, '', m1), [V5, V6]);
      assert.deepEqual(await ids(keys.foodHuizhou, '', m1), [V6]);
    });

    test('paging stays within what the caller may see', async () => {
      const seen: string[] = [];
      let next: string | undefined = '/epcis/events?perPage=2&orderBy=eventTime&orderDirection=ASC';
      while (next) {
        const res = await t.inject({ method: 'GET', url: next, key: keys.A });
        assert.equal(res.statusCode, 200, res.body);
        seen.push(...res.json().epcisBody.queryResults.resultsBody.eventList.map((e: { eventID: string }) => e.eventID));
        const link = res.headers.link as string | undefined;
        next = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : undefined;
      }
      assert.deepEqual(seen, [V1, V2, V9, V10, V11]);
    });

    test('GET /epcis/events/{eventID}: an event one may not see answers 404 like a missing one', async () => {
      const get = (id: string, key: string) => t.inject({ method: 'GET', url: `/epcis/events/${encodeURIComponent(id)}`, key });
      const cases: Array<[string, string, number]> = [
        ['A', V9, 200], ['A', V10, 200], ['A', V3, 404], ['A', V7, 404],
        ['B', V2, 200], ['C', V5, 200], ['C', V2, 404],
        ['foodHuizhou', V6, 200], ['foodHuizhou', V1, 404], ['agriHuicheng', V2, 404], ['agriHuizhou', V2, 200],
        ['quality', V1, 404], ['admin', V7, 200],
      ];
      for (const [who, id, status] of cases) {
        const res = await get(id, keys[who]);
        assert.equal(res.statusCode, status, `${who} ${id}: ${res.body}`);
        if (status === 200) {
          assert.equal(res.json().eventID, id);
          assert.deepEqual(validateEpcisDocument(res.json()), []);
        } else {
          assert.equal(res.json().type, 'epcisException:NoSuchResourceException');
          const missing = await get('urn:uuid:22222222-0000-4000-8000-000000000000', keys[who]);
          assert.equal(missing.statusCode, 404);
          assert.equal(missing.json().detail.replace(/urn:uuid:\S+/, ''), res.json().detail.replace(/urn:uuid:\S+/, ''));
        }
      }
    });

    test('no key → 401, a key without the query scope → 403, on every query endpoint', async () => {
      const urls = [
        '/epcis/events',
        `/epcis/events/${encodeURIComponent(V1)}`,
        `/epcis/epcs/${encodeURIComponent(PORK('P1'))}/events`,
        '/epcis/eventTypes',
        '/epcis/bizSteps',
        '/epcis/dispositions',
      ];
      for (const url of urls) {
        const anon = await t.inject({ method: 'GET', url });
        assert.equal(anon.statusCode, 401, `${url}: ${anon.body}`);
        assert.equal(anon.json().type, 'epcisException:SecurityException', url);
        assert.match(String(anon.headers['www-authenticate']), /^Bearer/);
        const bogus = await t.inject({ method: 'GET', url, key: 'sy_key_not-a-real-key' });
        assert.equal(bogus.statusCode, 401, `${url}: ${bogus.body}`);
        const captureOnly = await t.inject({ method: 'GET', url, key: aCaptureOnly });
        assert.equal(captureOnly.statusCode, 403, `${url}: ${captureOnly.body}`);
        assert.equal(captureOnly.json().type, 'epcisException:SecurityException', url);
      }
      // The capture-only key does capture; a query-only regulator key does not.
      const doc = epcisDoc([obs(V(90), 20, { epcList: [PORK('P9')], bizStep: 'storing' })]);
      const ok = await t.inject({ method: 'POST', url: '/epcis/capture', key: aCaptureOnly, payload: doc });
      assert.equal(ok.statusCode, 202, ok.body);
      const refused = await t.inject({ method: 'POST', url: '/epcis/capture', key: keys.quality, payload: doc });
      assert.equal(refused.statusCode, 403, refused.body);
    });
  });
}
