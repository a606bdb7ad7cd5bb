import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { documentContext, eventHashId } from '../../src/domain/epcis/event-hash.ts';
import { validateEpcisDocument } from '../../src/domain/epcis/schema.ts';
import { conformanceFiles, readConformanceJson } from '../support/conformance.ts';
import { testDialects } from '../support/stores.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { readFileSync } from 'node:fs';
const decisions = JSON.parse(readFileSync(new URL('./epcis-decisions.json', import.meta.url), 'utf8'));

type Json = Record<string, unknown>;

const JSON_DOC = /\.(json|jsonld)$/;
const allJson = [
  ...conformanceFiles('epcis/openepcis-test-resources/2.0/EPCIS/JSON', JSON_DOC),
  ...conformanceFiles('epcis/gs1-EPCIS-master/examples', JSON_DOC),
  ...conformanceFiles('epcis/event-hash', JSON_DOC),
];
const isInvalid = (f: string) => f.includes('/Invalid/');
const typeOf = (f: string) => readConformanceJson(f).type as string | undefined;
const rejectedByDecision = decisions.rejected as Record<string, { field: string; code: string; reason: string }>;

/** Capture documents meant to be valid. */
const validDocuments = allJson.filter((f) => !isInvalid(f) && typeOf(f) === 'EPCISDocument');
/** Standalone events for POST /events. */
const singleEvents = allJson.filter((f) => !isInvalid(f) && /^(Object|Aggregation|Transaction|Transformation|Association)Event$/.test(typeOf(f) ?? ''));
/** Query result documents meant to be valid: their events are captured as a document, then read back. */
const queryDocuments = allJson.filter((f) => !isInvalid(f) && typeOf(f) === 'EPCISQueryDocument');
const invalidCaptureDocuments = allJson.filter((f) => isInvalid(f) && f.includes('/Capture/'));
const invalidQueryDocuments = allJson.filter((f) => isInvalid(f) && typeOf(f) === 'EPCISQueryDocument');

/** Every JSON file is in exactly one group, so none is silently left out. */
test('every EPCIS JSON conformance file is in a tested group', () => {
  const grouped = new Set([...validDocuments, ...singleEvents, ...queryDocuments, ...invalidCaptureDocuments, ...invalidQueryDocuments]);
  const rest = allJson.filter((f) => !grouped.has(f));
  // Query definitions (not documents) are checked against the query schema in epcis-query-schema.test.ts.
  assert.deepEqual(rest.filter((f) => !f.includes('/Query/Queries/')), []);
  for (const f of Object.keys(rejectedByDecision)) assert.ok(allJson.includes(f), `decision names a file that does not exist: ${f}`);
  console.log(
    `# EPCIS conformance: ${validDocuments.length} valid documents (${Object.keys(rejectedByDecision).length} rejected by decision), ` +
      `${singleEvents.length} single events, ${queryDocuments.length} query documents, ${invalidCaptureDocuments.length} invalid capture documents, ` +
      `${invalidQueryDocuments.length} invalid query documents`,
  );
});

test('invalid query documents fail the ratified schema', () => {
  for (const f of invalidQueryDocuments) assert.notDeepEqual(validateEpcisDocument(readConformanceJson(f)), [], f);
});

/** Runs the check on every file and fails once, listing every file that failed, so one run shows them all. */
async function allOf(files: string[], check: (f: string) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const f of files) {
    try {
      await check(f);
    } catch (err) {
      failures.push(`${f}: ${(err as Error).message.split('\n').slice(0, 6).join(' ')}`);
    }
  }
  assert.equal(failures.length, 0, `${failures.length} of ${files.length} failed:\n${failures.join('\n')}`);
}

/** What the server gives back must equal what was sent, but for what the server adds: recordTime, eventID when absent, the document's @context. */
function comparable(sent: Json, served: Json): [Json, Json] {
  const a = { ...sent };
  const b = { ...served };
  delete a.recordTime;
  delete b.recordTime;
  if (a.eventID === undefined) delete b.eventID;
  if (a['@context'] === undefined) delete b['@context'];
  return [a, b];
}

for (const dialect of testDialects()) {
  describe(`EPCIS capture conformance on ${dialect}`, () => {
    let t: TestApp;
    let key: string;
    before(async () => {
      t = await createTestApp(dialect);
      key = (await t.party()).key;
    });
    after(async () => t?.close());

    const clearEvents = async () => {
      await t.deps.store.db.deleteFrom('event_ref').execute();
      await t.deps.store.db.deleteFrom('event').execute();
    };
    const countEvents = () => t.deps.events.countEvents();

    const captureAndReadBack = async (name: string, doc: Json) => {
      await clearEvents();
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key, payload: doc, headers: { 'content-type': 'application/ld+json' } });
      const decision = rejectedByDecision[name];
      if (decision) {
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        const problem = res.json();
        assert.equal(problem.type, 'epcisException:ValidationException');
        assert.ok(problem.errors.some((e: Json) => e.field === decision.field && e.code === decision.code), `${name}: ${JSON.stringify(problem.errors)}`);
        assert.equal(await countEvents(), 0, 'a rejected document stores nothing');
        return;
      }
      assert.equal(res.statusCode, 202, `${name}: ${res.body}`);
      assert.match(res.headers.location as string, /^\/epcis\/capture\/cap_/);
      const reply = res.json();
      const events = ((doc.epcisBody as Json).eventList ?? (((doc.epcisBody as Json).queryResults as Json)?.resultsBody as Json)?.eventList) as Json[];
      assert.equal(reply.eventCount, events.length);
      const ctx = documentContext(doc['@context']);
      const duplicateIndexes = new Set(reply.duplicates.map((d: Json) => d.eventIndex));
      assert.equal(reply.storedCount + duplicateIndexes.size, events.length);
      for (const [i, sent] of events.entries()) {
        if (duplicateIndexes.has(i)) continue; // same hash as an earlier event in this document: stored once
        const eventId = (sent.eventID as string | undefined) ?? eventHashId(sent, ctx);
        const q = await t.inject({ method: 'GET', url: `/epcis/events?EQ_eventID=${encodeURIComponent(eventId)}`, key });
        assert.equal(q.statusCode, 200, q.body);
        const body = q.json();
        assert.deepEqual(validateEpcisDocument(body), [], `${name}: query response fails the schema`);
        const served = body.epcisBody.queryResults.resultsBody.eventList as Json[];
        assert.equal(served.length, 1, `${name} event ${i}: ${eventId}`);
        const [a, b] = comparable(sent, served[0]);
        assert.deepEqual(b, a, `${name} event ${i} read back differs`);
      }
    };

    test(`${validDocuments.length} valid documents are captured and read back equal (or rejected as decided)`, async () => {
      await allOf(validDocuments, (f) => captureAndReadBack(f, readConformanceJson(f)));
    });

    test(`${queryDocuments.length} query documents: their events captured as a document and read back equal`, async () => {
      await allOf(queryDocuments, async (f) => {
        const q = readConformanceJson(f);
        const events = (((q.epcisBody as Json).queryResults as Json).resultsBody as Json).eventList;
        const doc = { '@context': q['@context'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: q.creationDate, epcisBody: { eventList: events } };
        await captureAndReadBack(f, doc);
      });
    });

    test(`${singleEvents.length} single events are captured by POST /epcis/events and served by /epcis/events/{eventID}`, async () => {
      await allOf(singleEvents, async (f) => {
        await clearEvents();
        const sent = readConformanceJson(f);
        const res = await t.inject({ method: 'POST', url: '/epcis/events', key, payload: sent });
        assert.equal(res.statusCode, 201, `${f}: ${res.body}`);
        const { eventID } = res.json();
        assert.equal(res.headers.location, `/epcis/events/${encodeURIComponent(eventID)}`);
        const got = await t.inject({ method: 'GET', url: res.headers.location as string, key });
        assert.equal(got.statusCode, 200, got.body);
        const [a, b] = comparable(sent, got.json());
        assert.deepEqual(b, a, f);
      });
    });

    test(`${invalidCaptureDocuments.length} invalid documents are rejected with ValidationException and store nothing`, async () => {
      await allOf(invalidCaptureDocuments, async (f) => {
        await clearEvents();
        const res = await t.inject({ method: 'POST', url: '/epcis/capture', key, payload: readConformanceJson(f) });
        assert.equal(res.statusCode, 400, `${f}: ${res.body}`);
        assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
        const problem = res.json();
        assert.equal(problem.type, 'epcisException:ValidationException', f);
        assert.ok(problem.errors.length > 0 && problem.errors.every((e: Json) => typeof e.field === 'string' && typeof e.message === 'string'), f);
        assert.equal(await countEvents(), 0, `${f} stored events`);
        const job = await t.inject({ method: 'GET', url: `/epcis/capture/${problem.captureID}`, key });
        assert.equal(job.statusCode, 200);
        assert.equal(job.json().success, false);
        assert.equal(job.json().running, false);
        assert.deepEqual(job.json().errors, problem.errors);
      });
    });
  });
}
