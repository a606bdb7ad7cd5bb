import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import { compressDigitalLink, decompressDigitalLink, isCompressedDigitalLink } from './gs1-digital-link-compression.ts';
import { buildDigitalLink, parseDigitalLinkUri } from './gs1-digital-link.ts';
import { parseBracketed } from './gs1-element-string.ts';
import { normalizeEpcisId, parseAnyCode } from './normalize.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A stream segment from a bit string (spaces ignored), zero-padded to whole characters. */
function seg(bits: string): string {
  const b = bits.replace(/ /g, '');
  const padded = b.padEnd(Math.ceil(b.length / 6) * 6, '0');
  let out = '';
  for (let i = 0; i < padded.length; i += 6) out += B64[parseInt(padded.slice(i, i + 6), 2)];
  return out;
}
const int = (n: number | bigint, width: number) => n.toString(2).padStart(width, '0');
const GTIN_BITS = '0000 0001 ' + int(9506000134352n, 47); // (01)09506000134352

function throwsFault(fn: () => unknown, code: string, fault?: string, message?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.kind, 'invalid');
    assert.equal(e.code, code, e.message);
    if (fault) assert.equal(e.details.fault, fault, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const DL = 'https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231';

test('compresses as the GS1 Digital Link toolkit does, with and without optimisations', () => {
  assert.equal(compressDigitalLink(DL), 'https://id.gs1.org/GhFKk4XBoI1XgkZ_jeCjA5');
  assert.equal(compressDigitalLink(DL, { optimise: false }), 'https://id.gs1.org/ARFKk4XBoCCNV4JGLn-N5CCjA5');
  assert.equal(decompressDigitalLink('https://id.gs1.org/GhFKk4XBoI1XgkZ_jeCjA5'), DL);
  assert.equal(decompressDigitalLink('https://id.gs1.org/ARFKk4XBoCCNV4JGLn-N5CCjA5'), DL);
  // (414)+(254) uses optimisation 9D, whose values follow in AI order: 254 then 414.
  assert.equal(compressDigitalLink('https://example.com/414/9506000134369/254/ROOM-12'), 'https://example.com/nWdE44z7XaKVJwuDh');
});

test('round-trips every value encoding and AI format', () => {
  const cases = [
    '(01)09506000134352(10)ABC123(21)12345(17)261231', // optimisation 1A
    '(01)09506000134352(21)00001', // digits with leading zeros (encoding 0 keeps them)
    '(01)09506000134352(10)abc123', // lower-case hex
    '(01)09506000134352(10)ABC123F', // upper-case hex
    '(01)09506000134352(10)Lot_x-1', // base64url
    '(01)09506000134352(10)A/B%+&C', // 7-bit ASCII, escaped in the URI
    '(01)09506000134352(22)VAR(10)L1(21)S1', // three qualifiers
    '(01)09506000134352(10)L1(15)261231', // optimisation 1F
    '(01)05412345000013(10)ABC&+123(3103)000189(3923)2172', // 2D + a variable numeric attribute
    '(01)09506000134352(7003)2612311200', // optimisation 0E
    '(00)106141411234567897', // 60 bits, beyond double precision
    '(253)9506000134352XYZ', // N13 + X..17 (the toolkit writes the N13 bits twice)
    '(253)9506000134352', // N13 + an empty X..17
    '(8003)09506000134352ABC', // N14 + X..16
    '(255)95060001343520123', // N13 + N..12 with a leading zero
    '(8010)9506000ABC-1(8011)123', // optimisation 9A, Y..30 + N..12
    '(414)9506000134369(254)ROOM-12',
    '(8004)9506000134352ASSET1',
  ];
  for (const es of cases) {
    const dl = buildDigitalLink(parseBracketed(es), 'https://example.com/stem');
    for (const opts of [{}, { optimise: false }, { uncompressedPrimary: true }]) {
      const c = compressDigitalLink(dl, opts);
      if ('uncompressedPrimary' in opts && parseDigitalLinkUri(dl).ais.length === 1) {
        assert.equal(c, dl); // nothing left to compress
        continue;
      }
      assert.ok(isCompressedDigitalLink(c), `${es} ${JSON.stringify(opts)}: ${c} not recognised`);
      assert.ok(c.startsWith('https://example.com/stem/'), c);
      assert.equal(decompressDigitalLink(c), dl, `${es} ${JSON.stringify(opts)} via ${c}`);
      assert.deepEqual(parseDigitalLinkUri(c).ais, parseDigitalLinkUri(dl).ais, es);
    }
  }
});

test('keeps the stem, non-GS1 parameters and fragment; compresses the parameters on request', () => {
  const uri = 'https://example.com/a/b/01/09506000134352/21/12345?17=261231&linkType=gs1:pip&lang=zh#top';
  const c = compressDigitalLink(uri);
  assert.equal(c, 'https://example.com/a/b/DBFKk4XBoAowORc_xv?linkType=gs1:pip&lang=zh#top');
  assert.equal(decompressDigitalLink(c), uri);
  const packed = compressDigitalLink(uri, { compressOtherKeys: true });
  assert.equal(packed, 'https://example.com/a/b/DBFKk4XBoAowORc_xv8RLFPInlS9A-fmxdcNPDwkrU8DBZwg#top');
  assert.equal(decompressDigitalLink(packed), uri);
  // Keys that are not base64url and values that are not 7-bit ASCII stay in the query.
  const mixed = compressDigitalLink(DL + '&a.b=1&name=%E6%BA%AF&lang=zh', { compressOtherKeys: true });
  assert.match(mixed, /^https:\/\/id\.gs1\.org\/[A-Za-z0-9_-]+\?a\.b=1&name=%E6%BA%AF$/);
  assert.equal(decompressDigitalLink(mixed), DL + '&a.b=1&name=%E6%BA%AF&lang=zh');
  assert.equal(compressDigitalLink(uri, { stem: 'https://s.example/' }), 'https://s.example/DBFKk4XBoAowORc_xv?linkType=gs1:pip&lang=zh#top');
  assert.equal(decompressDigitalLink(c, { stem: 'https://id.gs1.org' }), 'https://id.gs1.org/01/09506000134352/21/12345?17=261231&linkType=gs1:pip&lang=zh#top');
  // Re-compressing a compressed URI gives the same URI.
  assert.equal(compressDigitalLink(c), c);
});

test('partially compressed: the primary key stays in the path', () => {
  const c = compressDigitalLink(DL, { uncompressedPrimary: true });
  assert.match(c, /^https:\/\/id\.gs1\.org\/01\/09506000134352\/[A-Za-z0-9_-]+$/);
  assert.equal(decompressDigitalLink(c), DL);
  assert.equal(compressDigitalLink('https://id.gs1.org/01/09506000134352', { uncompressedPrimary: true }), 'https://id.gs1.org/01/09506000134352');
  // A query AI given beside the stream is merged, but not twice.
  const withExp = compressDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC123', { uncompressedPrimary: true }) + '?17=261231';
  assert.equal(decompressDigitalLink(withExp), 'https://id.gs1.org/01/09506000134352/10/ABC123?17=261231');
  throwsFault(() => decompressDigitalLink(`https://id.gs1.org/01/09506000134352/${seg(GTIN_BITS)}`), 'bad_compressed_link', 'duplicate_ai');
});

test('isCompressedDigitalLink: a base64url last segment that is not an AI value', () => {
  for (const yes of [
    'https://id.gs1.org/GhFKk4XBoI1XgkZ_jeCjA5',
    'HTTPS://example.com/a/b/GhFKk4XBoI1XgkZ_jeCjA5?x=1#f',
    'https://dlnkd.tn.gg/ARHKVAdpQg',
    'https://id.gs1.org/01/09506000134352/' + seg('0001 0000 011 00010 ' + int(0, 6) + int(1, 6)),
  ])
    assert.ok(isCompressedDigitalLink(yes), yes);
  for (const no of [
    'https://id.gs1.org/01/09506000134352',
    'https://id.gs1.org/01/09506000134352/10/ABC123',
    'https://example.com/products/01/09506000134352',
    'https://example.com/01/GhFKk4XBoI1XgkZ_jeCjA5', // an AI then a (bad) value: uncompressed
    'https://example.com/about', // header 69: no such AI prefix
    'https://example.com/',
    'https://example.com',
    'https://example.com/a.html',
    'http://a/b',
    'urn:epc:id:sgtin:9506000.013435.1',
    '(01)09506000134352',
  ])
    assert.ok(!isCompressedDigitalLink(no), no);
});

test('malformed streams throw bad_compressed_link naming the fault', () => {
  const at = (bits: string) => `https://id.gs1.org/${seg(bits)}`;
  throwsFault(() => decompressDigitalLink('https://id.gs1.org/01/09506000134352'), 'bad_compressed_link', 'not_compressed', /not a compressed/);
  throwsFault(() => decompressDigitalLink('https://id.gs1.org/GhFKk4XBoI1Xgk'), 'bad_compressed_link', 'truncated', /stream ends inside the value of \(10\)/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 0100 0100 ' + '0'.repeat(20))), 'bad_compressed_link', 'unknown_ai', /starts with 44/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 1101 1101 ' + '0'.repeat(20))), 'bad_compressed_link', 'bad_header', /header DD/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 0001 0000 111 00001 0000000')), 'bad_compressed_link', 'bad_encoding', /encoding indicator 7 for \(10\)/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 0001 0000 011 11111 ' + '0'.repeat(186))), 'bad_compressed_link', 'bad_length', /\(10\) claims 31 characters/);
  throwsFault(() => decompressDigitalLink(at('0000 0001 ' + '1'.repeat(47))), 'bad_compressed_link', 'bad_number', /\(01\) holds 140737488355327 in a 14-digit field/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' ' + GTIN_BITS)), 'bad_compressed_link', 'duplicate_ai', /\(01\) appears twice/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 11111')), 'bad_compressed_link', 'trailing_bits', /not zero padding/);
  throwsFault(() => decompressDigitalLink(at(GTIN_BITS + ' 1111 0000 000 ' + '0'.repeat(10))), 'bad_compressed_link', 'bad_key');
  // Well-formed streams whose data is wrong fail as the uncompressed URI would.
  throwsFault(() => decompressDigitalLink(at('0000 0001 ' + int(9506000134353n, 47))), 'bad_check_digit');
  throwsFault(() => decompressDigitalLink(at('1001 0000 011 00001 ' + int(0, 6))), 'no_primary_key'); // (90)A alone
  // The toolkit's defective GDTI stream (its N13 bits written twice) is rejected, as the toolkit itself rejects it.
  throwsFault(() => decompressDigitalLink('https://example.com/JTilScLg0IpUnC4NBjXYZ'), 'bad_compressed_link', 'truncated');
});

test('every caller accepts compressed URIs: parseDigitalLinkUri, parseAnyCode, normalizeEpcisId', () => {
  const c = 'https://example.com/some/stem/GhFKk4XBoI1XgkZ_jeCjA5';
  const parsed = parseDigitalLinkUri(c);
  assert.equal(parsed.host, 'https://example.com');
  assert.equal(parsed.stem, '/some/stem');
  assert.deepEqual(parsed.ais.map((a) => a.ai), ['01', '10', '21', '17']);
  const any = parseAnyCode(c);
  assert.equal(any.scheme, 'gs1-digital-link');
  assert.equal(any.canonical, 'https://id.gs1.org/01/09506000134352/10/ABC123/21/12345');
  assert.equal(normalizeEpcisId(c, 'epc'), 'https://id.gs1.org/01/09506000134352/10/ABC123/21/12345');
  assert.equal(normalizeEpcisId('https://example.com/nWdE44z7XaKVJwuDh', 'location'), 'https://id.gs1.org/414/9506000134369/254/ROOM-12');
  throwsFault(() => parseAnyCode('https://id.gs1.org/GhFKk4XBoI1Xgk'), 'bad_compressed_link', 'truncated');
  // An ordinary web URI whose last segment merely looks compressed ("Dock": header 0E) stays an ordinary URI.
  assert.ok(isCompressedDigitalLink('https://example.com/Dock'));
  assert.equal(normalizeEpcisId('https://example.com/Dock', 'location'), 'https://example.com/Dock');
});
