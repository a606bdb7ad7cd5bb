import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PDFDocument } from 'pdf-lib';
import { makeLocalCode } from '../../src/domain/identifiers/index.ts';
import { symbolSvg } from '../../src/domain/labels/symbol.ts';
import { newId } from '../../src/domain/ids.ts';
import { testDialects } from '../support/stores.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

// Labels and marks (issue 4 §4): GET /api/v1/enterprise/labels and POST /api/v1/enterprise/labels/sheets.

// Loaded as CommonJS: pngjs ships no type declarations (only its synchronous reader is needed), and jsqr's
// declarations describe an ES default export that its CommonJS build does not have.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };
const jsQR = require('jsqr') as typeof import('jsqr').default;

function decodeQr(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data;
}

const ORIGIN = 'https://trace.huizhou.example';
const GTIN = '06901234000016';
const LOT = `https://id.gs1.org/01/${GTIN}/10/LOT1`;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const sgtin = (serial: string) => `https://id.gs1.org/01/${GTIN}/21/${serial}`;

for (const dialect of testDialects()) {
  describe(`labels on ${dialect}`, () => {
    let t: TestApp;
    let firm: Awaited<ReturnType<TestApp['party']>>;
    let other: Awaited<ReturnType<TestApp['party']>>;
    let productId: string;
    const label = (query: string, key = firm.key) => t.inject({ method: 'GET', url: `/api/v1/enterprise/labels?${query}`, key });
    const sheet = (body: unknown, key = firm.key) => t.inject({ method: 'POST', url: '/api/v1/enterprise/labels/sheets', key, payload: body });
    const eventsOf = async (epc: string) => {
      const res = await t.inject({ method: 'GET', url: `/epcis/events?MATCH_epc=${encodeURIComponent(epc)}`, key: firm.key });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().epcisBody.queryResults.resultsBody.eventList as Array<Record<string, unknown>>;
    };

    before(async () => {
      t = await createTestApp(dialect, { publicBaseUrl: `${ORIGIN}/` });
      firm = await t.party({ name: '惠州市示例蔬菜合作社', sites: [{ name: '汝湖蔬菜基地', region: '441302', address: '惠州市惠城区汝湖镇', localId: 'VEG-01' }] });
      other = await t.party({ name: '惠州市另一家企业' });
      const reg = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin: GTIN, name: '有机菜心', category: 'farm-produce' } });
      assert.equal(reg.statusCode, 201, reg.body);
      productId = reg.json().id;
      const local = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { localCode: 'pig', name: '生猪', category: 'farm-produce' } });
      assert.equal(local.statusCode, 201, local.body);
    });
    after(async () => t?.close());

    test('SVG: the whole label, its QR code carrying the Digital Link on our origin', async () => {
      const res = await label(`code=${encodeURIComponent(LOT)}&format=svg`);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^image\/svg\+xml/);
      const svg = res.body;
      assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok(svg.includes(symbolSvg({ bcid: 'qrcode', text: `${ORIGIN}/01/${GTIN}/10/LOT1` }).paths[0]), 'the QR path data');
      assert.ok(svg.includes(`(01)${GTIN}(10)LOT1`));
      assert.ok(svg.includes('有机菜心'));
      assert.ok(!svg.includes('cert-mark'), 'no certificate, no mark');
    });

    test('PNG: the symbol, with the PNG signature and sane size; decoded, it is the Digital Link', async () => {
      const res = await label(`code=${encodeURIComponent(`(01)${GTIN}(10)LOT1(21)0001`)}&format=png`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'image/png');
      const png = res.rawPayload;
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
      const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      assert.equal(w, h);
      assert.ok(w >= 100 && w <= 1000, `width ${w}`);
      const decoded = decodeQr(png);
      assert.equal(decoded, `${ORIGIN}/01/${GTIN}/10/LOT1/21/0001`);
      // What the scan opens is this platform's own resolver.
      const scan = await t.inject({ method: 'GET', url: decoded!.slice(ORIGIN.length), headers: { accept: 'text/html' } });
      assert.ok(scan.statusCode < 400, `${scan.statusCode} ${scan.body.slice(0, 200)}`);
    });

    test('Data Matrix differs from QR and carries the element string; a local code leads to /code/', async () => {
      const qr = await label(`code=${encodeURIComponent(LOT)}`);
      const dm = await label(`code=${encodeURIComponent(LOT)}&symbology=datamatrix`);
      assert.equal(dm.statusCode, 200, dm.body);
      assert.notEqual(dm.body, qr.body);
      assert.ok(dm.body.includes('data-symbology="datamatrix"'));
      assert.ok(dm.body.includes(symbolSvg({ bcid: 'gs1datamatrix', text: `(01)${GTIN}(10)LOT1` }).paths[0]));
      const pig = makeLocalCode({ issuerUscc: firm.uscc, category: 'pig', code: '20261101A' });
      const png = await label(`code=${encodeURIComponent(pig)}&format=png`);
      assert.equal(png.statusCode, 200, png.body);
      assert.equal(decodeQr(png.rawPayload), `${ORIGIN}/code/${encodeURIComponent(pig)}`);
      const scan = await t.inject({ method: 'GET', url: `/code/${encodeURIComponent(pig)}`, headers: { accept: 'text/html' } });
      assert.ok(scan.statusCode < 400, `${scan.statusCode} ${scan.body.slice(0, 200)}`);
    });

    test('bad input: format, symbology and code are named; no key is 401', async () => {
      const format = await label(`code=${encodeURIComponent(LOT)}&format=gif`);
      assert.equal(format.statusCode, 400);
      assert.equal(format.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(format.json().field, 'format');
      assert.equal((await label(`code=${encodeURIComponent(LOT)}&symbology=aztec`)).json().field, 'symbology');
      const code = await label(`code=${encodeURIComponent(`(01)06901234000017(10)LOT1`)}`);
      assert.equal(code.statusCode, 400);
      assert.deepEqual([code.json().code, code.json().field], ['invalid_code', 'code']);
      const anon = await t.inject({ method: 'GET', url: `/api/v1/enterprise/labels?code=${encodeURIComponent(LOT)}` });
      assert.equal(anon.statusCode, 401);
    });

    test("a firm cannot print another firm's product: 403 naming the field", async () => {
      const res = await label(`code=${encodeURIComponent(LOT)}`, other.key);
      assert.equal(res.statusCode, 403);
      assert.deepEqual([res.json().code, res.json().field], ['not_your_product', 'code']);
      const s = await sheet({ lot: LOT, count: 2 }, other.key);
      assert.equal(s.statusCode, 403);
      assert.deepEqual([s.json().code, s.json().field], ['not_your_product', 'lot']);
      assert.equal((await eventsOf(sgtin('LOT1000001'))).length, 0, 'nothing commissioned');
    });

    let firstEvent: Record<string, unknown>;
    test('a sheet: a PDF of the labels, and the serials commissioned as one EPCIS event in the ledger', async () => {
      const res = await sheet({ lot: `(01)${GTIN}(10)LOT1`, count: 30, expiry: '2027-05-05', site: firm.sites[0].uri });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const doc = await PDFDocument.load(res.rawPayload);
      assert.equal(doc.getPageCount(), 2, '24 labels to a page');
      const captureId = String(res.headers['suyuan-capture-id']);
      assert.match(captureId, /^cap_/);
      assert.equal(res.headers.location, `/epcis/capture/${captureId}`);
      assert.equal(res.headers['suyuan-serials-count'], '30');
      assert.equal(res.headers['suyuan-first-serial'], 'LOT1000001');
      assert.equal(res.headers['suyuan-last-serial'], 'LOT1000030');

      const job = await t.inject({ method: 'GET', url: `/epcis/capture/${captureId}`, key: firm.key });
      assert.equal(job.json().success, true);
      const events = await eventsOf(sgtin('LOT1000030'));
      assert.equal(events.length, 1);
      firstEvent = events[0];
      assert.equal(firstEvent.type, 'ObjectEvent');
      assert.equal(firstEvent.action, 'ADD');
      assert.equal(firstEvent.bizStep, 'commissioning');
      assert.equal(firstEvent.disposition, 'active');
      assert.deepEqual(firstEvent.readPoint, { id: firm.sites[0].uri });
      assert.deepEqual(firstEvent.ilmd, { 'cbvmda:lotNumber': 'LOT1', 'cbvmda:itemExpirationDate': '2027-05-05' });
      const epcs = firstEvent.epcList as string[];
      assert.equal(epcs.length, 30);
      assert.equal(epcs[0], sgtin('LOT1000001'));
      assert.deepEqual((await eventsOf(sgtin('LOT1000001'))).map((e) => e.eventID), [firstEvent.eventID]);
      const proof = await t.inject({ method: 'GET', url: `/api/v1/ledger/proof/inclusion?eventId=${encodeURIComponent(String(firstEvent.eventID))}` });
      assert.equal(proof.statusCode, 200, proof.body);
      // The serials now trace to their lot.
      const trace = await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(sgtin('LOT1000007'))}&direction=back`, key: firm.key });
      assert.ok(trace.json().edges.some((e: { kind: string; from: string }) => e.kind === 'in_lot' && e.from === LOT), trace.body);
      // A label for one of them now shows the expiry recorded at commissioning.
      const one = await label(`code=${encodeURIComponent(sgtin('LOT1000007'))}`);
      assert.ok(one.body.includes(`(01)${GTIN}(17)270505(21)LOT1000007`), one.body);
    });

    test('a second sheet does not reuse serials; a firstSerial already used is a conflict and commissions nothing', async () => {
      const res = await sheet({ lot: LOT, count: 5, symbology: 'datamatrix' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.headers['suyuan-first-serial'], 'LOT1000031');
      assert.equal(res.headers['suyuan-last-serial'], 'LOT1000035');
      assert.equal((await PDFDocument.load(res.rawPayload)).getPageCount(), 1);
      assert.equal((await eventsOf(sgtin('LOT1000031'))).length, 1);
      assert.equal((await eventsOf(sgtin('LOT1000001'))).length, 1, 'the first sheet only');

      const clash = await sheet({ lot: LOT, count: 3, firstSerial: 'LOT1000029' });
      assert.equal(clash.statusCode, 409, clash.body);
      assert.deepEqual([clash.json().code, clash.json().field], ['serial_exists', 'firstSerial']);
      assert.match(clash.json().detail, /LOT1000029/);
      assert.equal((await eventsOf(sgtin('LOT1000031'))).length, 1);

      const own = await sheet({ lot: LOT, count: 3, firstSerial: 'A0099' });
      assert.equal(own.statusCode, 201, own.body);
      assert.deepEqual([own.headers['suyuan-first-serial'], own.headers['suyuan-last-serial']], ['A0099', 'A0101']);
    });

    test('sheet input is checked before anything is commissioned', async () => {
      const cases: Array<[unknown, string]> = [
        [{ lot: LOT, count: 0 }, 'count'],
        [{ lot: LOT, count: 1001 }, 'count'],
        [{ lot: `(01)${GTIN}(10)LOT1(21)X1`, count: 1 }, 'lot'],
        [{ lot: `${LOT}`, count: 1, expiry: '2027-02-30' }, 'expiry'],
        [{ lot: LOT, count: 1, site: 'urn:suyuan:site:91441300MA4W12345R:NOPE' }, 'site'],
      ];
      for (const [body, field] of cases) {
        const res = await sheet(body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().field, field, JSON.stringify(body));
      }
      assert.equal((await eventsOf(sgtin('LOT1000036'))).length, 0);
      const queryOnly = await t.party({}, ['query']);
      const denied = await sheet({ lot: LOT, count: 1 }, queryOnly.key);
      assert.deepEqual([denied.statusCode, denied.json().code], [403, 'missing_scope']);
    });

    test('the certification mark appears where the product holds a valid certificate whose type has a mark', async () => {
      const cert = (type: string, number: string, validTo: string | null) =>
        t.deps.certificates.insertCertificate({
          id: newId('crt'), party_id: firm.id, product_id: productId, type, number, issuer_party_id: null, issuer_name: '中国绿色食品发展中心',
          valid_from: '2024-01-01', valid_to: validTo, url: null, created_at: new Date().toISOString(),
        });
      await cert('green-food', 'LB-2024-OLD', '2025-01-01');
      await cert('haccp', 'HACCP-0001', null);
      const without = await label(`code=${encodeURIComponent(LOT)}`);
      assert.ok(!without.body.includes('cert-mark'), 'expired, or a type without a mark');
      await cert('green-food', 'LB-18-2106140586A', '2099-12-31');
      const svg = (await label(`code=${encodeURIComponent(LOT)}`)).body;
      assert.ok(svg.includes('class="cert-mark" data-type="green-food"'));
      assert.ok(svg.includes('绿色食品') && svg.includes('Green Food') && svg.includes('No. LB-18-2106140586A'));
      assert.ok(!svg.includes('LB-2024-OLD') && !svg.includes('HACCP-0001'));
      const s = await sheet({ lot: LOT, count: 1 });
      assert.equal(s.statusCode, 201, s.body);
    });

    test('every label read and sheet is audited', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/admin/audit?action=label.sheet&limit=10', key: 'test-admin-key-0123456789' });
      assert.equal(res.statusCode, 200, res.body);
      const rows = res.json() as Array<{ actorId: string; target: string; details: { count: number; captureId: string } }>;
      assert.ok(rows.length >= 4, res.body);
      assert.ok(rows.every((r) => r.actorId === firm.id && r.target === LOT));
      const reads = (await t.inject({ method: 'GET', url: '/api/v1/admin/audit?action=label.render&limit=100', key: 'test-admin-key-0123456789' })).json();
      assert.ok(reads.length >= 5);
    });
  });
}
