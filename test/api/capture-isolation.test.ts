import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';
import { authenticate } from '../../src/core/authenticate.ts';
import { captureEvents } from '../../src/core/capture-events.ts';
import { testDialects } from '../support/stores.ts';
import { demoApp, epcisDoc, type TestApp } from '../support/test-app.ts';

// Issue 2 §3 and §6, issue 4 §2: a capture is all-or-nothing for everyone else too, and one firm's capture does not
// hold the platform. A capture stores its events in one transaction as it checks them; what others may see of it, and
// when they may go on, is what these tests pin down.

const MILK_GTIN = `0${withCheckDigit('697012320001')}`;
const WRONG_CHECK_DIGIT_GTIN = MILK_GTIN.slice(0, -1) + String((Number(MILK_GTIN.at(-1)) + 1) % 10);
const PHONE = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', accept: 'text/html' };

function commissioning(serial: string, gtin = MILK_GTIN) {
  return {
    type: 'ObjectEvent', eventTime: '2026-11-20T08:00:00+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD',
    epcList: [`https://id.gs1.org/01/${gtin}/21/${serial}`], bizStep: 'commissioning', disposition: 'active',
  };
}

/** Fails when `promise` has not settled within `ms`: a request that waits on another client's upload would hang. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `from`: the loopback address the request comes from, so that two views can be two phones. */
function get(port: number, path: string, headers: Record<string, string>, from = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers, localAddress: from }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

/**
 * Starts a capture by the party of `key` from events given one by one: `before`, then a pause until `resume()`, then
 * `after`. Resolves once every event of `before` has been handed over, with the capture still under way.
 */
async function pausedCapture(t: TestApp, key: string, before: Array<Record<string, unknown>>, after: Array<Record<string, unknown>>): Promise<{ capture: Promise<unknown>; resume: () => void }> {
  const actor = await authenticate(t.deps, key);
  let resume!: () => void;
  const gate = new Promise<void>((r) => (resume = r));
  let reachedGate!: () => void;
  const reached = new Promise<void>((r) => (reachedGate = r));
  async function* events() {
    yield* before;
    reachedGate();
    await gate;
    yield* after;
  }
  const doc = epcisDoc([]);
  const capture = captureEvents(t.deps, actor, { envelope: () => doc, context: () => doc['@context'], events: events() });
  capture.catch(() => undefined);
  await reached;
  return { capture, resume };
}

for (const dialect of testDialects()) {
  describe(`a capture in progress, seen by everyone else, on ${dialect}`, () => {
    let t: TestApp;
    let keys: Record<string, { key: string; partyId: string }>;
    let port: number;
    before(async () => {
      ({ t, keys } = await demoApp(dialect));
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as AddressInfo).port;
    });
    after(async () => t?.close());

    test('while a document is still arriving, scan pages and queries answer, and a rejected document leaves nothing', async () => {
      const plant = keys['dairy-plant']!.key;
      const events = Array.from({ length: 1_200 }, (_, i) => commissioning(`UPL${String(i).padStart(5, '0')}`));
      events.push(commissioning('UPL-BAD', WRONG_CHECK_DIGIT_GTIN));
      const body = Buffer.from(JSON.stringify(epcisDoc(events)));
      const upload = http.request({
        host: '127.0.0.1', port, path: '/epcis/capture', method: 'POST',
        headers: { authorization: `Bearer ${plant}`, 'content-type': 'application/json', 'content-length': String(body.length) },
      });
      const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
        upload.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, body: text }));
        }).on('error', reject);
      });
      // Most of the document, the first thousand events whole, then the client stalls, as a phone on a weak signal does.
      upload.write(body.subarray(0, Math.floor(body.length * 0.9)));
      await new Promise((r) => setTimeout(r, 300));

      const unitPath = `/01/${MILK_GTIN}/21/UPL00001`;
      const page = await within(get(port, unitPath, PHONE), 10_000, 'the scan page');
      assert.equal(page.status, 200, page.body);
      assert.doesNotMatch(page.body, /生产赋码/, 'the page shows nothing of a document not yet stored');
      const query = await within(get(port, `/epcis/events?MATCH_epc=${encodeURIComponent(`https://id.gs1.org${unitPath}`)}`, { authorization: `Bearer ${plant}` }), 10_000, 'the EPCIS query');
      assert.equal(query.status, 200, query.body);
      assert.equal(JSON.parse(query.body).epcisBody.queryResults.resultsBody.eventList.length, 0);

      upload.end(body.subarray(Math.floor(body.length * 0.9)));
      const captured = await reply;
      assert.equal(captured.status, 400, captured.body);
      assert.match(captured.body, /nothing was stored/);
      const afterwards = await get(port, unitPath, PHONE, '127.0.0.2');
      assert.doesNotMatch(afterwards.body, /生产赋码/);
      assert.equal((await t.deps.scans.findTally(`https://id.gs1.org${unitPath}`))!.scans, 2, 'both views, from two addresses, were counted');
    });

    test("a capture's uncommitted events stay out of other requests' reads, and a scan made meanwhile outlives its rollback", async () => {
      // 800 good events (the first 250 are written as soon as three slices are in hand), a pause, then a bad one.
      const good = Array.from({ length: 800 }, (_, i) => commissioning(`ISO${String(i).padStart(5, '0')}`));
      const { capture, resume } = await pausedCapture(t, keys['dairy-plant']!.key, good, [commissioning('ISO-BAD', WRONG_CHECK_DIGIT_GTIN)]);
      if (t.deps.store.sqlite) assert.ok(t.deps.store.sqlite.inTransaction, 'the capture holds its transaction open');

      const unit = `https://id.gs1.org/01/${MILK_GTIN}/21/ISO00001`;
      // The walks' raw reads (trace, scan page, recall) go this way; Kysely's queries wait for the capture's end instead.
      assert.deepEqual(await t.deps.lineage.listEdgesTouching([unit]), [], 'no uncommitted edge is read');
      // A view that records no scan (a bot, or a phone that has seen the code before) reads only raw: it answers at once.
      const repeatView = await within(t.inject({ method: 'GET', url: `/01/${MILK_GTIN}/21/ISO00001`, headers: { ...PHONE, 'user-agent': 'Googlebot/2.1' } }), 10_000, 'a repeat view');
      assert.equal(repeatView.statusCode, 200, repeatView.body);
      assert.doesNotMatch(repeatView.body, /生产赋码/, 'the page shows nothing of the open capture');
      assert.match(repeatView.body, /绿野纯牛奶/, 'but does show the registered product');

      // A phone's scan meanwhile answers at once, counted with what is committed (on SQLite it waits in memory to be
      // written when the capture ends, rather than joining its transaction).
      const first = await within(t.deps.scans.recordScan({ unit, at: '2026-11-30T01:00:00.000Z', region: '441302', clientClass: 'mobile-browser' }), 10_000, 'a scan');
      const second = await within(t.deps.scans.recordScan({ unit, at: '2026-11-30T01:05:00.000Z', region: '440304', clientClass: 'wechat' }), 10_000, 'another scan');
      assert.deepEqual(first, { scans: 1, firstAt: '2026-11-30T01:00:00.000Z', lastAt: '2026-11-30T01:00:00.000Z', regions: ['441302'] });
      assert.deepEqual(second, { scans: 2, firstAt: '2026-11-30T01:00:00.000Z', lastAt: '2026-11-30T01:05:00.000Z', regions: ['441302', '440304'] });

      resume();
      await assert.rejects(capture, /capture was rejected and nothing was stored/);
      await t.deps.scans.flush();
      assert.deepEqual(await t.deps.scans.findTally(unit), second, 'the scans are kept though the capture rolled back, as they were answered');
      assert.deepEqual((await t.deps.scans.listScans(unit, 5)).map((s) => s.clientClass), ['wechat', 'mobile-browser']);
      assert.deepEqual(await t.deps.lineage.listEdgesTouching([unit]), []);
    });

    test("another firm's and a regulator's authenticated reads answer during a capture; their audit rows wait for it, on disk too", async () => {
      const good = Array.from({ length: 800 }, (_, i) => commissioning(`AUD${String(i).padStart(5, '0')}`));
      const { capture, resume } = await pausedCapture(t, keys['dairy-plant']!.key, good, []);
      if (t.deps.store.sqlite) assert.ok(t.deps.store.sqlite.inTransaction, 'the capture holds its transaction open');
      const unit = `https://id.gs1.org/01/${MILK_GTIN}/21/AUD00001`;
      const { lastId } = await t.deps.store.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('lastId')).executeTakeFirstOrThrow();
      const auditRows = () => t.deps.store.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', 'in', ['epcis.query', 'trace.read']).where('id', '>', Number(lastId ?? 0)).execute();

      // Before, on SQLite, each of these waited for the capture's end: their key lookup, their reads and their audit row.
      const plantQuery = await within(t.inject({ method: 'GET', url: `/epcis/events?MATCH_epc=${encodeURIComponent(unit)}`, key: keys['dairy-plant']!.key }), 10_000, "the capturing firm's own query");
      assert.equal(plantQuery.statusCode, 200, plantQuery.body);
      assert.equal(plantQuery.json().epcisBody.queryResults.resultsBody.eventList.length, 0, 'the open capture is not seen, even by its firm');
      const regulator = await within(t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(unit)}&direction=both`, key: keys['reg-food-drug']!.key }), 10_000, "a regulator's trace");
      assert.equal(regulator.statusCode, 200, regulator.body);
      assert.deepEqual(regulator.json().edges, []);
      const market = await within(t.inject({ method: 'GET', url: '/epcis/events?perPage=5', key: keys['market']!.key }), 10_000, "another firm's query");
      assert.equal(market.statusCode, 200, market.body);

      const journal = t.deps.store.sqlite ? `${t.deps.store.sqlite.name}-waiting-audit-${process.pid}` : undefined;
      if (journal) {
        assert.deepEqual(await auditRows(), [], 'on SQLite the audit rows wait for the capture rather than join it');
        const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string });
        assert.ok(lines.length >= 3 && lines.every((l) => l.action.length > 0), `waiting in the journal: ${lines.length}`);
      }
      // A write through Kysely does wait for the capture (one writer): it is not through yet.
      let written = false;
      const write = t.deps.store.db.insertInto('setting').values({ key: 'written-after-a-capture', value: 'yes' }).execute().then(() => (written = true));
      await new Promise((r) => setTimeout(r, 200));
      if (t.deps.store.sqlite) assert.equal(written, false, 'a write waits for the capture on SQLite');

      resume();
      await capture;
      await within(write, 10_000, 'the write');
      await t.deps.audit.flush();
      const rows = await auditRows();
      assert.ok(rows.length >= 3, `the reads are audited: ${JSON.stringify(rows)}`);
      if (journal) assert.equal(existsSync(journal) ? readFileSync(journal, 'utf8') : '', '', 'and the journal is emptied');
    });

    test('a document rejected in its first events never opens the write transaction, so nothing waits for the rest of it', async () => {
      const bad = [commissioning('REJ-BAD', WRONG_CHECK_DIGIT_GTIN), ...Array.from({ length: 800 }, (_, i) => commissioning(`REJ${String(i).padStart(5, '0')}`))];
      const { capture, resume } = await pausedCapture(t, keys['dairy-plant']!.key, bad, []);
      if (t.deps.store.sqlite) assert.equal(t.deps.store.sqlite.inTransaction, false, 'no transaction is open for a document already known to be rejected');
      // A write through Kysely (which waits for any open capture transaction on SQLite) goes through at once.
      await within(t.deps.store.db.insertInto('setting').values({ key: 'written-beside-a-rejected-capture', value: 'yes' }).execute(), 10_000, 'a write');
      resume();
      await assert.rejects(capture, /capture was rejected and nothing was stored: 1 error/);
    });
  });
}
