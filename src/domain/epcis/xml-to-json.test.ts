import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../errors.ts';
import { documentContext, eventHashId } from './event-hash.ts';
import { xmlToJsonEvents } from './xml-to-json.ts';

const xml = `<?xml version="1.0"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:ex="https://ns.example.com/epcis/" xmlns:gs1="https://gs1.org/voc/" schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z">
  <EPCISBody><EventList>
    <ObjectEvent>
      <eventTime>2024-01-01T01:00:00+01:00</eventTime>
      <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
      <baseExtension><eventID>urn:uuid:1</eventID></baseExtension>
      <epcList><epc>urn:epc:id:sgtin:4012345.011111.1</epc></epcList>
      <action>OBSERVE</action>
      <readPoint><id>urn:epc:id:sgln:4012345.00011.0</id><ex:dock>3</ex:dock></readPoint>
      <bizTransactionList><bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epcglobal:cbv:bt:4012345000009:1</bizTransaction></bizTransactionList>
      <extension><quantityList><quantityElement><epcClass>urn:epc:class:lgtin:4012345.011111.L1</epcClass><quantity>2.0</quantity><uom>KGM</uom></quantityElement></quantityList></extension>
      <sensorElementList><sensorElement><sensorMetadata time="2024-01-01T00:00:00Z"/><sensorReport type="gs1:Temperature" value="4" uom="CEL"/></sensorElement></sensorElementList>
      <ex:note lang="en">cold</ex:note>
    </ObjectEvent>
  </EventList></EPCISBody>
</epcis:EPCISDocument>`;

test('XML events take the JSON shape, extensions under Clark names', () => {
  const { events, context } = xmlToJsonEvents(xml);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0], {
    type: 'ObjectEvent',
    eventTime: '2024-01-01T01:00:00+01:00',
    eventTimeZoneOffset: '+01:00',
    eventID: 'urn:uuid:1',
    epcList: ['urn:epc:id:sgtin:4012345.011111.1'],
    action: 'OBSERVE',
    readPoint: { id: 'urn:epc:id:sgln:4012345.00011.0', '{https://ns.example.com/epcis/}dock': '3' },
    bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:1' }],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.011111.L1', quantity: '2.0', uom: 'KGM' }],
    sensorElementList: [{ sensorMetadata: { time: '2024-01-01T00:00:00Z' }, sensorReport: [{ type: 'gs1:Temperature', value: '4', uom: 'CEL' }] }],
    '{https://ns.example.com/epcis/}note': { lang: 'en', '#text': 'cold' },
  });
  assert.equal(context.prefixes.ex, 'https://ns.example.com/epcis/');
});

test('the same event in XML and JSON-LD hashes equally', () => {
  const { events, context } = xmlToJsonEvents(xml);
  const json = {
    type: 'ObjectEvent', eventTime: '2024-01-01T00:00:00.000Z', eventTimeZoneOffset: '+01:00',
    epcList: ['https://id.gs1.org/01/04012345111118/21/1'], action: 'OBSERVE',
    readPoint: { id: 'https://id.gs1.org/414/4012345000115', 'ex:dock': 3 },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:4012345000009:1' }],
    quantityList: [{ epcClass: 'https://id.gs1.org/01/04012345111118/10/L1', quantity: 2, uom: 'KGM' }],
    sensorElementList: [{ sensorMetadata: { time: '2024-01-01T00:00:00Z' }, sensorReport: [{ type: 'Temperature', value: 4, uom: 'CEL' }] }],
    'ex:note': { 'ex:lang': 'en', '#text': 'cold' },
  };
  const jsonCtx = documentContext([{ ex: 'https://ns.example.com/epcis/' }]);
  // the XML attribute `lang` is unqualified, the JSON one is not: everything else must agree
  const { '{https://ns.example.com/epcis/}note': _x, ...xmlRest } = events[0]!;
  const { 'ex:note': _j, ...jsonRest } = json;
  assert.equal(eventHashId(xmlRest, context), eventHashId(jsonRest, jsonCtx));
});

test('malformed XML and documents without an EventList are rejected', () => {
  assert.throws(() => xmlToJsonEvents('<a><b></a>'), (e: unknown) => e instanceof DomainError && e.code === 'epcis_xml_malformed');
  assert.throws(() => xmlToJsonEvents('<EPCISDocument/>'), (e: unknown) => e instanceof DomainError && e.code === 'epcis_xml_malformed');
});
