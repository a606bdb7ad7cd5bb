import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLinkset, linksetDocument, linksetJson } from './linkset.ts';
import { resolveCode } from './resolve-code.ts';

test('the linkset served from a template is the linkset document, for every kind of code, name and origin', () => {
  const codes = [
    'https://id.gs1.org/01/06901234567892/21/S100000',
    'https://id.gs1.org/01/06901234567892/10/LOT%2F7/21/A%25%21B',
    'https://id.gs1.org/01/06901234567892',
    'https://id.gs1.org/00/106141411234567897',
    '81234567890123456789',
    '88.118.8/HZ-0001',
  ].map((c) => resolveCode(c));
  const names = [undefined, '惠州黑猪肉 500 g', 'quote " backslash \\ newline \n', 'a {{path}} b {{unit}}', '{{'];
  const origins = ['http://127.0.0.1:3000', 'https://trace.huizhou.gov.cn'];
  for (const code of codes) {
    for (const name of names) {
      for (const origin of origins) {
        // Twice: the second comes from the cached template.
        for (let i = 0; i < 2; i++) {
          const expected = JSON.stringify(buildLinkset(origin, code, name));
          assert.equal(linksetJson(origin, code, name), expected, `${code.unit} ${name} ${origin}`);
          // The size sent as Content-Length, counted from the template: the document's UTF-8 bytes.
          assert.equal(linksetDocument(origin, code, name).bytes, Buffer.byteLength(expected), `${code.unit} ${name} ${origin}`);
        }
      }
    }
  }
});
