import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { documentContext, eventHashId } from '../../src/domain/epcis/event-hash.ts';
import { testDialects } from '../support/stores.ts';
import { createTestApp, epcisDoc, objectEvent, type TestApp } from '../support/test-app.ts';

const BAD_GTIN_DL = 'https://id.gs1.org/01/06970123100013/21/X1'; // check digit should be 4

for (const dialect of testDialects()) {
  describe(`EPCIS capture behaviour on ${dialect}`, () => {
    let t: TestApp;
    let firm: Awaited<ReturnType<TestApp['party']>>;
    before(async () => {
      t = await createTestApp(dialect, { captureEventLimit: 50, captureFileSizeLimit: 8 * 1024 * 1024 });
      firm = await t.party();
    });
    after(async () => t?.close());

    const count = () => t.deps.events.countEvents();
    const capture = (doc: unknown, key = firm.key, headers: Record<string, string> = {}) =>
      t.inject({ method: 'POST', url: '/epcis/capture', key, payload: doc, headers });

    test('one bad event rejects the whole document, naming its index and field; nothing is stored', async () => {
      const before = await count();
      const doc = epcisDoc([
        objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.A1'] }),
        objectEvent({ epcList: [BAD_GTIN_DL] }),
        objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.A3'] }),
      ]);
      const res = await capture(doc);
      assert.equal(res.statusCode, 400);
      const problem = res.json();
      assert.equal(problem.type, 'epcisException:ValidationException');
      assert.equal(problem.errors.length, 1);
      assert.equal(problem.errors[0].eventIndex, 1);
      assert.equal(problem.errors[0].field, 'epcisBody.eventList[1].epcList[0]');
      assert.equal(problem.errors[0].code, 'bad_check_digit');
      assert.match(problem.errors[0].message, /check digit should be 4, found 3/);
      assert.equal(res.headers.location, `/epcis/capture/${problem.captureID}`);
      assert.equal(await count(), before);
    });

    test('a re-sent document is recognised by event hash: not stored twice, and the reply says so', async () => {
      const doc = epcisDoc([objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.R1'] }), objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.R2'] })]);
      const first = await capture(doc);
      assert.equal(first.statusCode, 202, first.body);
      assert.equal(first.json().storedCount, 2);
      const afterFirst = await count();
      // The same events written another way (Digital Link instead of EPC URN, CBV URI instead of bare name) hash the same.
      const again = epcisDoc([
        objectEvent({ epcList: ['https://id.gs1.org/01/06970123100014/21/R1'], bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' }),
        objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.R2'] }),
      ]);
      const second = await capture(again);
      assert.equal(second.statusCode, 202, second.body);
      const reply = second.json();
      assert.equal(reply.storedCount, 0);
      const ctx = documentContext(doc['@context']);
      assert.deepEqual(reply.duplicates, doc.epcisBody.eventList.map((e, i) => ({ eventIndex: i, eventID: eventHashId(e as Record<string, unknown>, ctx) })));
      assert.equal(await count(), afterFirst);
    });

    test('an event without eventID gets its CBV 2.0 hash ID as eventID', async () => {
      const event = objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.H1'] });
      const res = await t.inject({ method: 'POST', url: '/epcis/events', key: firm.key, payload: { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], ...event } });
      assert.equal(res.statusCode, 201, res.body);
      const expected = eventHashId(event, documentContext([]));
      assert.equal(res.json().eventID, expected);
      assert.match(expected, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      const resend = await t.inject({ method: 'POST', url: '/epcis/events', key: firm.key, payload: { '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], ...event } });
      assert.equal(resend.statusCode, 201);
      assert.equal(resend.json().duplicate, true);
    });

    test('an event re-sent with errorDeclaration is a correction by its capturer, refused from anyone else', async () => {
      const event = objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.C1'] });
      assert.equal((await capture(epcisDoc([event]))).statusCode, 202);
      const eventID = eventHashId(event, documentContext([]));
      const declaration = { declarationTime: '2026-11-02T09:00:00+08:00', reason: 'incorrect_data' };
      const before = await count();
      const intruder = await t.party();
      const refused = await capture(epcisDoc([{ ...event, errorDeclaration: declaration }]), intruder.key);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().errors[0].code, 'not_event_owner');
      assert.equal(refused.json().errors[0].field, 'epcisBody.eventList[0].errorDeclaration');
      const res = await capture(epcisDoc([{ ...event, errorDeclaration: declaration }]));
      assert.equal(res.statusCode, 202, res.body);
      assert.deepEqual(res.json().corrections, [{ eventIndex: 0, eventID }]);
      assert.deepEqual(res.json().duplicates, []);
      assert.equal(await count(), before, 'a correction stores no new event');
      const served = await t.inject({ method: 'GET', url: `/epcis/events/${encodeURIComponent(eventID)}`, key: firm.key });
      assert.deepEqual(served.json().errorDeclaration, declaration);
      const declared = await t.inject({ method: 'GET', url: '/epcis/events?EXISTS_errorDeclaration=&perPage=1000', key: firm.key });
      const ids = declared.json().epcisBody.queryResults.resultsBody.eventList.map((e: { eventID: string }) => e.eventID);
      assert.deepEqual(ids, [eventID]);
      const since = await t.inject({ method: 'GET', url: `/epcis/events?GE_errorDeclarationTime=${encodeURIComponent('2026-11-02T01:00:00Z')}`, key: firm.key });
      assert.equal(since.json().epcisBody.queryResults.resultsBody.eventList.length, 1);
      const later = await t.inject({ method: 'GET', url: `/epcis/events?GE_errorDeclarationTime=${encodeURIComponent('2026-11-02T01:00:01Z')}`, key: firm.key });
      assert.equal(later.json().epcisBody.queryResults.resultsBody.eventList.length, 0);
      const again = await capture(epcisDoc([{ ...event, errorDeclaration: declaration }]));
      assert.deepEqual(again.json().duplicates, [{ eventIndex: 0, eventID }], 'a second identical declaration is a re-send');
    });

    test('GS1-Capture-Error-Behaviour: proceed stores the good events and reports the bad', async () => {
      const before = await count();
      const doc = epcisDoc([objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.P1'] }), objectEvent({ epcList: [BAD_GTIN_DL] })]);
      const res = await capture(doc, firm.key, { 'GS1-Capture-Error-Behaviour': 'proceed' });
      assert.equal(res.statusCode, 202, res.body);
      const reply = res.json();
      assert.equal(reply.success, false);
      assert.equal(reply.storedCount, 1);
      assert.equal(reply.errors[0].field, 'epcisBody.eventList[1].epcList[0]');
      assert.equal(await count(), before + 1);
      const job = await t.inject({ method: 'GET', url: `/epcis/capture/${reply.captureID}`, key: firm.key });
      assert.equal(job.json().captureErrorBehaviour, 'proceed');
      assert.equal(job.json().storedCount, 1);
    });

    test('capture limits are advertised and enforced (413 CaptureLimitExceededException)', async () => {
      const options = await t.inject({ method: 'OPTIONS', url: '/epcis/capture' });
      assert.equal(options.statusCode, 204);
      assert.equal(options.headers['gs1-epcis-capture-limit'], '50');
      assert.equal(options.headers['gs1-epcis-capture-file-size-limit'], String(8 * 1024 * 1024));
      const events = Array.from({ length: 51 }, (_, i) => objectEvent({ epcList: [`urn:epc:id:sgtin:6970123.010001.L${i}`] }));
      const before = await count();
      const res = await capture(epcisDoc(events));
      assert.equal(res.statusCode, 413, res.body);
      assert.equal(res.json().type, 'epcisException:CaptureLimitExceededException');
      assert.equal(res.headers['gs1-epcis-capture-limit'], '50');
      assert.equal(await count(), before);
      const big = { ...epcisDoc([objectEvent()]), padding: 'x'.repeat(8 * 1024 * 1024) };
      const tooBig = await capture(big);
      assert.equal(tooBig.statusCode, 413);
      assert.equal(tooBig.json().type, 'epcisException:CaptureLimitExceededException');
    });

    test('a document over the whole-parse size is streamed and stored the same', async () => {
      // ~5 MB: past the 4 MB whole-parse threshold, so the streaming reader handles it.
      const events = Array.from({ length: 40 }, (_, i) =>
        objectEvent({
          eventTime: `2026-11-02T0${i % 10}:00:00+08:00`,
          epcList: Array.from({ length: 3000 }, (_, j) => `urn:epc:id:sgtin:6970123.010001.S${i}x${j}`),
          'example:note': { 'example:text': '流式解析 streaming' },
        }),
      );
      const doc = epcisDoc(events, ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { example: 'https://example.com/ns/' }]);
      const body = JSON.stringify(doc);
      assert.ok(body.length > 4 * 1024 * 1024, `document is ${body.length} bytes`);
      const before = await count();
      const res = await capture(body);
      assert.equal(res.statusCode, 202, res.body.slice(0, 500));
      assert.equal(res.json().storedCount, 40);
      assert.equal(await count(), before + 40);
      const ctx = documentContext(doc['@context']);
      const id = eventHashId(events[7], ctx);
      const q = await t.inject({ method: 'GET', url: `/epcis/events/${encodeURIComponent(id)}`, key: firm.key });
      assert.equal(q.statusCode, 200);
      assert.equal(q.json().epcList.length, 3000);
      assert.deepEqual(q.json()['example:note'], { 'example:text': '流式解析 streaming' });
      assert.deepEqual(q.json()['@context'], [{ example: 'https://example.com/ns/' }]);
    });

    test('malformed JSON and wrong content type are refused with the fault named', async () => {
      const res = await capture('{"type": "EPCISDocument", ');
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'malformed_json');
      assert.equal(res.json().type, 'epcisException:ValidationException');
      const text = await t.inject({ method: 'POST', url: '/epcis/capture', key: firm.key, payload: 'hello', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.statusCode, 415);
      assert.equal(text.json().status, 415);
    });

    test('no key → 401 SecurityException; a query-only key cannot capture → 403', async () => {
      const anonymous = await t.inject({ method: 'POST', url: '/epcis/capture', payload: epcisDoc([objectEvent()]) });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().type, 'epcisException:SecurityException');
      assert.match(anonymous.headers['www-authenticate'] as string, /^Bearer/);
      const bogus = await capture(epcisDoc([objectEvent()]), 'sy_key_not-a-real-key');
      assert.equal(bogus.statusCode, 401);
      const reader = await t.party({}, ['query']);
      const forbidden = await capture(epcisDoc([objectEvent()]), reader.key);
      assert.equal(forbidden.statusCode, 403);
      assert.equal(forbidden.json().code, 'missing_scope');
    });

    test('capture jobs are private to the party that made them', async () => {
      const res = await capture(epcisDoc([objectEvent({ epcList: ['urn:epc:id:sgtin:6970123.010001.J1'] })]));
      const id = res.json().captureID;
      const own = await t.inject({ method: 'GET', url: `/epcis/capture/${id}`, key: firm.key });
      assert.equal(own.statusCode, 200);
      assert.equal(own.json().success, true);
      assert.equal(own.json().storedCount, 1);
      const other = await t.party();
      const foreign = await t.inject({ method: 'GET', url: `/epcis/capture/${id}`, key: other.key });
      assert.equal(foreign.statusCode, 404);
      const list = await t.inject({ method: 'GET', url: '/epcis/capture?perPage=2', key: firm.key });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().length, 2);
      assert.match(list.headers.link as string, /nextPageToken=.*rel="next"/);
    });

    test('every capture is audited with the capturing party and its address', async () => {
      const audit = await t.inject({ method: 'GET', url: `/api/v1/admin/audit?actorId=${firm.id}&action=epcis.capture`, key: 'test-admin-key-0123456789' });
      assert.equal(audit.statusCode, 200);
      const entries = audit.json();
      assert.ok(entries.length >= 5);
      assert.ok(entries.every((e: { actorId: string; ip: string | null }) => e.actorId === firm.id && e.ip));
      assert.ok(entries.some((e: { outcome: string }) => e.outcome === 'failed'));
    });
  });
}
