import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { PDFDocument } from 'pdf-lib';
import { BIN, launcherFlags } from '../support/server-process.ts';
import { createTestStore, testDialects, type TestStoreTarget } from '../support/stores.ts';

// `suyuan labels` (issue 4 §4) on the demo's dairy chain, on every store.

// Loaded as CommonJS: pngjs ships no type declarations, and jsqr's declarations describe an ES default export
// that its CommonJS build does not have.
const require = createRequire(import.meta.url);
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };
const jsQR = require('jsqr') as typeof import('jsqr').default;

const ORIGIN = 'https://trace.huizhou.example';
const CARTON_LOT = '(01)06970123200011(10)LY261106';
const PORK_LOT = '(01)06970123100014(10)ZR20261103';

function suyuan(args: string[], target: TestStoreTarget) {
  const store = ['--data', target.dataDir, ...(target.databaseUrl ? ['--database-url', target.databaseUrl] : [])];
  const env: NodeJS.ProcessEnv = { ...process.env, SUYUAN_PUBLIC_URL: ORIGIN };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [...launcherFlags(), BIN, ...args, ...store], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

for (const dialect of testDialects()) {
  describe(`suyuan labels on ${dialect}`, () => {
    let target: TestStoreTarget;
    let plant: string;
    let farm: string;
    const file = (name: string) => path.join(target.dataDir, 'out', name);
    before(async () => {
      target = await createTestStore(dialect);
      const demo = suyuan(['demo'], target);
      assert.equal(demo.code, 0, demo.err);
      const parties = JSON.parse(suyuan(['admin', 'party', 'list'], target).out) as Array<{ id: string; name: string }>;
      plant = parties.find((p) => p.name === '惠州市绿野乳业有限公司')!.id;
      farm = parties.find((p) => p.name === '惠州市博罗县绿源生态养殖有限公司')!.id;
    });
    after(async () => target?.cleanup());

    test('one label as SVG and as PNG; the QR code carries the Digital Link with the expiry recorded for the lot', () => {
      const svg = suyuan(['labels', CARTON_LOT, '--out', file('carton.svg')], target);
      assert.equal(svg.code, 0, svg.err);
      assert.match(svg.out, new RegExp(`^wrote ${file('carton.svg').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(image/svg\\+xml, \\d+ bytes\\)$`, 'm'));
      const text = fs.readFileSync(file('carton.svg'), 'utf8');
      assert.match(text, /^<\?xml/);
      assert.ok(text.includes('(01)06970123200011(17)270505(10)LY261106'), 'expiry from the commissioning event');
      const png = suyuan(['labels', CARTON_LOT, '--format', 'png', '--out', file('carton.png')], target);
      assert.equal(png.code, 0, png.err);
      const img = PNG.sync.read(fs.readFileSync(file('carton.png')));
      const decoded = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data;
      assert.equal(decoded, `${ORIGIN}/01/06970123200011/10/LY261106?17=270505`);
      assert.match(png.out, /^encodes https:\/\/trace\.huizhou\.example\/01\/06970123200011\/10\/LY261106\?17=270505$/m);
    });

    test('a sheet for the firm: a PDF, and the serials commissioned (then traceable to their lot)', async () => {
      const r = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '26', '--party', plant, '--symbology', 'datamatrix', '--out', file('sheet.pdf')], target);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^wrote ${file('sheet.pdf').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(26 labels on 2 A4 pages\\)$`, 'm'));
      assert.match(r.out, /^commissioned 26 serials LY261106000001 … LY261106000026 of https:\/\/id\.gs1\.org\/01\/06970123200011\/10\/LY261106$/m);
      assert.match(r.out, /^capture cap_\w+, event ni:\/\/\/sha-256;/m);
      const doc = await PDFDocument.load(fs.readFileSync(file('sheet.pdf')));
      assert.equal(doc.getPageCount(), 2);
      const trace = suyuan(['trace', 'https://id.gs1.org/01/06970123200011/21/LY261106000026', '--direction', 'back', '--json'], target);
      assert.equal(trace.code, 0, trace.err);
      const edges = JSON.parse(trace.out).edges as Array<{ kind: string; from: string }>;
      assert.ok(edges.some((e) => e.kind === 'in_lot' && e.from === 'https://id.gs1.org/01/06970123200011/10/LY261106'));
      assert.ok(edges.some((e) => e.kind === 'commissioned'));
      const again = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '1', '--party', plant, '--out', file('again.pdf')], target);
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, /^commissioned 1 serial LY261106000027 … LY261106000027 /m);
    });

    test('errors: a non-zero exit and a message naming the field', () => {
      const noParty = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '2'], target);
      assert.equal(noParty.code, 2);
      assert.match(noParty.err, /^error: missing_field \[party\]: /m);
      const count = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '0', '--party', plant], target);
      assert.equal(count.code, 2);
      assert.match(count.err, /^error: bad_count \[count\]: /m);
      const notTheirs = suyuan(['labels', '--sheet', PORK_LOT, '--count', '2', '--party', farm], target);
      assert.equal(notTheirs.code, 4);
      assert.match(notTheirs.err, /^error: not_your_product \[lot\]: /m);
      const taken = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '2', '--first-serial', 'LY2611060002', '--party', plant], target);
      assert.equal(taken.code, 6, taken.err);
      assert.match(taken.err, /^error: serial_exists \[firstSerial\]: Serial LY2611060002 /m);
      const badKey = suyuan(['labels', '--sheet', CARTON_LOT, '--count', '1', '--party-key', 'sy_key_nope'], target);
      assert.equal(badKey.code, 3);
      const badCode = suyuan(['labels', '(01)06970123200012(10)X'], target);
      assert.equal(badCode.code, 2);
      assert.match(badCode.err, /^error: invalid_code \[code\]: /m);
    });
  });
}
