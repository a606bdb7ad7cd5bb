import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentContext, eventHashId, eventPreHash, normaliseId } from './event-hash.ts';

const ctx = documentContext(['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://ns.example.com/epcis/' }]);
const base = { type: 'ObjectEvent', eventTime: '2020-03-04T11:00:30+01:00', eventTimeZoneOffset: '+01:00', action: 'OBSERVE' };
const head = 'eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00';

test('timestamps: UTC, millisecond precision, microseconds rounded half-even', () => {
  const pre = (eventTime: string) => eventPreHash({ ...base, eventTime }, ctx);
  assert.equal(pre('2020-03-04T10:00:30Z'), pre('2020-03-04T11:00:30.000000+01:00'));
  assert.match(pre('2020-03-04T10:00:30.0015Z'), /eventTime=2020-03-04T10:00:30\.002Z/);
  assert.match(pre('2020-03-04T10:00:30.0005Z'), /eventTime=2020-03-04T10:00:30\.000Z/);
  assert.match(pre('2020-03-04T23:59:59.9996-02:00'), /eventTime=2020-03-05T02:00:00\.000Z/);
  assert.match(pre('not a time'), /eventTime=not a time/);
});

test('numbers lose trailing zeros and a leading plus; tiny values keep exponent form', () => {
  const pre = (value: unknown) => eventPreHash({ ...base, 'ex:v': value }, ctx);
  assert.equal(pre('1.50'), pre(1.5));
  assert.equal(pre('+7.0'), pre(7));
  assert.match(pre(0.00005), /v=5e-05$/);
  assert.match(pre('0.0001'), /v=0\.0001$/);
});

test('empty lists are ignored and EPC lists are sorted after normalisation', () => {
  const a = eventPreHash({ ...base, epcList: [], quantityList: [] }, ctx);
  assert.equal(a, eventPreHash(base, ctx));
  const b = eventPreHash({ ...base, epcList: ['urn:epc:id:sgtin:4012345.011111.2', 'https://example.com/01/04012345111118/21/1?x=1'] }, ctx);
  assert.equal(b, `${head}epcListepc=https://id.gs1.org/01/04012345111118/21/1epc=https://id.gs1.org/01/04012345111118/21/2action=OBSERVE`);
});

test('Digital Link constraint: canonical domain, numeric AIs, no query, finest level', () => {
  assert.equal(normaliseId('https://brand.example/gtin/4012345111118/lot/L1/ser/9?17=251231'), 'https://id.gs1.org/01/04012345111118/21/9');
  assert.equal(normaliseId('https://id.gs1.org/01/4012345111118'), 'https://id.gs1.org/01/04012345111118');
  assert.equal(normaliseId('urn:epc:id:sgln:4012345.00011.0'), 'https://id.gs1.org/414/4012345000115');
  assert.equal(normaliseId('urn:epc:class:lgtin:4012345.011111.A(1)'), 'https://id.gs1.org/01/04012345111118/10/A%281%29');
  assert.equal(normaliseId('urn:epc:idpat:sgtin:4012345.011111.*'), 'https://id.gs1.org/01/04012345111118');
  assert.equal(normaliseId('https://ref.gs1.org/cbv/BizStep-shipping'), null);
  assert.equal(normaliseId('urn:epc:id:sgtin:4012345.01111.1'), null); // 12-digit GCP+item: not an SGTIN
});

test('vocabulary: bare terms, CURIEs and CBV URNs all reach the web URI', () => {
  const a = eventPreHash({ ...base, bizStep: 'shipping', disposition: 'in_transit' }, ctx);
  const b = eventPreHash({ ...base, bizStep: 'cbv:BizStep-shipping', disposition: 'urn:epcglobal:cbv:disp:in_transit' }, ctx);
  assert.equal(a, b);
  assert.match(a, /bizStep=https:\/\/ref\.gs1\.org\/cbv\/BizStep-shippingdisposition=https:\/\/ref\.gs1\.org\/cbv\/Disp-in_transit/);
  // an unknown bare term and a user CURIE in a value stay as written
  assert.match(eventPreHash({ ...base, bizStep: 'exampling', 'ex:k': 'ex:v' }, ctx), /bizStep=exampling.*\}k=ex:v$/);
});

test('typed lists render type first and sort; ignored fields do not count', () => {
  const ev = {
    ...base,
    bizTransactionList: [{ bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:2', type: 'po' }, { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:1' }],
  };
  assert.match(eventPreHash(ev, ctx), /bizTransactionListtype=https:\/\/ref\.gs1\.org\/cbv\/BTT-invbizTransaction=urn:epcglobal:cbv:bt:4012345000009:1type=https:\/\/ref\.gs1\.org\/cbv\/BTT-po/);
  const noisy = { ...ev, eventID: 'ni:///x', recordTime: '2024-01-01T00:00:00Z', errorDeclaration: { declarationTime: '2024-01-01T00:00:00Z' }, comment: 'hi' };
  assert.equal(eventHashId(noisy, ctx), eventHashId(ev, ctx));
});

test('extensions: inside readPoint after its id; at event level sorted at the end; unknown nested fields trail', () => {
  const pre = eventPreHash({ ...base, readPoint: { id: 'urn:epc:id:sgln:4012345.00011.0', 'ex:b': 'B' }, 'ex:z': '1', 'ex:a': { 'ex:y': '2', 'ex:x': '3' } }, ctx);
  assert.equal(
    pre,
    `${head}action=OBSERVEreadPointid=https://id.gs1.org/414/4012345000115{https://ns.example.com/epcis/}b=B` +
      '{https://ns.example.com/epcis/}a{https://ns.example.com/epcis/}x=3{https://ns.example.com/epcis/}y=2{https://ns.example.com/epcis/}z=1',
  );
  const odd = eventPreHash({ ...base, sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 1, bizRules: 'r' }] }] }, ctx);
  assert.match(odd, /sensorReporttype=https:\/\/gs1\.org\/voc\/Temperaturevalue=1sensorElementListsensorElementsensorReportbizRules=r$/);
});

test('ignoreFields leaves the named event-level fields out', () => {
  const withIgnore = documentContext([{ ex: 'https://ns.example.com/epcis/' }], { ignoreFields: ['ex:captureID'] });
  assert.equal(eventHashId({ ...base, 'ex:captureID': 'c1' }, withIgnore), eventHashId(base, withIgnore));
  assert.notEqual(eventHashId({ ...base, 'ex:captureID': 'c1' }, ctx), eventHashId(base, ctx));
});

test('the hash ID is ni:///sha-256 with lowercase hex and the CBV version', () => {
  assert.match(eventHashId(base, ctx), /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
});
