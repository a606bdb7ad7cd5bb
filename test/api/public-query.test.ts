import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compressDigitalLink } from '../../src/domain/identifiers/gs1-digital-link-compression.ts';
import { withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';
import { CONFORMANCE } from '../support/conformance.ts';
import { parseAnyCode } from '../../src/domain/identifiers/index.ts';
import { verifyBundle } from '../../src/domain/ledger/verify-bundle.ts';
import { documentContext, eventHashId } from '../../src/domain/epcis/event-hash.ts';
import { testDialects } from '../support/stores.ts';
import { ADMIN_KEY, createTestApp, demoApp, epcisDoc, type TestApp } from '../support/test-app.ts';

const MILK_GTIN = `0${withCheckDigit('697012320001')}`;
const PORK_GTIN = `0${withCheckDigit('697012310001')}`;
const CARTON = `/01/${MILK_GTIN}/21/LY2611060001`;
const CARTON_URI = `https://id.gs1.org${CARTON}`;
const CARTON_LOT = `https://id.gs1.org/01/${MILK_GTIN}/10/LY261106`;
const PORK_LOT_PATH = `/01/${PORK_GTIN}/10/ZR20261103`;
const PHONE = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', accept: 'text/html' };
const LINKSET = { accept: 'application/linkset+json' };

function isValidPath(url: string): boolean {
  try {
    parseAnyCode(`https://id.gs1.org${url}`);
    return true;
  } catch {
    return false;
  }
}

/** Text of one section of a page, tags stripped. */
function section(html: string, id: string): string {
  const m = new RegExp(`<section[^>]*id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html);
  return m ? m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : '';
}

for (const dialect of testDialects()) {
  describe(`public query on ${dialect}: resolver, scan page, participation (issue 4)`, () => {
    let t: TestApp;
    let keys: Record<string, { key: string; partyId: string }>;
    before(async () => ({ t, keys } = await demoApp(dialect)));
    after(async () => t?.close());
    /** `from`: the phone's network address; each person scanning in these tests has their own. */
    const get = (url: string, headers: Record<string, string> = PHONE, from = '127.0.0.1') => t.inject({ method: 'GET', url, headers, remoteAddress: from });

    test('a browser scanning a carton gets the server-rendered scan page: product, dates, chain, verified, first scan', async () => {
      const res = await get(CARTON);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.ok(res.rawPayload.length < 50 * 1024, `page is ${res.rawPayload.length} bytes`);
      assert.doesNotMatch(res.body, /<script/i, 'usable without JavaScript: the page has no script');
      assert.match(section(res.body, 'product'), /绿野纯牛奶 250mL/);
      assert.match(section(res.body, 'product'), /序列号 LY2611060001/);
      assert.match(section(res.body, 'product'), /保质期至 2027-05-05/);
      assert.match(section(res.body, 'producer'), /惠州市绿野乳业有限公司.*91441303MA56RY0E7.*良好/);
      const chain = section(res.body, 'timeline');
      const order = ['生产赋码', '高潭奶牛牧场', '绿野乳业新圩工厂', '龙门配送中心', '百佳超市下埔店', '零售'].map((s) => chain.indexOf(s));
      assert.ok(order.every((i) => i >= 0), chain);
      assert.deepEqual([...order].sort((a, b) => a - b), order, `chain in time order: ${chain}`);
      assert.match(section(res.body, 'verification'), /记录已核验/);
      assert.match(res.body, /href="\/proof\?code=https%3A%2F%2Fid.gs1.org%2F01%2F/);
      assert.match(section(res.body, 'verification'), /首次查询/);
      assert.match(String(res.headers.link), /rel="linkset"; type="application\/linkset\+json"/);
      const again = await get(CARTON, PHONE, '198.51.100.2');
      assert.match(section(again.body, 'verification'), /已被查询 2 次/, 'another phone, with no cookie, is another scan');
      const scripted = await get(CARTON);
      assert.match(section(scripted.body, 'verification'), /已被查询 2 次/, 'the first address again, cookie dropped, is not another scan');
      const seen = String(res.headers['set-cookie']).split(';')[0]!;
      assert.match(seen, /^sy_seen=[A-Za-z0-9_-]{8}$/, 'the first view marks the code as seen in the browser');
      const reload = await get(CARTON, { ...PHONE, cookie: seen });
      assert.match(section(reload.body, 'verification'), /已被查询 2 次/, 'the first phone coming back is not another scan');
      const english = await get(`${CARTON}?lang=en`, { ...PHONE, cookie: seen });
      assert.match(english.body, /Chain of custody/);
      assert.match(english.body, /<html lang="en">/);
      assert.match(section(english.body, 'verification'), /Scanned 2 times/, 'nor is its switch to English');
      const tally = (await t.deps.scans.findTally(CARTON_URI))!;
      assert.equal(tally.scans, 2);
      // When it was first scanned, in Huizhou's time, and what a buyer should do if that was not them.
      const firstLocal = new Date(Date.parse(tally.firstAt) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
      assert.match(section(again.body, 'verification'), new RegExp(`已被查询 2 次 · 首次查询于 ${firstLocal} 如果首次查询的不是您，请向卖家核实`));
      assert.match(section(english.body, 'verification'), new RegExp(`Scanned 2 times · first scanned ${firstLocal} If the first scan was not yours`));
      assert.doesNotMatch(res.body, /id="scan-first"|id="scan-hint"/, 'a first scan has neither');
      assert.equal((await get(CARTON, { 'user-agent': 'Googlebot/2.1', accept: 'text/html' })).headers['set-cookie'], undefined, 'a bot is not counted and gets no cookie');
      assert.equal((await t.inject({ method: 'HEAD', url: CARTON, headers: PHONE })).headers['set-cookie'], undefined);
    });

    test('the pork lot page shows its inspections and an expired warning', async () => {
      const res = await get(PORK_LOT_PATH);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(section(res.body, 'expired'), /已过期.*2026-11-10/);
      assert.match(section(res.body, 'inspections'), /合格.*DJ-KJ-20261103-112/);
    });

    test('a local code with no GS1 form resolves under /code/, and /code?q= sends any code to its page', async () => {
      const pigLot = (await t.deps.store.db.selectFrom('lineage_edge').select('from_node').where('kind', '=', 'transformed_into').where('to_node', '=', `https://id.gs1.org${PORK_LOT_PATH}`).executeTakeFirstOrThrow()).from_node;
      assert.match(pigLot, /^urn:suyuan:local:/);
      const res = await get(`/code/${encodeURIComponent(pigLot)}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(section(res.body, 'timeline'), /石湾镇生猪养殖基地/);
      const q = await get(`/code?q=${encodeURIComponent(`(01)${MILK_GTIN}(21)LY2611060001`)}`);
      assert.equal(q.statusCode, 303);
      assert.equal(q.headers.location, CARTON);
      const drug = await get(`/code/${'8'.repeat(20)}`);
      assert.equal(drug.statusCode, 404, 'a well-formed drug code not registered here');
      assert.match(drug.body, /此码未在本平台登记/);
      const bad = await get('/code/not-a-code');
      assert.equal(bad.statusCode, 400);
      assert.equal((await get('/code/%E0%A4%A')).statusCode, 400, 'a broken percent-encoding is the caller\'s fault, not a 500');
      assert.match(bad.body, /无法识别的追溯码/);
    });

    test('a drug code resolves to the product registered by its 7-digit product part, and its events fall in the drug line', async () => {
      const maker = await t.party({ kind: 'producer', name: '惠州市仁和制药有限公司', sites: [{ localId: 'PHARMA-01', name: '仁和制药生产基地', address: '惠州市仲恺高新区', region: '441302' }] });
      const product = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: maker.key, payload: { drugProductCode: '8612345', name: '阿莫西林胶囊 0.25g×24粒', category: 'drug', spec: '24粒/盒' } });
      assert.equal(product.statusCode, 201, product.body);
      assert.deepEqual([product.json().classUri, product.json().drugProductCode, product.json().gtin], ['urn:suyuan:drug-product:8612345', '8612345', null]);
      const packs = ['86123450000000011234', '86123450000000021234'];
      const commissioning = {
        type: 'ObjectEvent', eventTime: '2026-11-20T08:00:00+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning',
        epcList: packs.map((c) => `urn:suyuan:drug:${c}`), readPoint: { id: maker.sites[0]!.uri },
      };
      assert.equal((await t.inject({ method: 'POST', url: '/epcis/capture', key: maker.key, payload: epcisDoc([commissioning]) })).statusCode, 202);
      const page = await get(`/code/${packs[0]}`);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(section(page.body, 'product'), /阿莫西林胶囊/);
      assert.match(section(page.body, 'producer'), /仁和制药/);
      const linkset = await get(`/code/${packs[1]}`, LINKSET);
      assert.equal(linkset.json().linkset[0].itemDescription, '阿莫西林胶囊 0.25g×24粒');
      // The drug regulator sees the event: it belongs to the drug line now that the product is registered.
      const seen = await t.inject({ method: 'GET', url: `/epcis/events?MATCH_epc=${encodeURIComponent(`urn:suyuan:drug:${packs[0]}`)}`, key: keys['reg-food-drug'].key });
      assert.equal(seen.statusCode, 200, seen.body);
      assert.equal(seen.json().epcisBody.queryResults.resultsBody.eventList.length, 1);
    });

    test('linkset: Accept application/linkset+json or linkType=all gives RFC 9264 with GS1 link types', async () => {
      for (const [url, headers] of [[CARTON, LINKSET], [`${CARTON}?linkType=all`, { accept: '*/*' }]] as const) {
        const res = await get(url, headers);
        assert.equal(res.statusCode, 200, res.body);
        assert.match(String(res.headers['content-type']), /^application\/linkset\+json/);
        assert.equal(res.headers['access-control-allow-origin'], '*', 'GS1 resolvers support CORS');
        const set = res.json().linkset[0];
        assert.equal(set.anchor, `http://localhost${CARTON}`);
        assert.equal(set.itemDescription, '绿野纯牛奶 250mL');
        for (const type of ['defaultLink', 'pip', 'traceability', 'certificationInfo', 'recallStatus', 'epcis', 'verificationService']) {
          const links = set[`https://gs1.org/voc/${type}`];
          assert.ok(Array.isArray(links) && links[0].href && links[0].type, `${type}: ${JSON.stringify(links)}`);
        }
        assert.match(set['https://gs1.org/voc/traceability'][0].href, /\/api\/v1\/public\/scan\?code=/);
      }
    });

    test('linkType=gs1:x redirects (307) to that link; an unknown type to the default link', async () => {
      const trace = await get(`${CARTON}?linkType=gs1:traceability`);
      assert.equal(trace.statusCode, 307);
      assert.match(String(trace.headers.location), /\/api\/v1\/public\/scan\?code=https%3A%2F%2Fid\.gs1\.org%2F01%2F/);
      const app = { accept: 'application/json', 'user-agent': 'SuyuanApp/1.0' };
      const json = await get(String(trace.headers.location).replace(/^https?:\/\/[^/]+/, ''), app, '198.51.100.20');
      assert.equal(json.statusCode, 200, json.body);
      assert.equal(json.json().product.name, '绿野纯牛奶 250mL');
      const next = await get(String(trace.headers.location).replace(/^https?:\/\/[^/]+/, ''), app, '198.51.100.21');
      assert.equal(next.json().scans.count, json.json().scans.count + 1, 'an app lookup counts as a scan');
      assert.equal(next.json().scans.firstAt, (await t.deps.scans.findTally(CARTON_URI))!.firstAt, 'the app is told when the code was first scanned');
      const appSeen = String(next.headers['set-cookie']).split(';')[0]!;
      const kept = await get(String(trace.headers.location).replace(/^https?:\/\/[^/]+/, ''), { ...app, cookie: appSeen }, '198.51.100.22');
      assert.equal(kept.json().scans.count, next.json().scans.count, 'an app that keeps the cookie is counted once');
      const recall = await get(`${CARTON}?linkType=https://gs1.org/voc/recallStatus`);
      assert.equal(recall.statusCode, 307);
      assert.match(String(recall.headers.location), /\/api\/v1\/public\/recall-status\?code=/);
      const unknown = await get(`${CARTON}?linkType=gs1:smpc`);
      assert.equal(unknown.statusCode, 307);
      assert.equal(String(unknown.headers.location).replace(/^https?:\/\/[^/]+/, ''), CARTON);
    });

    test('a compressed Digital Link resolves to the same page, exposing the uncompressed URI as owl:sameAs', async () => {
      const compressed = compressDigitalLink(`https://id.gs1.org${CARTON}`);
      const p = new URL(compressed).pathname;
      assert.notEqual(p, CARTON);
      const res = await get(p, LINKSET);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers.link), new RegExp(`<http://localhost${CARTON}>; rel="owl:sameAs"`));
      assert.equal(res.json().linkset[0].anchor, `http://localhost${CARTON}`);
      assert.equal((await get('/favicon.ico', { accept: 'image/*' })).statusCode, 404);
    });

    test('codes not registered here: 404 page, or 307 to the configured upstream resolver', async () => {
      const page = await get('/01/09506000134352?17=271231');
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /此码未在本平台登记/);
      const json = await get('/01/09506000134352', LINKSET);
      assert.equal(json.statusCode, 404);
      assert.equal(json.json().code, 'not_registered_here');
      const bad = await get('/01/09506000134353', LINKSET);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().detail, /check digit/);
      const upstream = await createTestApp(dialect, { upstreamResolver: 'https://resolver.example.gd.cn' });
      try {
        const res = await upstream.inject({ method: 'GET', url: '/01/09506000134352/10/ABC?17=271231', headers: PHONE });
        assert.equal(res.statusCode, 307);
        assert.equal(res.headers.location, 'https://resolver.example.gd.cn/01/09506000134352/10/ABC?17=271231');
      } finally {
        await upstream.close();
      }
    });

    test('the resolver describes itself at /.well-known/gs1resolver and answers CORS preflight', async () => {
      const res = await get('/.well-known/gs1resolver', { accept: 'application/json' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().supportedPrimaryKeys.slice(0, 5), ['01', '00', '414', '417', '8003']);
      assert.equal(res.json().supportedLinkType[0].prefix, 'gs1:');
      const pre = await t.inject({ method: 'OPTIONS', url: CARTON, headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
      assert.equal(pre.statusCode, 204);
      assert.equal(pre.headers['access-control-allow-origin'], '*');
    });

    test('every GS1 Digital Link parse vector: valid URIs resolve (or are not registered here), invalid ones are 400', async (ctx) => {
      const file = JSON.parse(readFileSync(path.join(CONFORMANCE, 'gs1-identifiers/syntax-engine-vectors/dl-parse.json'), 'utf8')) as { vectors: Array<{ valid: boolean; uri: string }> };
      // The same exclusions as the identifier conformance suite, each with its reason there.
      const excluded = new Set((JSON.parse(readFileSync(new URL('../conformance/gs1-exclusions.json', import.meta.url), 'utf8')) as { cases: Array<{ file: string; index: number; fields?: string[] }> })
        .cases.filter((c) => c.file === 'dl-parse' && !c.fields).map((c) => c.index));
      let valid = 0;
      let invalid = 0;
      let skipped = 0;
      for (const [index, v] of file.vectors.entries() as IterableIterator<[number, { valid: boolean; uri: string; non_default_settings?: unknown }]>) {
        // The resolver runs with the syntax engine's default settings.
        if (excluded.has(index) || v.non_default_settings) {
          skipped++;
          continue;
        }
        const m = /^https?:\/\/[^/?#]+(\/[^#]*)?/.exec(v.uri);
        if (!m || !m[1] || m[1] === '/') {
          skipped++; // no path: nothing reaches a resolver route
          continue;
        }
        // A resolver answers at its root: drop any stem before the primary key, as a stemmed link's own host would.
        const key = /\/(01|00|414|417|8003|8004|253|255|401|402|8006|8010|8017|8018)\/.*/.exec(m[1]);
        const url = key ? key[0] : m[1];
        if (!v.valid && key && isValidPath(url)) {
          skipped++; // the fault is in the scheme or host, which never reaches a resolver's path
          continue;
        }
        const res = await get(url, LINKSET);
        if (v.valid) {
          valid++;
          assert.ok(res.statusCode === 200 || (res.statusCode === 404 && res.json().code === 'not_registered_here'), `${v.uri}: ${res.statusCode} ${res.body}`);
        } else {
          invalid++;
          assert.ok(res.statusCode === 400 || (res.statusCode === 404 && !key), `${v.uri} must be refused: ${res.statusCode} ${res.body}`);
        }
      }
      assert.ok(valid > 30 && invalid > 30, `valid ${valid}, invalid ${invalid}`);
      ctx.diagnostic(`dl-parse through the resolver: ${valid} valid, ${invalid} invalid, ${skipped} without a path or with a host fault`);
    });

    test('complaints: filed from the form, tracked by number, seen and answered by the regulators of the line only', async () => {
      const form = await t.inject({
        method: 'POST', url: '/complaints', headers: { ...PHONE, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ code: `https://id.gs1.org${CARTON}`, content: '牛奶有异味', contact: '13800000000', region: '441302' }).toString(),
      });
      assert.equal(form.statusCode, 303, form.body);
      const location = String(form.headers.location);
      const trackingNo = /^\/complaints\/(TS[0-9A-Z]{10})\?filed=1$/.exec(location)?.[1];
      assert.ok(trackingNo, location);
      const page = await get(location);
      assert.match(page.body, new RegExp(trackingNo));
      assert.match(page.body, /处理中/);
      assert.doesNotMatch(page.body, /13800000000/, 'the contact never shows on the public page');
      assert.equal((await get(`/complaints?no=${trackingNo.toLowerCase()}`)).headers.location, `/complaints/${trackingNo}`);

      const empty = await t.inject({ method: 'POST', url: '/api/v1/public/complaints', payload: { content: '   ' } });
      assert.equal(empty.statusCode, 400);
      assert.equal(empty.json().field, 'content');

      const foodRegulator = keys['reg-food-drug'].key;
      const list = await t.inject({ method: 'GET', url: '/api/v1/regulator/complaints?status=open', key: foodRegulator });
      assert.equal(list.statusCode, 200, list.body);
      const mine = list.json().find((c: { trackingNo: string }) => c.trackingNo === trackingNo);
      assert.equal(mine.contact, '13800000000');
      assert.equal(mine.category, 'food');
      const other = await t.inject({ method: 'GET', url: '/api/v1/regulator/complaints', key: keys['reg-agriculture'].key });
      assert.ok(!other.json().some((c: { trackingNo: string }) => c.trackingNo === trackingNo), 'agriculture does not oversee food');
      const firm = await t.inject({ method: 'GET', url: '/api/v1/regulator/complaints', key: keys['dairy-plant'].key });
      assert.equal(firm.statusCode, 403);

      const denied = await t.inject({ method: 'POST', url: `/api/v1/regulator/complaints/${mine.id}/answer`, key: keys['reg-agriculture'].key, payload: { answer: '已处理' } });
      assert.equal(denied.statusCode, 403);
      const answered = await t.inject({ method: 'POST', url: `/api/v1/regulator/complaints/${mine.id}/answer`, key: foodRegulator, payload: { answer: '已责令企业下架同批次产品' } });
      assert.equal(answered.statusCode, 200, answered.body);
      const twice = await t.inject({ method: 'POST', url: `/api/v1/regulator/complaints/${mine.id}/answer`, key: foodRegulator, payload: { answer: '再次答复' } });
      assert.equal(twice.statusCode, 409);
      const tracked = await get(`/complaints/${trackingNo}`);
      assert.match(tracked.body, /已责令企业下架同批次产品/);
      assert.match(tracked.body, /已答复/);
      const json = await t.inject({ method: 'GET', url: `/api/v1/public/complaints/${trackingNo}` });
      assert.equal(json.json().status, 'answered');
      assert.equal(json.json().contact, undefined);
      assert.equal((await get('/complaints/TS0000000000')).statusCode, 404);
      const audit = await t.deps.store.db.selectFrom('audit_log').select('action').where('action', 'in', ['complaint.file', 'complaint.answer', 'complaint.list']).execute();
      assert.ok(audit.length >= 3);
    });

    test('one address cannot flood the complaint routes: past the limit, 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let limited: { headers: Record<string, unknown>; json(): { code: string; status: number } } | undefined;
      for (let i = 0; i < 12 && !limited; i++) {
        const res = await t.inject({ method: 'POST', url: '/api/v1/public/complaints', payload: { content: `第${i}次` }, headers: { 'x-forwarded-for': '203.0.113.9' } });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) limited = res as never;
      }
      assert.ok(limited, `never limited: ${statuses.join(',')}`);
      assert.ok(statuses.filter((s) => s === 201).length <= 10);
      assert.equal(limited.json().code, 'rate_limited');
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      // Another route's window is its own: the regulator APIs are not limited by public complaints.
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/public/notices' })).statusCode, 200);
    });

    test('certificates attached by a certifier or the admin show on the page; others may not attach', async () => {
      const products = await t.deps.products.listProductsOfParty(keys['dairy-plant'].partyId);
      const milk = products.find((p) => p.gtin === MILK_GTIN)!;
      const body = { partyId: keys['dairy-plant'].partyId, productId: milk.id, type: 'green-food', number: 'LB-45-2611010101A', issuerName: '中国绿色食品发展中心', validTo: '2029-12-31' };
      const firm = await t.inject({ method: 'POST', url: '/api/v1/certificates', key: keys['dairy-plant'].key, payload: body });
      assert.equal(firm.statusCode, 403);
      const badType = await t.inject({ method: 'POST', url: '/api/v1/certificates', key: ADMIN_KEY, payload: { ...body, type: 'halal-ish' } });
      assert.equal(badType.statusCode, 400);
      assert.equal(badType.json().field, 'type');
      const ok = await t.inject({ method: 'POST', url: '/api/v1/certificates', key: ADMIN_KEY, payload: body });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().mark, true);
      const certifier = await t.party({ kind: 'certifier', name: '广东某认证有限公司' });
      const byCertifier = await t.inject({ method: 'POST', url: '/api/v1/certificates', key: certifier.key, payload: { partyId: keys['dairy-plant'].partyId, type: 'haccp', number: 'HACCP-001' } });
      assert.equal(byCertifier.statusCode, 201, byCertifier.body);
      assert.equal(byCertifier.json().issuerName, '广东某认证有限公司');
      const page = await get(CARTON);
      assert.match(section(page.body, 'producer'), /绿色食品 LB-45-2611010101A/);
      assert.match(section(page.body, 'producer'), /HACCP 体系认证 HACCP-001/);
    });

    test('consumer notices show on the pages they concern and on the public list; a regulator keeps to its lines', async () => {
      const reg = keys['reg-food-drug'].key;
      const res = await t.inject({ method: 'POST', url: '/api/v1/regulator/notices', key: reg, payload: { title: '冷藏提示', body: '开封后请冷藏并于24小时内饮用', level: 'warning', codes: [CARTON_LOT] } });
      assert.equal(res.statusCode, 201, res.body);
      assert.match(await get(CARTON).then((r) => r.body), /冷藏提示/);
      assert.doesNotMatch(await get(PORK_LOT_PATH).then((r) => r.body), /冷藏提示/);
      // The newest notice first.
      const later = await t.inject({ method: 'POST', url: '/api/v1/regulator/notices', key: reg, payload: { title: '更新提示', body: '请留意批次信息', level: 'info', codes: [CARTON_LOT] } });
      assert.equal(later.statusCode, 201, later.body);
      const both = (await get(CARTON)).body;
      assert.ok(both.indexOf('更新提示') >= 0 && both.indexOf('更新提示') < both.indexOf('冷藏提示'), 'the later notice shows above the earlier one');
      assert.equal((await t.inject({ method: 'DELETE', url: `/api/v1/regulator/notices/${later.json().id}`, key: reg })).statusCode, 204);
      const list = await get('/notices');
      assert.match(section(list.body, 'notices'), /冷藏提示/);
      const badCode = await t.inject({ method: 'POST', url: '/api/v1/regulator/notices', key: reg, payload: { title: 'x', body: 'y', codes: ['nonsense'] } });
      assert.equal(badCode.statusCode, 400);
      assert.equal(badCode.json().field, 'codes[0]');
      const notMine = await t.inject({ method: 'POST', url: '/api/v1/regulator/notices', key: keys['reg-agriculture'].key, payload: { title: 'x', body: 'y', category: 'food' } });
      assert.equal(notMine.statusCode, 403);
      const gone = await t.inject({ method: 'DELETE', url: `/api/v1/regulator/notices/${res.json().id}`, key: reg });
      assert.equal(gone.statusCode, 204);
      assert.doesNotMatch(await get(CARTON).then((r) => r.body), /冷藏提示/);
    });

    test('a serialised code scanned in far-apart cities, or too often, is flagged as a possible counterfeit', async () => {
      const code = `/01/${MILK_GTIN}/21/LY2611060002`;
      const first = await get(`${code}?region=441302`, PHONE, '198.51.100.31');
      assert.doesNotMatch(first.body, /id="suspicious"/);
      const far = await get(`${code}?region=440304`, PHONE, '198.51.100.32');
      assert.match(section(far.body, 'suspicious'), /疑似假冒/);
      assert.doesNotMatch(far.body, /id="scan-hint"/, 'the counterfeit warning speaks instead of the gentler hint');
      const lot = await get(`/01/${MILK_GTIN}/10/LY261106`);
      for (let i = 0; i < 12; i++) await get(`/01/${MILK_GTIN}/10/LY261106`, PHONE, `198.51.100.${40 + i}`);
      const lotAgain = (await get(`/01/${MILK_GTIN}/10/LY261106`)).body;
      assert.doesNotMatch(lotAgain, /id="suspicious"/, 'a lot code is printed on many packs: no counterfeit rule');
      assert.match(lotAgain, /id="scan-first"/);
      assert.doesNotMatch(lotAgain, /id="scan-hint"/, 'nor the hint that the first scan may not have been yours');
      assert.equal(lot.statusCode, 200);
      const rows = await t.deps.scans.listScans(`https://id.gs1.org${code}`, 10);
      assert.deepEqual(rows.map((r) => r.region), ['440304', '441302']);
      assert.ok(rows.every((r) => r.clientClass === 'mobile-browser'));
      const bot = await get(code, { 'user-agent': 'Googlebot/2.1', accept: 'text/html' });
      assert.equal(bot.statusCode, 200);
      assert.equal((await t.deps.scans.findTally(`https://id.gs1.org${code}`))!.scans, 2, 'bots are not counted');
      const byApp = await get(`/api/v1/public/scan?code=${encodeURIComponent(`https://id.gs1.org${code}`)}&region=999999`, { accept: 'application/json', 'user-agent': 'SuyuanApp/1.0' }, '198.51.100.33');
      assert.equal(byApp.statusCode, 200, byApp.body);
      assert.equal((await t.deps.scans.listScans(`https://id.gs1.org${code}`, 1))[0]!.region, null, 'a district that does not exist is not kept');
    });

    test('a script that drops its cookie cannot brand a genuine item a counterfeit; eleven phones can', async () => {
      const code = `/01/${MILK_GTIN}/21/LY2611060003`;
      for (let i = 0; i < 12; i++) assert.equal((await get(code, PHONE, '203.0.113.50')).statusCode, 200);
      const fromV6 = ['2001:db8:5:7::1', '2001:db8:5:7:ffff::9', '2001:0db8:0005:0007:1:2:3:4'];
      for (const from of fromV6) await get(code, PHONE, from);
      const tally = (await t.deps.scans.findTally(`https://id.gs1.org${code}`))!;
      assert.equal(tally.scans, 2, 'one IPv4 address and one IPv6 /64 count once each, however often they come without the cookie');
      const page = await get(code, PHONE, '203.0.113.50');
      assert.doesNotMatch(page.body, /id="suspicious"/);
      assert.match(section(page.body, 'verification'), /已被查询 2 次/);
      for (let i = 3; i <= 11; i++) await get(code, PHONE, `198.51.100.${100 + i}`);
      const eleventh = await get(code, PHONE, '203.0.113.50');
      assert.match(section(eleventh.body, 'verification'), /已被查询 11 次/);
      assert.match(section(eleventh.body, 'suspicious'), /疑似假冒/, 'eleven phones on eleven addresses are the counterfeit rule');
      const json = await get(`/api/v1/public/scan?code=${encodeURIComponent(`https://id.gs1.org${code}`)}`, { accept: 'application/json', 'user-agent': 'SuyuanApp/1.0' }, '198.51.100.130');
      assert.equal(json.json().scans.reason, 'too_many_scans');
      assert.equal(json.json().scans.count, 12, 'an app on a new address counts too');
    });

    test('a blacklisted producer and a recalled carton are warned about on the page', async () => {
      const reg = keys['reg-food-drug'].key;
      const listed = await t.inject({ method: 'POST', url: '/api/v1/regulator/blacklist', key: reg, payload: { partyId: keys['dairy-plant'].partyId, reason: '虚假标注生产日期' } });
      assert.equal(listed.statusCode, 201, listed.body);
      const page = await get(CARTON);
      assert.match(section(page.body, 'blacklisted'), /惠州市绿野乳业有限公司：虚假标注生产日期/);
      assert.match(section(page.body, 'producer'), /列入严重失信名单/);
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/public/blacklist' })).json()[0].partyName, '惠州市绿野乳业有限公司');
      const lifted = await t.inject({ method: 'DELETE', url: `/api/v1/regulator/blacklist/${listed.json().id}`, key: reg });
      assert.equal(lifted.statusCode, 204);
      assert.doesNotMatch((await get(CARTON)).body, /id="blacklisted"/);

      const recall = await t.inject({ method: 'POST', url: '/api/v1/regulator/recalls', key: reg, payload: { codes: [CARTON_LOT], reason: '检出致病菌 Pathogen found', severity: 'level-1' } });
      assert.equal(recall.statusCode, 201, recall.body);
      const recalled = await get(CARTON);
      assert.match(section(recalled.body, 'recall'), /召回警示.*检出致病菌/);
      const status = await t.inject({ method: 'GET', url: `/api/v1/public/recall-status?code=${encodeURIComponent(CARTON_URI)}` });
      assert.equal(status.json().recalled, true);
      assert.equal(status.json().recalls[0].id, recall.json().id);
    });

    test('the ledger bundle of a code holds every event of its trace the caller may see, and verifies offline', async () => {
      const trace = (await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(CARTON_URI)}`, key: ADMIN_KEY })).json();
      const bundle = (await t.inject({ method: 'GET', url: `/api/v1/ledger/bundle?code=${encodeURIComponent(CARTON_URI)}`, key: ADMIN_KEY })).json();
      assert.ok(trace.timeline.length >= 10);
      assert.deepEqual(bundle.entries.map((e: { event: { eventID: string } }) => e.event.eventID), trace.timeline.map((s: { eventId: string }) => s.eventId));
      const check = verifyBundle(bundle, bundle.publicKey);
      assert.ok(check.ok, check.report.join('\n'));
      // The supermarket sees its own events and those naming it, not the farm's.
      const firm = (await t.inject({ method: 'GET', url: `/api/v1/ledger/bundle?code=${encodeURIComponent(CARTON_URI)}`, key: keys.supermarket.key })).json();
      assert.ok(firm.entries.length > 0 && firm.entries.length < bundle.entries.length, `${firm.entries.length} of ${bundle.entries.length}`);
    });

    test('an event altered in the database loses the verified mark, and the proof names it', async () => {
      const proofBefore = await t.inject({ method: 'GET', url: `/api/v1/public/proof?code=${encodeURIComponent(CARTON_URI)}` });
      assert.equal(proofBefore.statusCode, 200, proofBefore.body);
      assert.equal(proofBefore.json().verified, true);
      assert.ok(proofBefore.json().entries.length >= 8);
      assert.ok(proofBefore.json().entries.every((e: { auditPath: string[]; fault: null }) => e.fault === null && Array.isArray(e.auditPath)));
      const sale = await t.deps.store.db.selectFrom('event').select(['id', 'body']).where('biz_step', '=', 'retail_selling').where('body', 'like', '%LY2611060001%').executeTakeFirstOrThrow();
      const altered = { ...JSON.parse(sale.body), bizStep: 'shipping' };
      await t.deps.store.db.updateTable('event').set({ body: JSON.stringify(altered) }).where('id', '=', sale.id).execute();
      try {
        const page = await get(CARTON);
        assert.match(section(page.body, 'verification'), /核验失败/);
        const proof = await t.inject({ method: 'GET', url: `/api/v1/public/proof?code=${encodeURIComponent(CARTON_URI)}` });
        assert.equal(proof.json().verified, false);
        assert.deepEqual(proof.json().entries.filter((e: { fault: string | null }) => e.fault).map((e: { fault: string }) => e.fault), ['content_altered']);
        const html = await get(`/proof?code=${encodeURIComponent(CARTON_URI)}`);
        assert.match(html.body, /不一致 \(content_altered\)/);
        // Rewriting the ledger leaf to match the altered body is caught too: the leaf is no longer in the tree.
        const leaf = await t.deps.store.db.selectFrom('ledger_leaf').select(['idx', 'hash_id']).where('event_id', '=', sale.id).executeTakeFirstOrThrow();
        await t.deps.store.db.updateTable('ledger_leaf').set({ hash_id: eventHashId(altered, documentContext(altered['@context'] ?? [])) }).where('event_id', '=', sale.id).execute();
        try {
          assert.match(section((await get(CARTON)).body, 'verification'), /核验失败/);
          const both = await t.inject({ method: 'GET', url: `/api/v1/public/proof?code=${encodeURIComponent(CARTON_URI)}` });
          const entries = both.json().entries as Array<{ eventId: string; fault: string | null }>;
          // Proofs of neighbouring leaves pass through the rewritten one and fail with it.
          assert.equal(entries.find((e) => e.eventId === JSON.parse(sale.body).eventID)!.fault, 'not_included');
          assert.ok(entries.every((e) => e.fault === null || e.fault === 'not_included'));
        } finally {
          await t.deps.store.db.updateTable('ledger_leaf').set({ hash_id: leaf.hash_id }).where('event_id', '=', sale.id).execute();
        }
      } finally {
        await t.deps.store.db.updateTable('event').set({ body: sale.body }).where('id', '=', sale.id).execute();
      }
      assert.match(section((await get(CARTON)).body, 'verification'), /记录已核验/, 'restored, it verifies again');
    });
  });
}

for (const dialect of testDialects()) {
  test(`a lot code's page stops where the lot was divided among buyers, and the pig lot it was made from shows only its way to its maker (${dialect})`, async () => {
    const t = await createTestApp(dialect);
    try {
      const site = (localId: string, name: string) => ({ localId, name, address: `惠州市惠阳区${name}`, region: '441303' });
      const maker = await t.party({ name: '金盛肉联', kind: 'slaughterhouse', region: '441303', sites: [site('SLAUGHTER-1', '淡水屠宰厂')] });
      const wholesaler = await t.party({ name: '润和批发市场', kind: 'wholesaler', region: '441303', sites: [site('WHOLESALE-1', '润和交易区')] });
      const market = await t.party({ name: '南泽农贸市场', kind: 'market', region: '441303', sites: [site('MARKET-1', '南泽市场')] });
      const canteen = await t.party({ name: '三和小学食堂', kind: 'canteen', region: '441303', sites: [site('CANTEEN-1', '三和食堂')] });
      const farm = await t.party({ name: '绿源养殖', kind: 'farm', region: '441303', sites: [site('FARM-1', '良井猪场')] });
      const otherSlaughterhouse = await t.party({ name: '罗临肉联', kind: 'slaughterhouse', region: '441303', sites: [site('SLAUGHTER-2', '罗临屠宰厂')] });
      const gtin = `0${withCheckDigit('697012310009')}`;
      assert.equal((await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: maker.key, payload: { gtin, name: '冷鲜猪肉', category: 'farm-produce' } })).statusCode, 201);
      const LOT = `https://id.gs1.org/01/${gtin}/10/ZR1128`;
      const at = (hour: number) => ({ eventTime: `2026-11-28T${String(hour).padStart(2, '0')}:00:00+08:00`, eventTimeZoneOffset: '+08:00' });
      const PIGS = `https://id.gs1.org/01/${gtin}/10/PIG1127`;
      const kg = (quantity: number, lot = LOT) => ({ quantityList: [{ epcClass: lot, quantity, uom: 'KGM' }] });
      const ship = (hour: number, from: typeof maker, to: typeof maker, quantity: number, lot = LOT) => ({
        type: 'ObjectEvent', ...at(hour), action: 'OBSERVE', bizStep: 'shipping', ...kg(quantity, lot), readPoint: { id: from.sites[0]!.uri },
        sourceList: [{ type: 'owning_party', source: from.uri }], destinationList: [{ type: 'owning_party', destination: to.uri }],
      });
      const receive = (hour: number, from: typeof maker, to: typeof maker, quantity: number, lot = LOT) => ({ ...ship(hour, from, to, quantity, lot), bizStep: 'receiving', readPoint: { id: to.sites[0]!.uri }, bizLocation: { id: to.sites[0]!.uri } });
      const observe = (hour: number, by: typeof maker, bizStep: string) => ({ type: 'ObjectEvent', ...at(hour), action: 'OBSERVE', bizStep, ...kg(100), readPoint: { id: by.sites[0]!.uri }, bizLocation: { id: by.sites[0]!.uri } });
      const capture = async (who: typeof maker, events: unknown[]) => {
        const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: who.key, payload: epcisDoc(events) });
        assert.equal(res.statusCode, 202, res.body);
      };
      // The farm divides its pig lot between the two slaughterhouses; the maker slaughters its part into the pork lot.
      await capture(farm, [{ type: 'ObjectEvent', ...at(1), action: 'ADD', bizStep: 'commissioning', ...kg(3000, PIGS), readPoint: { id: farm.sites[0]!.uri }, bizLocation: { id: farm.sites[0]!.uri } },
        ship(2, farm, otherSlaughterhouse, 1500, PIGS), ship(3, farm, maker, 1500, PIGS)]);
      await capture(otherSlaughterhouse, [receive(3, farm, otherSlaughterhouse, 1500, PIGS)]);
      await capture(maker, [receive(4, farm, maker, 1500, PIGS), {
        type: 'TransformationEvent', ...at(6), bizStep: 'killing', readPoint: { id: maker.sites[0]!.uri }, bizLocation: { id: maker.sites[0]!.uri },
        inputQuantityList: [{ epcClass: PIGS, quantity: 1500, uom: 'KGM' }], outputQuantityList: [{ epcClass: LOT, quantity: 1000, uom: 'KGM' }],
      }, ship(8, maker, wholesaler, 1000)]);
      await capture(wholesaler, [receive(10, maker, wholesaler, 1000), observe(11, wholesaler, 'inspecting'), ship(12, wholesaler, market, 600), ship(15, wholesaler, canteen, 400), observe(18, wholesaler, 'retail_selling')]);
      await capture(market, [receive(13, wholesaler, market, 600)]);
      await capture(canteen, [receive(16, wholesaler, canteen, 400)]);

      const scan = await t.inject({ method: 'GET', url: `/api/v1/public/scan?code=${encodeURIComponent(LOT)}` });
      assert.equal(scan.statusCode, 200, scan.body);
      const view = scan.json() as { timeline: Array<{ step: string; party: string }>; verification: { checked: number; verified: boolean } };
      assert.deepEqual(view.timeline.map((s) => `${s.step} ${s.party}`), [
        'commissioning 绿源养殖', 'shipping 绿源养殖', 'receiving 金盛肉联', 'killing 金盛肉联',
        'shipping 金盛肉联', 'receiving 润和批发市场', 'inspecting 润和批发市场', 'retail_selling 润和批发市场',
      ]);
      assert.deepEqual([view.verification.checked, view.verification.verified], [8, true]);
      const page = await t.inject({ method: 'GET', url: `/01/${gtin}/10/ZR1128`, headers: PHONE });
      assert.equal(page.statusCode, 200);
      assert.match(section(page.body, 'timeline'), /润和批发市场/);
      assert.doesNotMatch(page.body, /南泽|三和/, 'neither buyer of the divided lot is on its public page');
      assert.doesNotMatch(page.body, /罗临/, 'nor the farm\'s other buyer of the pigs');
      const proof = await t.inject({ method: 'GET', url: `/api/v1/public/proof?code=${encodeURIComponent(LOT)}` });
      assert.equal(proof.json().entries.length, 8, 'the proof covers the same events');
      // The regulator's trace still follows every branch.
      const trace = await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(LOT)}&direction=both`, key: ADMIN_KEY });
      assert.match(trace.body, /南泽农贸市场/);
      assert.match(trace.body, /三和小学食堂/);
      assert.match((await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(PIGS)}&direction=forward`, key: ADMIN_KEY })).body, /罗临肉联/);

      /** A day's events of `lot`, packed `quantity` to a pallet at the `from` firm's site, and of the pallets it sends. */
      const palletsOf = (date: string, from: typeof maker, lot: string, quantity: number) => {
        const at = (hour: number) => ({ eventTime: `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`, eventTimeZoneOffset: '+08:00' });
        return {
          at,
          commission: (hour: number, total: number) => ({ type: 'ObjectEvent', ...at(hour), action: 'ADD', bizStep: 'commissioning', ...kg(total, lot), readPoint: { id: from.sites[0]!.uri }, bizLocation: { id: from.sites[0]!.uri } }),
          pack: (hour: number, pallet: string) => ({ type: 'AggregationEvent', ...at(hour), action: 'ADD', bizStep: 'packing', parentID: pallet, childQuantityList: [{ epcClass: lot, quantity, uom: 'KGM' }], readPoint: { id: from.sites[0]!.uri } }),
          move: (hour: number, pallet: string, to: typeof maker, bizStep: string) => ({
            type: 'ObjectEvent', ...at(hour), action: 'OBSERVE', bizStep, epcList: [pallet], readPoint: { id: (bizStep === 'shipping' ? from : to).sites[0]!.uri },
            sourceList: [{ type: 'owning_party', source: from.uri }], destinationList: [{ type: 'owning_party', destination: to.uri }],
          }),
        };
      };

      // A lot divided onto two pallets for two buyers: the pallets' custody is the lot's.
      const LOT2 = `https://id.gs1.org/01/${gtin}/10/ZR1129`;
      const [P1, P2] = ['06970123100000001', '06970123100000002'].map((n) => `https://id.gs1.org/00/${withCheckDigit(n)}`);
      const lot2 = palletsOf('2026-11-29', maker, LOT2, 500);
      await capture(maker, [lot2.commission(6, 1000), lot2.pack(7, P1), lot2.pack(7, P2), lot2.move(8, P1, market, 'shipping'), lot2.move(9, P2, canteen, 'shipping')]);
      await capture(market, [lot2.move(10, P1, market, 'receiving')]);
      await capture(canteen, [lot2.move(11, P2, canteen, 'receiving')]);
      const onPallets = (await t.inject({ method: 'GET', url: `/api/v1/public/scan?code=${encodeURIComponent(LOT2)}` })).json() as { timeline: Array<{ step: string; party: string }> };
      assert.deepEqual(onPallets.timeline.map((s) => `${s.step} ${s.party}`), ['commissioning 金盛肉联', 'packing 金盛肉联', 'packing 金盛肉联']);

      // Pigs on two pallets, one to each slaughterhouse: the pork of one shows the pallet that came to it, not the other.
      const PIGS2 = `https://id.gs1.org/01/${gtin}/10/PIG1129`;
      const LOT3 = `https://id.gs1.org/01/${gtin}/10/ZR1130`;
      const [PP1, PP2] = ['06970123100000003', '06970123100000004'].map((n) => `https://id.gs1.org/00/${withCheckDigit(n)}`);
      const pigs2 = palletsOf('2026-11-30', farm, PIGS2, 1500);
      await capture(farm, [pigs2.commission(1, 3000), pigs2.pack(2, PP1), pigs2.pack(2, PP2), pigs2.move(3, PP1, maker, 'shipping'), pigs2.move(4, PP2, otherSlaughterhouse, 'shipping')]);
      await capture(otherSlaughterhouse, [pigs2.move(5, PP2, otherSlaughterhouse, 'receiving')]);
      await capture(maker, [pigs2.move(6, PP1, maker, 'receiving'), {
        type: 'TransformationEvent', ...pigs2.at(8), bizStep: 'killing', readPoint: { id: maker.sites[0]!.uri }, bizLocation: { id: maker.sites[0]!.uri },
        inputQuantityList: [{ epcClass: PIGS2, quantity: 1500, uom: 'KGM' }], outputQuantityList: [{ epcClass: LOT3, quantity: 1000, uom: 'KGM' }],
      }]);
      const fromPallets = (await t.inject({ method: 'GET', url: `/api/v1/public/scan?code=${encodeURIComponent(LOT3)}` })).json() as { timeline: Array<{ step: string; party: string }> };
      assert.deepEqual(fromPallets.timeline.map((s) => `${s.step} ${s.party}`), [
        'commissioning 绿源养殖', 'packing 绿源养殖', 'packing 绿源养殖', 'shipping 绿源养殖', 'receiving 金盛肉联', 'killing 金盛肉联',
      ]);
      assert.doesNotMatch((await t.inject({ method: 'GET', url: `/01/${gtin}/10/ZR1130`, headers: PHONE })).body, /罗临/, 'the other slaughterhouse is not on the page');
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects()) {
  test(`a long record keeps its scan page small: the origin, the latest steps and inspections, the rest on the proof page (${dialect})`, async () => {
    const t = await createTestApp(dialect);
    try {
      const maker = await t.party({ name: '惠达电梯维保', kind: 'producer', region: '441302', sites: [{ localId: 'LIFT-1', name: '江北维保站', address: '惠州市惠城区江北', region: '441302' }] });
      const gtin = `0${withCheckDigit('697012310010')}`;
      assert.equal((await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: maker.key, payload: { gtin, name: '乘客电梯', category: 'special-equipment' } })).statusCode, 201);
      const LOT = `https://id.gs1.org/01/${gtin}/10/LIFT2020`;
      const where = { readPoint: { id: maker.sites[0]!.uri }, bizLocation: { id: maker.sites[0]!.uri } };
      const what = { quantityList: [{ epcClass: LOT, quantity: 1, uom: 'H87' }] };
      // Installed in 2020, then inspected every week: 150 inspections, the last one failed.
      const inspections = Array.from({ length: 150 }, (_, i) => ({
        type: 'ObjectEvent', eventTime: new Date(Date.UTC(2020, 0, 8 + 7 * i, 2)).toISOString(), eventTimeZoneOffset: '+08:00', action: 'OBSERVE',
        bizStep: 'inspecting', disposition: i === 149 ? 'non_conformant' : 'conformant', ...what, ...where,
        bizTransactionList: [{ type: 'testres', bizTransaction: `urn:suyuan:testres:WB-${String(i + 1).padStart(4, '0')}` }],
      }));
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: maker.key, payload: epcisDoc([
        { type: 'ObjectEvent', eventTime: '2020-01-01T02:00:00Z', eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'commissioning', ...what, ...where },
        ...inspections,
      ]) });
      assert.equal(res.statusCode, 202, res.body);

      const page = await t.inject({ method: 'GET', url: `/01/${gtin}/10/LIFT2020`, headers: PHONE });
      assert.equal(page.statusCode, 200);
      assert.ok(page.rawPayload.length < 50 * 1024, `page is ${page.rawPayload.length} bytes`);
      const timelineHtml = /<section id="timeline">[^]*?<\/section>/.exec(page.body)![0];
      assert.equal((timelineHtml.match(/<li>/g) ?? []).length, 60, 'the first 10 steps and the latest 50');
      assert.match(timelineHtml, /id="steps-hidden"><a href="\/proof\?code=/, 'the rest is on the proof page');
      const timeline = section(page.body, 'timeline');
      assert.match(timeline, /^追溯链条 生产赋码 2020-01-01/, 'the origin stays');
      assert.match(timeline, /中间另有 91 步未显示/);
      assert.match(timeline, /2022-11-16/, 'the latest step is shown');
      const shown = section(page.body, 'inspections');
      assert.match(shown, /另有 130 次更早的检验/);
      assert.match(shown, /WB-0150/, 'the latest inspection, failed, is shown');
      assert.match(shown, /不合格/);
      assert.doesNotMatch(shown, /WB-0130\b/, 'an earlier one is left to the proof page');
      assert.match(section(page.body, 'verification'), /记录已核验/, 'every event is checked, shown or not');
      const proof = await t.inject({ method: 'GET', url: `/api/v1/public/proof?code=${encodeURIComponent(LOT)}` });
      assert.equal(proof.json().entries.length, 151, 'the proof lists every event');
      const view = (await t.inject({ method: 'GET', url: `/api/v1/public/scan?code=${encodeURIComponent(LOT)}` })).json() as { timeline: unknown[]; inspections: unknown[] };
      assert.deepEqual([view.timeline.length, view.inspections.length], [151, 150], 'the JSON view is whole');
      const en = await t.inject({ method: 'GET', url: `/01/${gtin}/10/LIFT2020?lang=en`, headers: PHONE });
      assert.match(section(en.body, 'timeline'), /91 more steps in between/);
    } finally {
      await t.close();
    }
  });
}
