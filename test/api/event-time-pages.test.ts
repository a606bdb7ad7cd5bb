import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/domain/random.ts';
import { createTestApp, epcisDoc, freshGln, ADMIN_KEY, type TestApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';

// A firm's and a regulator's events in event-time order are read a page at a time from index ranges (`event_viewer`,
// migration 0008; `event_scope_time`, migration 0009) instead of from everything the caller may see. They must be
// exactly what the general visibility rule gives: the caller's events through the record-time order (the general
// path), put in event-time order by the administrator's query (which sees all). Many events share a time, so ties are
// broken by id across pages; some pages need the ranges read on more than once.

const sgln = (gln: string) => `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
const pgln = (gln: string) => `urn:epc:id:pgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}`;

for (const dialect of testDialects()) {
  describe(`a firm's and a regulator's events by event time, page by page (${dialect})`, () => {
    let t: TestApp;
    const callers: Record<string, string> = {};

    /** Every page of a query, following the Link header; the eventIDs in order. */
    async function pages(key: string, query: Record<string, string>): Promise<string[]> {
      const ids: string[] = [];
      let url: string | undefined = `/epcis/events?${new URLSearchParams(query)}`;
      for (let n = 0; url; n++) {
        assert.ok(n < 500, 'paging ends');
        const res = await t.inject({ method: 'GET', url, key });
        assert.equal(res.statusCode, 200, res.body);
        ids.push(...(res.json().epcisBody.queryResults.resultsBody.eventList as Array<{ eventID: string }>).map((e) => e.eventID));
        const link = res.headers.link as string | undefined;
        url = link ? (() => { const u = new URL(/^<([^>]+)>/.exec(link)![1]!, 'http://x'); return `${u.pathname}${u.search}`; })() : undefined;
      }
      return ids;
    }

    before(async () => {
      t = await createTestApp(dialect);
      const firmGln = freshGln();
      const siteGln = freshGln();
      const firm = await t.party({ gln: firmGln, name: '甲批发', kind: 'wholesaler', region: '441302', sites: [{ gln: siteGln, name: '甲仓', address: '惠城区一路1号', region: '441302' }] });
      const other = await t.party({ gln: freshGln(), name: '乙物流', kind: 'carrier', region: '441303' });
      const third = await t.party({ name: '丙超市', kind: 'retailer', region: '441322' });
      for (const [gtin, category] of [['06970123100014', 'farm-produce'], ['06970456300037', 'food']]) {
        const res = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: firm.key, payload: { gtin, name: `产品 ${gtin}`, category } });
        assert.equal(res.statusCode, 201, res.body);
      }
      const regulator = async (name: string, department: string, regions: string[]) =>
        (await t.party({ name, kind: 'regulator', region: '441300', department, regions }, ['query'])).key;
      callers.firm = firm.key;
      // Farm produce city-wide: one range per region code its events name. Food and drugs in two counties.
      callers.cityRegulator = await regulator('市商务局', 'commerce', ['441300']);
      callers.countyRegulator = await regulator('县市场监管局', 'food-drug', ['441302', '441322']);
      const rng = new Rng(20261129);
      const strangerSite = sgln(freshGln());
      // 400 events over 12 distinct times: captured by the firm, by the other firm at the firm's site (few: that range
      // ends before the others), naming the firm as source or destination, or none of these (invisible to the firm).
      // One business step in 25 is rare, so that a page of it needs the ranges read on more than once. Products: pork
      // (farm produce), milk (food) or unregistered (no line); the region is the firm's site's, else the capturer's.
      const events = Array.from({ length: 400 }, (_, i) => {
        const r = rng.next();
        const route = r < 0.3 ? 0 : r < 0.35 ? 1 : r < 0.6 ? 2 : r < 0.8 ? 3 : 4;
        const time = `2026-10-${String(1 + rng.int(0, 11)).padStart(2, '0')}T08:00:00.000+08:00`;
        const atFirmSite = route === 1;
        return {
          by: route === 0 ? 'firm' : rng.chance(0.3) ? 'third' : 'other',
          event: {
            type: 'ObjectEvent', eventID: `urn:uuid:22222222-0000-4000-8000-${String(i).padStart(12, '0')}`, eventTime: time, eventTimeZoneOffset: '+08:00',
            action: 'OBSERVE', bizStep: rng.chance(0.04) ? 'inspecting' : rng.pick(['shipping', 'receiving']), epcList: [`urn:epc:id:sgtin:${rng.pick(['6970123.010001', '6970123.010001', '6970456.030003', '6970789.040004'])}.F${i}`],
            readPoint: { id: atFirmSite ? sgln(siteGln) : strangerSite },
            ...(route === 2 ? { sourceList: [{ type: 'owning_party', source: pgln(firmGln) }] } : {}),
            ...(route === 3 ? { destinationList: [{ type: 'possessing_party', destination: pgln(firmGln) }] } : {}),
          },
        };
      });
      for (const [by, key] of [['firm', firm.key], ['other', other.key], ['third', third.key]] as const) {
        const mine = events.filter((e) => e.by === by).map((e) => e.event);
        const res = await t.inject({ method: 'POST', url: '/epcis/capture', key, payload: epcisDoc(mine) });
        assert.equal(res.statusCode, 202, res.body);
      }
    });
    after(async () => t.close());

    const cases: Array<Record<string, string>> = [
      { perPage: '7' },
      { perPage: '1', orderDirection: 'ASC' },
      { perPage: '50', orderDirection: 'ASC' },
      { perPage: '3', EQ_bizStep: 'receiving' },
      { perPage: '5', GE_eventTime: '2026-10-04T00:00:00Z', LT_eventTime: '2026-10-09T00:00:00Z' },
      { perPage: '2', orderDirection: 'ASC', GE_eventTime: '2026-10-06T00:00:00Z', EQ_bizStep: 'shipping' },
      { perPage: '4', EQ_bizStep: 'inspecting' },
      { perPage: '1', orderDirection: 'ASC', EQ_bizStep: 'inspecting' },
      { perPage: '1000' },
      // Identifier conditions: the events they pick are checked one by one against the caller's visibility.
      { perPage: '6', MATCH_anyEPC: 'urn:epc:idpat:sgtin:6970123.010001.*|urn:epc:idpat:sgtin:6970456.030003.*' },
      { perPage: '4', orderDirection: 'ASC', MATCH_anyEPC: 'urn:epc:idpat:sgtin:6970456.030003.*|urn:epc:idpat:sgtin:6970123.010001.*', EQ_bizStep: 'shipping' },
    ];
    for (const caller of ['firm', 'cityRegulator', 'countyRegulator']) {
      for (const query of cases) {
        test(`${caller}: ${new URLSearchParams(query)}`, async () => {
          const { perPage: _, ...filter } = query;
          // Everything the caller may see (no filter: the general path), then the filter as the administrator applies it.
          const visible = new Set(await pages(callers[caller]!, { perPage: '1000', orderBy: 'recordTime' }));
          const expected = (await pages(ADMIN_KEY, { ...filter, perPage: '1000', orderBy: 'eventTime' })).filter((id) => visible.has(id));
          assert.ok(expected.length > 2 && expected.length < 400, `some but not all of the events are the caller's (${expected.length})`);
          assert.deepEqual(await pages(callers[caller]!, { ...query, orderBy: 'eventTime' }), expected);
        });
      }

      test(`${caller}: the default order (eventTime, newest first) gives the same first page`, async () => {
        const first = await t.inject({ method: 'GET', url: '/epcis/events?perPage=9', key: callers[caller]! });
        const ids = (first.json().epcisBody.queryResults.resultsBody.eventList as Array<{ eventID: string }>).map((e) => e.eventID);
        assert.deepEqual(ids, (await pages(callers[caller]!, { perPage: '1000', orderBy: 'eventTime' })).slice(0, 9));
      });
    }
  });
}
