import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EpcisDocumentSplitter } from './epcis-document-splitter.ts';
import { DomainError } from '../domain/errors.ts';

const doc = {
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://ex.com/"q"/' }],
  type: 'EPCISDocument',
  schemaVersion: 2.0,
  creationDate: '2026-11-01T00:00:00Z',
  epcisHeader: { nested: [1, { a: 'b}]' }], flag: true, nothing: null },
  epcisBody: {
    note: 'before the events',
    eventList: [
      { type: 'ObjectEvent', text: 'braces } ] { [ and "quotes" and \\ backslash', n: -1.5e3, list: [[], {}], emoji: '溯源 🐖' },
      { type: 'AggregationEvent', deep: { a: { b: { c: [1, 2, 3] } } } },
    ],
    after: 42,
  },
  trailing: false,
};

/** Splits `text` fed in chunks of `size` bytes. */
function split(text: string, size: number) {
  const s = new EpcisDocumentSplitter();
  const bytes = Buffer.from(text, 'utf8');
  const events: string[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...s.push(bytes.subarray(i, i + size)));
  s.end();
  return { events: events.map((e) => JSON.parse(e)), envelope: s.envelope };
}

test('events come out as their own JSON text and the rest as the envelope, for every chunk size', () => {
  const { epcisBody, ...rest } = doc;
  const { eventList, ...bodyRest } = epcisBody;
  for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      const out = split(text, size);
      assert.deepEqual(out.events, eventList, `chunk ${size}`);
      assert.deepEqual(out.envelope, { ...rest, epcisBody: bodyRest }, `chunk ${size}`);
    }
  }
});

test('malformed documents are refused with malformed_json', () => {
  for (const bad of ['', '[1,2]', '{"epcisBody": {"eventList": [1]}}', '{"type": "EPCISDocument"', '{"a": tru', '{"epcisBody": {"eventList": [{"x": 1}]}']) {
    assert.throws(() => split(bad, 4), (e: unknown) => e instanceof DomainError && e.code === 'malformed_json', bad);
  }
});
