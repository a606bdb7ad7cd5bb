import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.ts';
import {
  validateUscc, validateDrugCode, validateRegion, validateHsCode, validateSpecialEquipmentCode, validateIndustrialId,
  makeLocalCode, validateLocalCode, HUIZHOU_REGIONS, PROVINCES, validateGln, validateGtin, partyUri, siteUri,
  epcUrnToDigitalLink, digitalLinkToEpcUrn, normalizeEpcisId, parseAnyCode, parseElementString, parseDigitalLink, toDigitalLink,
} from './index.ts';
import { parseCommonGtinLink, parseDigitalLinkCode } from './normalize.ts';
import { gs1DateToIso } from './gs1-dates.ts';
import { gs1CheckDigit } from './gs1-linters.ts';
import { Rng } from '../random.ts';

function throwsCode(fn: () => unknown, code: string, details?: Record<string, unknown>) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.kind, 'invalid');
    assert.equal(e.code, code, e.message);
    if (details) for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
    return true;
  });
}

test('USCC 统一社会信用代码: check character, charset, normalisation', () => {
  assert.equal(validateUscc(' 91350100m000100y43 '), '91350100M000100Y43');
  throwsCode(() => validateUscc('91350100M000100Y44'), 'bad_check_character', { position: 17 });
  assert.match(String((() => { try { validateUscc('91350100M000100Y44'); } catch (e) { return (e as Error).message; } })()), /should be 3, found 4/);
  throwsCode(() => validateUscc('91350100M000100I43'), 'bad_character', { position: 15 });
  throwsCode(() => validateUscc('9135010'), 'bad_length');
  throwsCode(() => validateUscc('91A50100M000100Y43'), 'bad_character', { position: 2 });
});

test('drug traceability code: 20 digits, form only', () => {
  assert.equal(validateDrugCode('81234560012345678901'), '81234560012345678901');
  throwsCode(() => validateDrugCode('8123456001234567890'), 'bad_length');
  throwsCode(() => validateDrugCode('8123456001234567890X'), 'bad_character', { position: 19 });
});

test('GB/T 2260 regions: 惠州 table and general validation', () => {
  assert.equal(HUIZHOU_REGIONS.length, 6);
  assert.equal(Object.keys(PROVINCES).length, 34);
  assert.deepEqual(validateRegion('441302'), { code: '441302', nameZh: '惠城区', nameEn: 'Huicheng District', level: 'county' });
  assert.equal(validateRegion('441300').level, 'prefecture');
  assert.equal(validateRegion('440000').nameZh, '广东省');
  assert.equal(validateRegion('441900').nameZh, '广东省（441900）');
  throwsCode(() => validateRegion('991302'), 'unknown_province');
  throwsCode(() => validateRegion('44130'), 'bad_region_code');
});

test('HS, special equipment, industrial-internet ids', () => {
  assert.equal(validateHsCode('0203.11'), '020311');
  throwsCode(() => validateHsCode('9900000'), 'bad_hs_code');
  assert.equal(validateSpecialEquipmentCode('311044130020230001').category, '电梯');
  throwsCode(() => validateSpecialEquipmentCode('31104413002023000'), 'bad_length');
  throwsCode(() => validateSpecialEquipmentCode('A11044130020230001'), 'bad_equipment_code');
  assert.equal(validateIndustrialId('88.118.8/PROD-001').suffix, 'PROD-001');
  throwsCode(() => validateIndustrialId('86.118.8/x'), 'bad_iid');
});

test('LOCAL codes round-trip and detect a changed character', () => {
  const urn = makeLocalCode({ issuerUscc: '91350100M000100Y43', category: 'meat', code: 'pork2024001' });
  assert.match(urn, /^urn:suyuan:local:91350100M000100Y43:meat:PORK2024001[0-9A-Z]$/);
  assert.equal(validateLocalCode(urn).code, 'PORK2024001');
  const tampered = urn.replace('PORK2024001', 'PORK2024002');
  throwsCode(() => validateLocalCode(tampered), 'bad_check_character');
});

test('GLN, GTIN, party and site URIs', () => {
  assert.equal(validateGtin('9506000134352'), '09506000134352');
  assert.equal(validateGtin('02345673'), '00000002345673');
  throwsCode(() => validateGtin('09506000134353'), 'bad_check_digit', { position: 13 });
  throwsCode(() => validateGln('950600013436'), 'bad_length');
  assert.equal(partyUri({ gln: '9506000134369', uscc: '91350100M000100Y43' }), 'https://id.gs1.org/417/9506000134369');
  assert.equal(partyUri({ uscc: '91350100m000100y43' }), 'urn:suyuan:party:91350100M000100Y43');
  assert.equal(siteUri({ partyUscc: '91350100M000100Y43', localId: 'farm-01' }), 'urn:suyuan:site:91350100M000100Y43:farm-01');
  assert.equal(siteUri({ gln: '9506000134369', partyUscc: '91350100M000100Y43' }), 'https://id.gs1.org/414/9506000134369');
  throwsCode(() => siteUri({ partyUscc: '91350100M000100Y43' }), 'missing_local_id');
});

test('EPC URN ⇄ Digital Link round trips', () => {
  const cases: Array<[string, string, number]> = [
    ['urn:epc:id:sgtin:0614141.812345.6789', 'https://id.gs1.org/01/80614141123458/21/6789', 7],
    ['urn:epc:id:sgtin:9506000.013435.A%2FB', 'https://id.gs1.org/01/09506000134352/21/A%2FB', 7],
    ['urn:epc:id:sscc:0614141.1234567890', 'https://id.gs1.org/00/106141412345678908', 7],
    ['urn:epc:id:sgln:0614141.12345.400', 'https://id.gs1.org/414/0614141123452/254/400', 7],
    ['urn:epc:id:sgln:0614141.12345.0', 'https://id.gs1.org/414/0614141123452', 7],
    ['urn:epc:id:pgln:0614141.12345', 'https://id.gs1.org/417/0614141123452', 7],
    ['urn:epc:id:grai:0614141.12345.400', 'https://id.gs1.org/8003/00614141123452400', 7],
    ['urn:epc:id:giai:0614141.12345400', 'https://id.gs1.org/8004/061414112345400', 7],
    ['urn:epc:class:lgtin:4012345.012345.998877', 'https://id.gs1.org/01/04012345123456/10/998877', 7],
    ['urn:epc:idpat:sgtin:4012345.012345.*', 'https://id.gs1.org/01/04012345123456', 7],
    ['urn:epc:id:sgtin:69012345.01234.SN1', 'https://id.gs1.org/01/06901234512342/21/SN1', 8],
  ];
  for (const [urn, dl, cpl] of cases) {
    assert.equal(epcUrnToDigitalLink(urn), dl, urn);
    assert.equal(digitalLinkToEpcUrn(dl, cpl), urn, dl);
  }
  assert.equal(digitalLinkToEpcUrn('https://example.com/01/09506000134352/21/1'), 'urn:epc:id:sgtin:9506000.013435.1');
  throwsCode(() => epcUrnToDigitalLink('urn:epc:id:sgtin:0614141.81234.6789'), 'bad_epc_urn');
  throwsCode(() => digitalLinkToEpcUrn('https://id.gs1.org/253/1231231231232'), 'no_epc_equivalent');
});

test('normalizeEpcisId: canonical forms, pass-through, faults', () => {
  const dl = 'https://id.gs1.org/01/80614141123458/21/6789';
  assert.equal(normalizeEpcisId('urn:epc:id:sgtin:0614141.812345.6789', 'epc'), dl);
  assert.equal(normalizeEpcisId('https://brand.example.com/x/01/80614141123458/21/6789?17=260101', 'epc'), dl);
  assert.equal(normalizeEpcisId('urn:epc:class:lgtin:4012345.012345.998877', 'epcClass'), 'https://id.gs1.org/01/04012345123456/10/998877');
  assert.equal(normalizeEpcisId('urn:epc:id:sgln:0614141.12345.0', 'location'), 'https://id.gs1.org/414/0614141123452');
  assert.equal(normalizeEpcisId('urn:epc:id:pgln:0614141.12345', 'party'), 'https://id.gs1.org/417/0614141123452');
  assert.equal(normalizeEpcisId('urn:epc:id:sgln:0614141.12345.0', 'party'), 'https://id.gs1.org/414/0614141123452');
  assert.equal(normalizeEpcisId('urn:suyuan:party:91350100m000100y43', 'party'), 'urn:suyuan:party:91350100M000100Y43');
  assert.equal(normalizeEpcisId('urn:suyuan:site:91350100M000100Y43:farm-01', 'location'), 'urn:suyuan:site:91350100M000100Y43:farm-01');
  assert.equal(normalizeEpcisId('urn:suyuan:drug:81234560012345678901', 'epc'), 'urn:suyuan:drug:81234560012345678901');
  for (const other of ['urn:epc:id:gdti:0614141.12345.400', 'http://example.com/products/1', 'urn:uuid:4f1c2a2e-9a7e-4c0e-9d1e-2f0b5d3c7a11'])
    assert.equal(normalizeEpcisId(other, 'epc'), other);
  throwsCode(() => normalizeEpcisId('urn:epc:id:sgtin:0614141.812345.6789'.replace('6789', ''), 'epc'), 'empty_value');
  throwsCode(() => normalizeEpcisId('https://id.gs1.org/01/80614141123459/21/6789', 'epc'), 'bad_check_digit');
  throwsCode(() => normalizeEpcisId('https://id.gs1.org/01/80614141123458', 'epc'), 'wrong_identifier_kind');
  throwsCode(() => normalizeEpcisId('urn:epc:id:sgtin:0614141.812345.6789', 'location'), 'wrong_identifier_kind');
  throwsCode(() => normalizeEpcisId('not a uri', 'epc'), 'not_a_uri');
});

test('normalizeEpcisId is fast enough for the capture path', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `urn:epc:id:sgtin:0614141.812345.${i}`);
  const t0 = performance.now();
  for (let r = 0; r < 50; r++) for (const id of ids) normalizeEpcisId(id, 'epc');
  const perSec = (ids.length * 50) / ((performance.now() - t0) / 1000);
  assert.ok(perSec > 100_000, `${Math.round(perSec)}/s`);
});

test('parseAnyCode recognises every presented form', () => {
  const gtinDl = 'https://id.gs1.org/01/09506000134352/10/ABC';
  assert.equal(parseAnyCode('(01)09506000134352(10)ABC').canonical, gtinDl);
  assert.equal(parseAnyCode('^0109506000134352^10ABC').canonical, gtinDl);
  assert.equal(parseAnyCode(']d20109506000134352\x1d10ABC\x1d17270101').canonical, gtinDl);
  assert.equal(parseAnyCode(']d20109506000134352\x1d10ABC\x1d17270101').display, '(01)09506000134352(10)ABC(17)270101');
  assert.equal(parseAnyCode('HTTPS://example.com/01/09506000134352/10/ABC?17=270101').canonical, gtinDl);
  assert.equal(parseAnyCode(']Q1https://example.com/01/09506000134352/10/ABC').scheme, 'gs1-digital-link');
  assert.equal(parseAnyCode('9506000134352').canonical, 'https://id.gs1.org/01/09506000134352');
  assert.equal(parseAnyCode('urn:epc:id:sgtin:9506000.013435.1').canonical, 'https://id.gs1.org/01/09506000134352/21/1');
  assert.equal(parseAnyCode('91350100M000100Y43').scheme, 'uscc');
  assert.equal(parseAnyCode('106141412345678908').scheme, 'sscc');
  assert.equal(parseAnyCode('81234560012345678901').canonical, 'urn:suyuan:drug:81234560012345678901');
  assert.equal(parseAnyCode('441323').display, '441323 惠东县 Huidong County');
  assert.equal(parseAnyCode('88.118.8/PROD-001').canonical, 'urn:suyuan:iid:88.118.8/PROD-001');
  assert.equal(parseAnyCode('HS:0203.11').canonical, 'urn:suyuan:hs:020311');
  assert.equal(parseAnyCode('0109506000134352').canonical, 'https://id.gs1.org/01/09506000134352');
  throwsCode(() => parseAnyCode('(01)09506000134353'), 'bad_check_digit', { position: 13 });
  throwsCode(() => parseAnyCode('hello world'), 'unrecognised_code');
});

test('element strings, Digital Link public API', () => {
  assert.deepEqual(parseElementString('(01)09506000134352(17)270101').ais, [{ ai: '01', value: '09506000134352' }, { ai: '17', value: '270101' }]);
  assert.deepEqual(parseElementString('010950600013435217270101').ais.length, 2);
  const p = parseDigitalLink('https://example.com/01/09506000134352/21/A%2FB?17=270101');
  assert.equal(p.host, 'https://example.com');
  assert.deepEqual(p.ais.map((a) => a.value), ['09506000134352', 'A/B', '270101']);
  assert.equal(toDigitalLink(p.ais), 'https://id.gs1.org/01/09506000134352/21/A%2FB?17=270101');
  throwsCode(() => parseElementString('(01)09506000134352(99)A(02)09506000134352'), 'exclusive_ais');
  throwsCode(() => parseElementString('(21)ABC'), 'missing_required_ai');
});

test('the common GTIN Digital Link fast path equals the general parser on every input it accepts, and declines the rest', () => {
  const rng = new Rng(20261129);
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!';
  const value = () => Array.from({ length: rng.int(0, 22) }, () => rng.pick([...chars])).join('');
  let accepted = 0;
  let declined = 0;
  for (let i = 0; i < 5_000; i++) {
    const body = digits(13);
    const check = rng.chance(0.8) ? String(gs1CheckDigit(body)) : String(rng.int(0, 9));
    const gtin = rng.chance(0.05) ? digits(rng.int(12, 15)) : body + check;
    let uri = `${rng.chance(0.9) ? 'https://id.gs1.org' : rng.pick(['http://id.gs1.org', 'https://example.com', 'https://id.gs1.org/x'])}/01/${gtin}`;
    if (rng.chance(0.5)) uri += `/10/${value()}`;
    if (rng.chance(0.6)) uri += `/21/${value()}`;
    if (rng.chance(0.05)) uri += rng.pick(['?17=261231', '/', '/22/A1', '?linkType=all']);
    const fast = parseCommonGtinLink(uri);
    let general: ReturnType<typeof parseDigitalLinkCode> | Error;
    try {
      general = parseDigitalLinkCode(uri);
    } catch (e) {
      general = e as Error;
    }
    if (fast) {
      accepted++;
      assert.deepEqual(fast, general, uri);
      assert.deepEqual(parseAnyCode(uri), general, uri);
    } else {
      declined++;
      // Declined inputs go the general way: parseAnyCode gives exactly what the general parser gives, fault included.
      if (general instanceof Error) assert.throws(() => parseAnyCode(uri), (e: unknown) => (e as DomainError).code === (general as DomainError).code);
    }
  }
  assert.ok(accepted > 1_000 && declined > 1_000, `accepted ${accepted}, declined ${declined}`);
});

test('GS1 YYMMDD dates: the century from the current year (GenSpecs 7.12), DD 00 as the end of the month', () => {
  const at = (y: number) => new Date(Date.UTC(y, 5, 15));
  assert.deepEqual(gs1DateToIso('270505', at(2026)), { date: '2027-05-05', endOfMonth: false });
  assert.deepEqual(gs1DateToIso('240200', at(2026)), { date: '2024-02-29', endOfMonth: true });
  assert.deepEqual(gs1DateToIso('250200', at(2026)), { date: '2025-02-28', endOfMonth: true });
  // 2026: YY 76 is 50 years ahead (this century), 77 is 51 ahead (the previous one).
  assert.equal(gs1DateToIso('761231', at(2026))?.date, '2076-12-31');
  assert.equal(gs1DateToIso('771231', at(2026))?.date, '1977-12-31');
  assert.equal(gs1DateToIso('991231', at(2026))?.date, '1999-12-31');
  // 2080: YY 30 is 50 years behind (the next century), 31 is 49 behind (this one).
  assert.equal(gs1DateToIso('300101', at(2080))?.date, '2130-01-01');
  assert.equal(gs1DateToIso('310101', at(2080))?.date, '2031-01-01');
  for (const bad of [undefined, '', '2705', '271305', '270230', '27050A']) assert.equal(gs1DateToIso(bad, at(2026)), null, String(bad));
});
