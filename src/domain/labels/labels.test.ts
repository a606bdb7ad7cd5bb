import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../errors.ts';
import { makeLocalCode, parseAnyCode, usccCheckChar } from '../identifiers/index.ts';
import { markOf } from './certification-mark.ts';
import { ai17ToIso, labelContent, parseExpiry } from './label-content.ts';
import { LABELS_PER_PAGE, renderLabelSheet } from './label-sheet.ts';
import { renderLabelSvg } from './label-svg.ts';
import { symbolPng, symbolSvg } from './symbol.ts';

// Loaded as CommonJS: pngjs ships no type declarations (only its synchronous reader is needed), and jsqr's
// declarations describe an ES default export that its CommonJS build does not have.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };
const jsQR = require('jsqr') as typeof import('jsqr').default;

/** The text a QR code PNG carries. */
function decodeQr(png: Uint8Array): string | undefined {
  const img = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data;
}

const ORIGIN = 'http://localhost:8080';
const TODAY = new Date('2026-11-29T00:00:00Z');
const GTIN = '06901234000016';
const SERIAL = parseAnyCode(`(01)${GTIN}(10)LOT1(21)0001`);
const GREEN = markOf({ type: 'green-food', number: 'LB-18-2106140586A' })!;

test('a GS1 code: the QR code carries the Digital Link on our origin, the Data Matrix the element string', async () => {
  const qr = labelContent({ code: SERIAL, origin: `${ORIGIN}/`, today: TODAY, symbology: 'qr' });
  assert.deepEqual(qr.symbol, { bcid: 'qrcode', text: `${ORIGIN}/01/${GTIN}/10/LOT1/21/0001` });
  assert.equal(qr.humanReadable, `(01)${GTIN}(10)LOT1(21)0001`);
  assert.deepEqual(qr.fields, [{ label: 'GTIN', value: GTIN }, { label: 'LOT', value: 'LOT1' }, { label: 'SN', value: '0001' }]);
  assert.equal(decodeQr(await symbolPng(qr.symbol)), `${ORIGIN}/01/${GTIN}/10/LOT1/21/0001`);
  const dm = labelContent({ code: SERIAL, origin: ORIGIN, today: TODAY, symbology: 'datamatrix' });
  assert.deepEqual(dm.symbol, { bcid: 'gs1datamatrix', text: `(01)${GTIN}(10)LOT1(21)0001` });
  assert.notDeepEqual(symbolSvg(dm.symbol).paths, symbolSvg(qr.symbol).paths);
});

test('an expiry goes in as AI 17: after the GTIN in the element string, as a query attribute in the Digital Link', async () => {
  const c = labelContent({ code: SERIAL, origin: ORIGIN, today: TODAY, symbology: 'qr', expiry: '2027-05-05' });
  assert.equal(c.humanReadable, `(01)${GTIN}(17)270505(10)LOT1(21)0001`);
  assert.equal(c.symbol.text, `${ORIGIN}/01/${GTIN}/10/LOT1/21/0001?17=270505`);
  assert.equal(c.expiry, '2027-05-05');
  // A code carrying its own (17) keeps it.
  const own = labelContent({ code: parseAnyCode(`(01)${GTIN}(17)270500(10)LOT1`), origin: ORIGIN, today: TODAY, symbology: 'datamatrix' });
  assert.equal(own.symbol.text, `(01)${GTIN}(17)270500(10)LOT1`);
  assert.equal(own.expiry, '2027-05');
  assert.equal(ai17ToIso('300131', TODAY), '2030-01-31');
  // The century as GS1 determines it: 99 is 73 years ahead of 2026, so 1999 — as the scan page reads it.
  assert.equal(ai17ToIso('991200', TODAY), '1999-12');
  for (const bad of ['2027-02-30', '27-05-05', '1999-12-31', 'soon']) {
    assert.throws(() => parseExpiry(bad), (e: unknown) => e instanceof DomainError && e.code === 'bad_expiry' && e.details.field === 'expiry', bad);
  }
});

test('codes with no GS1 form: the QR code leads to /code/<code>, the Data Matrix carries the code itself', async () => {
  const drug = parseAnyCode('81234567890123456789');
  const local = parseAnyCode(makeLocalCode({ issuerUscc: `91441322MA51PK0F1${usccCheckChar('91441322MA51PK0F1')}`, category: 'pig', code: '20261101A' }));
  for (const code of [drug, local]) {
    const plain = code === drug ? '81234567890123456789' : code.canonical;
    const qr = labelContent({ code, origin: ORIGIN, today: TODAY, symbology: 'qr' });
    assert.equal(qr.symbol.text, `${ORIGIN}/code/${encodeURIComponent(plain)}`);
    assert.equal(decodeQr(await symbolPng(qr.symbol)), qr.symbol.text);
    assert.deepEqual(labelContent({ code, origin: ORIGIN, today: TODAY, symbology: 'datamatrix' }).symbol, { bcid: 'datamatrix', text: plain });
    assert.ok(symbolSvg({ bcid: 'datamatrix', text: plain }).paths.length > 0);
  }
});

test('a lot with "(" in it still makes a GS1 Data Matrix (FNC1 form)', () => {
  const c = labelContent({ code: parseAnyCode(`https://id.gs1.org/01/${GTIN}/10/A%28B`), origin: ORIGIN, today: TODAY, symbology: 'datamatrix' });
  assert.deepEqual(c.symbol, { bcid: 'datamatrix', text: `^FNC101${GTIN}10A(B`, parsefnc: true });
  assert.ok(symbolSvg(c.symbol).paths[0].length > 100);
});

test('bwip-js refusing the data is an invalid code, not a crash', () => {
  assert.throws(() => symbolSvg({ bcid: 'gs1datamatrix', text: '(01)06901234000017' }), (e: unknown) => e instanceof DomainError && e.code === 'symbol_encoding_failed');
});

test('the SVG label: symbol paths, fields, element string, and a certification mark only where given', () => {
  const plain = labelContent({ code: SERIAL, origin: ORIGIN, today: TODAY, symbology: 'qr', productName: '有机菜心 <A&B>', expiry: '2027-05-05' });
  const svg = renderLabelSvg(plain);
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.includes(symbolSvg(plain.symbol).paths[0]));
  assert.ok(svg.includes('有机菜心 &lt;A&amp;B&gt;'));
  assert.ok(svg.includes(`(01)${GTIN}(17)270505(10)LOT1(21)0001`));
  assert.ok(svg.includes('EXP</tspan> 2027-05-05'));
  assert.ok(!svg.includes('cert-mark'));
  const marked = renderLabelSvg({ ...plain, marks: [GREEN] });
  assert.ok(marked.includes('class="cert-mark" data-type="green-food"'));
  assert.ok(marked.includes('绿色食品') && marked.includes('Green Food') && marked.includes('No. LB-18-2106140586A'));
  assert.equal(markOf({ type: 'haccp', number: 'X' }), undefined, 'a certificate type without a mark draws none');
});

test('the PDF sheet: 24 labels to an A4 page, loadable, with text kept to ASCII', async () => {
  const labels = Array.from({ length: LABELS_PER_PAGE + 1 }, (_, i) =>
    labelContent({ code: parseAnyCode(`(01)${GTIN}(10)LOT1(21)S${i}`), origin: ORIGIN, today: TODAY, symbology: i % 2 ? 'qr' : 'datamatrix', productName: '菜心', marks: [GREEN] }),
  );
  const pdf = await renderLabelSheet(labels, { title: 'test', createdAt: new Date('2026-11-01T00:00:00Z') });
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
  const doc = await PDFDocument.load(pdf);
  assert.equal(doc.getPageCount(), 2);
  const { width, height } = doc.getPage(0).getSize();
  assert.equal(Math.round(width), 595);
  assert.equal(Math.round(height), 842);
  assert.equal(doc.getTitle(), 'test');
});
