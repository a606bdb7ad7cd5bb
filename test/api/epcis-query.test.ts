import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, epcisDoc, freshGln, ADMIN_KEY, type TestApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';
import { validateEpcisDocument } from '../../src/domain/epcis/schema.ts';
import { BIZ_STEPS, DISPOSITIONS } from '../../src/domain/epcis/cbv.ts';

// EPCIS SimpleEventQuery through the REST binding (issue §4): every parameter of GET /epcis/events on a small
// dataset captured through POST /epcis/capture, asserting the exact events returned.

type Params = Record<string, string>;

/** One GS1 location or party key in every form a client may use. */
interface Gln {
  dl: string;
  otherHost: string;
  sgln: string;
  pgln: string;
}

function glnForms(gln: string): Gln {
  const cp = gln.slice(0, 7);
  const ref = gln.slice(7, 12);
  return {
    dl: `https://id.gs1.org/414/${gln}`,
    otherHost: `https://example.com/414/${gln}`,
    sgln: `urn:epc:id:sgln:${cp}.${ref}.0`,
    pgln: `urn:epc:id:pgln:${cp}.${ref}`,
  };
}

// Identifiers in the forms used at capture and in queries (canonical DLs worked out by hand: GTIN check digits).
const EPC = {
  a1: 'urn:epc:id:sgtin:6970123.010001.S1',
  a1DL: 'https://id.gs1.org/01/06970123100014/21/S1',
  a1OtherHost: 'https://shop.example.cn/01/06970123100014/21/S1',
  a2: 'urn:epc:id:sgtin:6970123.010001.S2',
  a2DL: 'https://id.gs1.org/01/06970123100014/21/S2',
  b1: 'urn:epc:id:sgtin:6970123.020002.A1',
  b1DL: 'https://id.gs1.org/01/06970123200028/21/A1',
  b1OtherHost: 'https://brand.example.org/01/06970123200028/21/A1',
  sscc: 'urn:epc:id:sscc:6970123.0000000001',
  ssccDL: 'https://id.gs1.org/00/069701230000000017',
  giai: 'urn:epc:id:giai:6970123.SENSOR1',
  lot: 'urn:epc:class:lgtin:6970123.010001.L1',
  lotDL: 'https://id.gs1.org/01/06970123100014/10/L1',
  patternA: 'urn:epc:idpat:sgtin:6970123.010001.*',
};
const PO1 = 'urn:epcglobal:cbv:bt:6971200000017:PO-1';
const DESADV7 = 'urn:epcglobal:cbv:bt:6971200000017:DESADV-7';
const CUSTOM_STEP = 'https://suyuan.example.cn/voc/BizStep-quarantine';

const ID = (n: number) => `urn:uuid:00000000-0000-4000-8000-00000000000${n}`;
const E1 = ID(1), E2 = ID(2), E3 = ID(3), E4 = ID(4), E5 = ID(5), E6 = ID(6), E7 = ID(7), E8 = ID(8);
const ALL = [E1, E2, E3, E4, E5, E6, E7, E8];
const R1 = '2026-11-02T00:00:00.000Z';
const R2 = '2026-11-03T00:00:00.000Z';
const R3 = '2026-11-04T00:00:00.000Z';
const RECORD_TIME: Record<string, string> = { [E1]: R1, [E2]: R1, [E3]: R2, [E4]: R2, [E5]: R3, [E6]: R3, [E7]: R3, [E8]: R3 };

interface QueryResult {
  status: number;
  body: Record<string, unknown>;
  ids: string[];
  events: Array<Record<string, unknown>>;
  link: string | undefined;
}

for (const dialect of testDialects()) {
  describe(`EPCIS SimpleEventQuery (${dialect})`, () => {
    let t: TestApp;
    let key: string;
    let A: Gln; // firm A's own GLN (party)
    let S1: Gln;
    let S2: Gln;
    let B: Gln; // partner firm B (party)
    let BS: Gln; // B's site

    /** GET a URL as firm A (or `as`); the body of a 200 must validate against the ratified schema. */
    async function get(url: string, as = key): Promise<QueryResult> {
      const res = await t.inject({ method: 'GET', url, key: as });
      const body = res.json() as Record<string, unknown>;
      let events: Array<Record<string, unknown>> = [];
      if (res.statusCode === 200) {
        assert.deepEqual(validateEpcisDocument(body), [], `schema faults for ${url}`);
        assert.equal(body.type, 'EPCISQueryDocument');
        events = (body as { epcisBody: { queryResults: { resultsBody: { eventList: Array<Record<string, unknown>> } } } }).epcisBody.queryResults
          .resultsBody.eventList;
      }
      const link = res.headers.link as string | undefined;
      return { status: res.statusCode, body, events, ids: events.map((e) => e.eventID as string), link };
    }

    function url(params: Params, path = '/epcis/events'): string {
      const qs = new URLSearchParams(params).toString();
      return qs ? `${path}?${qs}` : path;
    }

    /** Runs the query and asserts exactly these events come back (as a set unless `ordered`). */
    async function expectIds(params: Params, expected: string[], ordered = false): Promise<QueryResult> {
      const r = await get(url({ perPage: '1000', ...params }));
      assert.equal(r.status, 200, `${JSON.stringify(params)} → ${JSON.stringify(r.body)}`);
      if (ordered) assert.deepEqual(r.ids, expected, JSON.stringify(params));
      else assert.deepEqual([...r.ids].sort(), [...expected].sort(), JSON.stringify(params));
      assert.equal(r.link, undefined);
      return r;
    }

    /** Asserts a 400 QueryParameterException naming the parameter. */
    async function expectParamError(rawUrl: string, field: string): Promise<void> {
      const r = await get(rawUrl);
      assert.equal(r.status, 400, `${rawUrl} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.type, 'epcisException:QueryParameterException', rawUrl);
      assert.equal(r.body.field, field, rawUrl);
      assert.match(String(r.body.detail), new RegExp(field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), rawUrl);
    }

    /** Follows `Link: <…>; rel="next"` until it is absent; returns the pages' eventIDs. */
    async function allPages(first: string): Promise<string[][]> {
      const pages: string[][] = [];
      let next: string | undefined = first;
      while (next) {
        const r = await get(next);
        assert.equal(r.status, 200, `${next} → ${JSON.stringify(r.body)}`);
        pages.push(r.ids);
        if (r.link) {
          const m = /^<([^>]+)>; rel="next"$/.exec(r.link);
          assert.ok(m, `Link header form: ${r.link}`);
          next = m[1];
        } else next = undefined;
        assert.ok(pages.length <= 20, 'paging does not end');
      }
      return pages;
    }

    async function capture(at: string, events: unknown[]): Promise<void> {
      t.deps.now = () => new Date(at);
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key, payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().storedCount, events.length, res.body);
    }

    before(async () => {
      t = await createTestApp(dialect);
      const aGln = freshGln();
      const s1 = freshGln();
      const s2 = freshGln();
      const bGln = freshGln();
      const bs = freshGln();
      const a = await t.party({
        gln: aGln,
        name: '惠州甲公司',
        sites: [
          { gln: s1, name: '一号场', address: '惠城区一路1号', region: '441302' },
          { gln: s2, name: '二号场', address: '惠城区二路2号', region: '441302' },
        ],
      });
      await t.party({ gln: bGln, name: '乙公司', kind: 'retailer', sites: [{ gln: bs, name: '乙门店', address: '惠阳区三路3号', region: '441303' }] });
      key = a.key;
      A = glnForms(aGln);
      A.dl = a.uri;
      S1 = glnForms(s1);
      S2 = glnForms(s2);
      B = glnForms(bGln);
      BS = glnForms(bs);
      assert.equal(a.uri, `https://id.gs1.org/417/${aGln}`);
      assert.equal(a.sites[0].uri, S1.dl);

      // Identifiers and CBV terms are captured in mixed forms; queries below use other forms on purpose.
      await capture(R1, [
        {
          type: 'ObjectEvent', eventID: E1, eventTime: '2026-10-01T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD',
          epcList: [EPC.a1, EPC.a2], bizStep: 'commissioning', disposition: 'active', readPoint: { id: S1.sgln }, bizLocation: { id: S1.sgln },
        },
        {
          type: 'ObjectEvent', eventID: E2, eventTime: '2026-10-02T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'OBSERVE',
          epcList: [EPC.a1DL], bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping', disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
          readPoint: { id: S1.dl }, bizTransactionList: [{ type: 'po', bizTransaction: PO1 }],
          sourceList: [{ type: 'owning_party', source: A.dl }],
          destinationList: [{ type: 'owning_party', destination: B.pgln }, { type: 'location', destination: BS.dl }],
        },
      ]);
      await capture(R2, [
        {
          type: 'AggregationEvent', eventID: E3, eventTime: '2026-10-03T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD',
          parentID: EPC.sscc, childEPCs: [EPC.a2DL], bizStep: 'packing', disposition: 'in_progress', readPoint: { id: S2.dl }, bizLocation: { id: S2.dl },
        },
        {
          type: 'TransformationEvent', eventID: E4, eventTime: '2026-10-04T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00',
          inputEPCList: [EPC.a1], outputEPCList: [EPC.b1], inputQuantityList: [{ epcClass: EPC.lot, quantity: 5, uom: 'KGM' }],
          bizStep: 'repackaging', disposition: 'active', readPoint: { id: S2.sgln },
        },
      ]);
      await capture(R3, [
        {
          type: 'ObjectEvent', eventID: E5, eventTime: '2026-10-05T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'OBSERVE',
          epcList: [], quantityList: [{ epcClass: EPC.lot, quantity: 10, uom: 'KGM' }],
          bizStep: 'https://ref.gs1.org/cbv/BizStep-receiving', disposition: 'in_progress', readPoint: { id: S2.sgln }, bizLocation: { id: S2.sgln },
          bizTransactionList: [{ type: 'desadv', bizTransaction: DESADV7 }], sourceList: [{ type: 'location', source: S1.sgln }],
        },
        {
          type: 'AssociationEvent', eventID: E6, eventTime: '2026-10-06T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD',
          parentID: EPC.giai, childEPCs: [EPC.b1], bizStep: CUSTOM_STEP,
        },
        {
          type: 'TransactionEvent', eventID: E7, eventTime: '2026-10-07T08:00:00.000+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD',
          epcList: [EPC.a2], bizTransactionList: [{ type: 'po', bizTransaction: PO1 }], bizStep: 'accepting', disposition: 'active',
        },
        {
          // 2026-10-08T01:00:00Z, written with another offset.
          type: 'ObjectEvent', eventID: E8, eventTime: '2026-10-07T20:00:00.000-05:00', eventTimeZoneOffset: '-05:00', action: 'DELETE',
          epcList: [EPC.a2], bizStep: 'destroying', disposition: 'destroyed',
        },
      ]);
      t.deps.now = () => new Date();
    });

    after(async () => {
      await t?.close();
    });

    test('no parameters: every event, each with its recordTime, schema-valid', async () => {
      const r = await expectIds({}, ALL);
      for (const e of r.events) assert.equal(e.recordTime, RECORD_TIME[e.eventID as string], String(e.eventID));
      // Bodies come back as captured (original offset kept).
      assert.equal(r.events.find((e) => e.eventID === E8)!.eventTime, '2026-10-07T20:00:00.000-05:00');
      const admin = await get(url({ perPage: '1000' }), ADMIN_KEY);
      assert.deepEqual([...admin.ids].sort(), [...ALL].sort());
    });

    test('eventType, one and several', async () => {
      await expectIds({ eventType: 'ObjectEvent' }, [E1, E2, E5, E8]);
      await expectIds({ eventType: 'AggregationEvent|TransformationEvent' }, [E3, E4]);
      await expectIds({ eventType: 'TransactionEvent' }, [E7]);
      await expectIds({ eventType: 'AssociationEvent' }, [E6]);
      // An extension event type (a URI) is a valid value that matches nothing here.
      await expectIds({ eventType: 'https://example.com/epcis/ExtensionEvent' }, []);
    });

    test('GE_eventTime / LT_eventTime compare instants, whatever the offset', async () => {
      await expectIds({ GE_eventTime: '2026-10-03T08:00:00+08:00' }, [E3, E4, E5, E6, E7, E8]);
      await expectIds({ GE_eventTime: '2026-10-03T00:00:00Z' }, [E3, E4, E5, E6, E7, E8]);
      await expectIds({ LT_eventTime: '2026-10-03T00:00:00.000Z' }, [E1, E2]);
      await expectIds({ GE_eventTime: '2026-10-02T00:00:00Z', LT_eventTime: '2026-10-05T00:00:00Z' }, [E2, E3, E4]);
      await expectIds({ LT_eventTime: '2026-10-08T00:00:00Z' }, [E1, E2, E3, E4, E5, E6, E7]);
      await expectIds({ GE_eventTime: '2026-10-07T21:00:00-04:00' }, [E8]);
    });

    test('GE_recordTime / LT_recordTime', async () => {
      await expectIds({ GE_recordTime: '2026-11-03T08:00:00+08:00' }, [E3, E4, E5, E6, E7, E8]);
      await expectIds({ LT_recordTime: R2 }, [E1, E2]);
      await expectIds({ GE_recordTime: R2, LT_recordTime: R3 }, [E3, E4]);
      await expectIds({ GE_recordTime: '2026-11-05T00:00:00Z' }, []);
    });

    test('EQ_action', async () => {
      await expectIds({ EQ_action: 'ADD' }, [E1, E3, E6, E7]);
      await expectIds({ EQ_action: 'OBSERVE|DELETE' }, [E2, E5, E8]);
      // A raw, unencoded "|" works too.
      const r = await get('/epcis/events?EQ_action=OBSERVE|DELETE');
      assert.deepEqual([...r.ids].sort(), [E2, E5, E8]);
    });

    test('EQ_bizStep: bare names, CBV URIs and CURIEs, custom URIs', async () => {
      await expectIds({ EQ_bizStep: 'shipping' }, [E2]);
      await expectIds({ EQ_bizStep: 'urn:epcglobal:cbv:bizstep:receiving' }, [E5]);
      await expectIds({ EQ_bizStep: 'receiving' }, [E5]);
      await expectIds({ EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning|packing' }, [E1, E3]);
      await expectIds({ EQ_bizStep: 'cbv:BizStep-destroying' }, [E8]);
      await expectIds({ EQ_bizStep: CUSTOM_STEP }, [E6]);
      await expectIds({ EQ_bizStep: 'inspecting' }, []);
    });

    test('EQ_disposition', async () => {
      await expectIds({ EQ_disposition: 'in_transit' }, [E2]);
      await expectIds({ EQ_disposition: 'urn:epcglobal:cbv:disp:in_progress' }, [E3, E5]);
      await expectIds({ EQ_disposition: 'active|https://ref.gs1.org/cbv/Disp-destroyed' }, [E1, E4, E7, E8]);
    });

    test('EQ_readPoint and EQ_bizLocation in any location form', async () => {
      await expectIds({ EQ_readPoint: S1.dl }, [E1, E2]);
      await expectIds({ EQ_readPoint: `${S2.sgln}|${S1.sgln}` }, [E1, E2, E3, E4, E5]);
      await expectIds({ EQ_readPoint: S2.otherHost }, [E3, E4, E5]);
      await expectIds({ EQ_readPoint: BS.dl }, []);
      await expectIds({ EQ_bizLocation: S2.otherHost }, [E3, E5]);
      await expectIds({ EQ_bizLocation: S1.dl }, [E1]);
      await expectIds({ EQ_bizLocation: `${S1.sgln}|${S2.dl}` }, [E1, E3, E5]);
    });

    test('MATCH_epc: epcList and childEPCs, URN or Digital Link, patterns', async () => {
      await expectIds({ MATCH_epc: EPC.a1 }, [E1, E2]);
      await expectIds({ MATCH_epc: EPC.a2DL }, [E1, E3, E7, E8]);
      await expectIds({ MATCH_epc: `${EPC.a1OtherHost}|${EPC.b1}` }, [E1, E2, E6]);
      await expectIds({ MATCH_epc: EPC.patternA }, [E1, E2, E3, E7, E8]);
      await expectIds({ MATCH_epc: EPC.sscc }, []);
    });

    test('MATCH_parentID, MATCH_inputEPC, MATCH_outputEPC', async () => {
      await expectIds({ MATCH_parentID: EPC.ssccDL }, [E3]);
      await expectIds({ MATCH_parentID: `${EPC.giai}|${EPC.sscc}` }, [E3, E6]);
      await expectIds({ MATCH_parentID: EPC.a1 }, []);
      await expectIds({ MATCH_inputEPC: EPC.a1DL }, [E4]);
      await expectIds({ MATCH_inputEPC: EPC.b1 }, []);
      await expectIds({ MATCH_outputEPC: EPC.b1OtherHost }, [E4]);
      await expectIds({ MATCH_outputEPC: EPC.a1 }, []);
    });

    test('MATCH_anyEPC: every EPC role', async () => {
      await expectIds({ MATCH_anyEPC: EPC.b1 }, [E4, E6]);
      await expectIds({ MATCH_anyEPC: EPC.sscc }, [E3]);
      await expectIds({ MATCH_anyEPC: EPC.a1DL }, [E1, E2, E4]);
      await expectIds({ MATCH_anyEPC: `${EPC.giai}|${EPC.a2}` }, [E1, E3, E6, E7, E8]);
    });

    test('MATCH_epcClass: quantityList/childQuantityList only, any form, patterns', async () => {
      await expectIds({ MATCH_epcClass: EPC.lot }, [E5]);
      await expectIds({ MATCH_epcClass: EPC.lotDL }, [E5]);
      await expectIds({ MATCH_epcClass: EPC.patternA }, [E5]);
      // The transformation's inputQuantityList is not matched by MATCH_epcClass, only by MATCH_anyEPCClass.
      await expectIds({ MATCH_anyEPCClass: EPC.lot }, [E4, E5]);
    });

    test('EQ_bizTransaction_<type>: type and value both match', async () => {
      await expectIds({ EQ_bizTransaction_po: PO1 }, [E2, E7]);
      await expectIds({ EQ_bizTransaction_desadv: DESADV7 }, [E5]);
      await expectIds({ EQ_bizTransaction_po: DESADV7 }, []);
      await expectIds({ EQ_bizTransaction_po: `${PO1}|${DESADV7}` }, [E2, E7]);
      await expectIds({ 'EQ_bizTransaction_urn:epcglobal:cbv:btt:po': PO1 }, [E2, E7]);
    });

    test('EQ_source_<type> and EQ_destination_<type>', async () => {
      await expectIds({ EQ_source_owning_party: A.pgln }, [E2]);
      await expectIds({ EQ_source_location: S1.dl }, [E5]);
      await expectIds({ EQ_source_location: S2.dl }, []);
      await expectIds({ EQ_destination_owning_party: `https://id.gs1.org/417/${B.dl.slice(-13)}` }, [E2]);
      await expectIds({ EQ_destination_owning_party: B.pgln }, [E2]);
      await expectIds({ EQ_destination_location: BS.sgln }, [E2]);
      await expectIds({ EQ_destination_owning_party: A.dl }, []);
      await expectIds({ 'EQ_destination_urn:epcglobal:cbv:sdt:owning_party': B.pgln }, [E2]);
      // The type is part of the condition: B's site is a location destination, not an owning party.
      await expectIds({ EQ_destination_possessing_party: B.pgln }, []);
    });

    test('EQ_eventID', async () => {
      await expectIds({ EQ_eventID: `${E1}|${E5}` }, [E1, E5]);
      await expectIds({ EQ_eventID: E8 }, [E8]);
      await expectIds({ EQ_eventID: 'urn:uuid:99999999-0000-4000-8000-000000000000' }, []);
    });

    test('combined parameters are ANDed', async () => {
      await expectIds({ eventType: 'ObjectEvent', EQ_action: 'OBSERVE', EQ_readPoint: S1.sgln }, [E2]);
      await expectIds({ MATCH_epc: EPC.a2, eventType: 'ObjectEvent' }, [E1, E8]);
      await expectIds({ EQ_bizStep: 'shipping', EQ_disposition: 'active' }, []);
      await expectIds({ GE_eventTime: '2026-10-03T00:00:00Z', EQ_disposition: 'in_progress' }, [E3, E5]);
      await expectIds({ MATCH_anyEPC: EPC.a1, EQ_bizTransaction_po: PO1 }, [E2]);
      await expectIds({ GE_recordTime: R3, EQ_action: 'ADD', eventType: 'TransactionEvent|AssociationEvent' }, [E6, E7]);
    });

    test('orderBy / orderDirection', async () => {
      await expectIds({ orderBy: 'eventTime', orderDirection: 'ASC' }, ALL, true);
      await expectIds({ orderBy: 'eventTime', orderDirection: 'DESC' }, [...ALL].reverse(), true);
      // DESC is the default direction.
      await expectIds({ orderBy: 'eventTime' }, [...ALL].reverse(), true);
      await expectIds({ orderBy: 'eventTime', orderDirection: 'ASC', eventType: 'ObjectEvent' }, [E1, E2, E5, E8], true);
      for (const direction of ['ASC', 'DESC'] as const) {
        const r = await get(url({ orderBy: 'recordTime', orderDirection: direction }));
        const groups = [[E1, E2], [E3, E4], [E5, E6, E7, E8]];
        if (direction === 'DESC') groups.reverse();
        const got = [r.ids.slice(0, groups[0].length), r.ids.slice(groups[0].length, groups[0].length + groups[1].length), r.ids.slice(-groups[2].length)];
        assert.deepEqual(got.map((g) => [...g].sort()), groups.map((g) => [...g].sort()), `recordTime ${direction}: ${r.ids}`);
      }
    });

    test('eventCountLimit takes the first N in the requested order', async () => {
      await expectIds({ orderBy: 'eventTime', orderDirection: 'ASC', eventCountLimit: '3' }, [E1, E2, E3], true);
      await expectIds({ orderBy: 'eventTime', eventCountLimit: '1' }, [E8], true);
      await expectIds({ orderBy: 'eventTime', orderDirection: 'ASC', eventType: 'ObjectEvent', eventCountLimit: '2' }, [E1, E2], true);
      await expectIds({ orderBy: 'eventTime', orderDirection: 'ASC', eventCountLimit: '100' }, ALL, true);
      // The binding: "if orderBy is omitted and eventCountLimit is specified, a QueryParameterException SHALL be raised".
      await expectParamError(url({ eventCountLimit: '2' }), 'eventCountLimit');
    });

    test('paging with perPage follows Link until it is absent', async () => {
      const pages = await allPages(url({ perPage: '3', orderBy: 'eventTime', orderDirection: 'ASC' }));
      assert.deepEqual(pages, [[E1, E2, E3], [E4, E5, E6], [E7, E8]]);

      // Default order, pages of 2: the union is the whole set, without duplicates.
      const byTwo = (await allPages(url({ perPage: '2' })));
      assert.equal(byTwo.length, 4);
      assert.ok(byTwo.every((p) => p.length === 2));
      const flat = byTwo.flat();
      assert.equal(new Set(flat).size, flat.length);
      assert.deepEqual([...flat].sort(), [...ALL].sort());

      // recordTime ties (one capture, one recordTime) are broken consistently across page boundaries.
      for (const dir of ['ASC', 'DESC']) {
        const rec = (await allPages(url({ perPage: '3', orderBy: 'recordTime', orderDirection: dir }))).flat();
        assert.equal(new Set(rec).size, rec.length);
        assert.deepEqual([...rec].sort(), [...ALL].sort());
        const times = rec.map((id) => Date.parse(RECORD_TIME[id]));
        const sorted = [...times].sort((x, y) => (dir === 'ASC' ? x - y : y - x));
        assert.deepEqual(times, sorted);
      }

      // A filter with paging.
      const filtered = await allPages(url({ perPage: '1', EQ_action: 'ADD', orderBy: 'eventTime', orderDirection: 'DESC' }));
      assert.deepEqual(filtered, [[E7], [E6], [E3], [E1]]);

      // perPage exactly the size of the result: one page, no Link.
      assert.deepEqual(await allPages(url({ perPage: '8' })), [await get(url({ perPage: '8' })).then((r) => r.ids)]);
      assert.equal((await allPages(url({ perPage: '4', orderBy: 'eventTime' }))).length, 2);
    });

    test('eventCountLimit across pages stops at the limit', async () => {
      const pages = await allPages(url({ perPage: '2', orderBy: 'eventTime', orderDirection: 'ASC', eventCountLimit: '5' }));
      assert.deepEqual(pages, [[E1, E2], [E3, E4], [E5]]);
      const exact = await allPages(url({ perPage: '2', orderBy: 'eventTime', orderDirection: 'DESC', eventCountLimit: '4' }));
      assert.deepEqual(exact, [[E8, E7], [E6, E5]]);
    });

    test('a nextPageToken is bound to its query', async () => {
      const first = await get(url({ perPage: '1', eventType: 'ObjectEvent', orderBy: 'eventTime' }));
      assert.ok(first.link);
      const token = new URL(/^<([^>]+)>/.exec(first.link)![1], 'http://x').searchParams.get('nextPageToken')!;
      assert.ok(token);
      // Same query, same token: the next page.
      const second = await get(url({ perPage: '1', eventType: 'ObjectEvent', orderBy: 'eventTime', nextPageToken: token }));
      assert.deepEqual(second.ids, [E5]);
      // Other parameters with that token: refused.
      await expectParamError(url({ perPage: '1', eventType: 'AggregationEvent', orderBy: 'eventTime', nextPageToken: token }), 'nextPageToken');
      await expectParamError(url({ perPage: '1', eventType: 'ObjectEvent', nextPageToken: token }), 'nextPageToken');
      await expectParamError(url({ perPage: '1', eventType: 'ObjectEvent', orderBy: 'eventTime', orderDirection: 'ASC', nextPageToken: token }), 'nextPageToken');
      await expectParamError(url({ nextPageToken: 'not-a-token' }), 'nextPageToken');
      await expectParamError(url({ nextPageToken: Buffer.from('{"k":"x"}').toString('base64url') }), 'nextPageToken');
    });

    test('malformed values: 400 QueryParameterException naming the parameter', async () => {
      const cases: Array<[Params, string]> = [
        [{ eventType: 'ObjectEvents' }, 'eventType'],
        [{ GE_eventTime: 'yesterday' }, 'GE_eventTime'],
        [{ LT_eventTime: '2026-10-01' }, 'LT_eventTime'],
        // A date-time without an offset names no instant.
        [{ GE_eventTime: '2026-10-03T08:00:00' }, 'GE_eventTime'],
        [{ GE_recordTime: '2026-13-45T00:00:00Z' }, 'GE_recordTime'],
        [{ LT_recordTime: 'now' }, 'LT_recordTime'],
        [{ EQ_action: 'ADDED' }, 'EQ_action'],
        [{ EQ_action: 'ADD|observe' }, 'EQ_action'],
        [{ EQ_readPoint: 'not a uri' }, 'EQ_readPoint'],
        [{ EQ_readPoint: EPC.a1 }, 'EQ_readPoint'],
        [{ EQ_bizLocation: 'urn:epc:id:sgln:6971200.0100' }, 'EQ_bizLocation'],
        [{ MATCH_epc: 'sgtin-6970123' }, 'MATCH_epc'],
        [{ MATCH_epc: 'urn:epc:id:sgtin:6970123.010001' }, 'MATCH_epc'],
        [{ MATCH_parentID: 'parent' }, 'MATCH_parentID'],
        [{ MATCH_inputEPC: 'https://id.gs1.org/01/06970123100015/21/S1' }, 'MATCH_inputEPC'],
        [{ MATCH_outputEPC: 'x' }, 'MATCH_outputEPC'],
        [{ MATCH_anyEPC: 'urn:epc:id:sscc:6970123.1' }, 'MATCH_anyEPC'],
        [{ MATCH_epcClass: EPC.a1 }, 'MATCH_epcClass'],
        [{ EQ_source_location: 'not-a-uri' }, 'EQ_source_location'],
        [{ EQ_destination_owning_party: 'urn:suyuan:party:123' }, 'EQ_destination_owning_party'],
        [{ orderBy: 'quantity' }, 'orderBy'],
        [{ orderBy: 'eventTime', orderDirection: 'UP' }, 'orderDirection'],
        [{ orderBy: 'eventTime', eventCountLimit: '0' }, 'eventCountLimit'],
        [{ orderBy: 'eventTime', eventCountLimit: '-1' }, 'eventCountLimit'],
        [{ orderBy: 'eventTime', eventCountLimit: 'ten' }, 'eventCountLimit'],
        [{ perPage: '0' }, 'perPage'],
        [{ perPage: 'many' }, 'perPage'],
        [{ perPage: '2.5' }, 'perPage'],
        [{ perPage: '1001' }, 'perPage'],
      ];
      for (const [params, field] of cases) await expectParamError(url(params), field);
      // A single-valued parameter given twice.
      await expectParamError('/epcis/events?orderBy=eventTime&orderBy=recordTime', 'orderBy');
      await expectParamError('/epcis/events?GE_eventTime=2026-10-01T00:00:00Z&GE_eventTime=2026-10-02T00:00:00Z', 'GE_eventTime');
    });

    test('unknown and unevaluated parameters: 400, never silently ignored', async () => {
      await expectParamError(url({ colour: 'red' }), 'colour');
      await expectParamError(url({ EQ_colour: 'red' }), 'EQ_colour');
      await expectParamError(url({ eventtype: 'ObjectEvent' }), 'eventtype');
      await expectParamError(url({ EQ_quantity: '5' }), 'EQ_quantity');
      await expectParamError(url({ eventType: 'ObjectEvent', EQ_bizstep: 'shipping' }), 'EQ_bizstep');
    });

    test('GET /epcis/events/{eventID}: found, and 404 NoSuchResourceException', async () => {
      for (const id of [E3, E5]) {
        const res = await t.inject({ method: 'GET', url: `/epcis/events/${encodeURIComponent(id)}`, key });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.eventID, id);
        assert.equal(body.recordTime, RECORD_TIME[id]);
        assert.deepEqual(validateEpcisDocument(body), []);
      }
      const missing = await t.inject({ method: 'GET', url: `/epcis/events/${encodeURIComponent('urn:uuid:99999999-0000-4000-8000-000000000000')}`, key });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().type, 'epcisException:NoSuchResourceException');
    });

    test('GET /epcis/epcs/{epc}/events: the EPC in any role, any form, with further parameters and paging', async () => {
      const path = (epc: string) => `/epcis/epcs/${encodeURIComponent(epc)}/events`;
      for (const form of [EPC.a1, EPC.a1DL, EPC.a1OtherHost]) {
        const r = await get(path(form));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual([...r.ids].sort(), [E1, E2, E4], form);
      }
      const b = await get(path(EPC.b1DL));
      assert.deepEqual([...b.ids].sort(), [E4, E6]);
      const sscc = await get(path(EPC.sscc));
      assert.deepEqual(sscc.ids, [E3]);
      const objects = await get(`${path(EPC.a1)}?eventType=ObjectEvent`);
      assert.deepEqual([...objects.ids].sort(), [E1, E2]);
      const ordered = await get(`${path(EPC.a2)}?orderBy=eventTime&orderDirection=ASC`);
      assert.deepEqual(ordered.ids, [E1, E3, E7, E8]);
      const pages = await allPages(`${path(EPC.a2)}?perPage=1&orderBy=eventTime&orderDirection=ASC`);
      assert.deepEqual(pages, [[E1], [E3], [E7], [E8]]);
      const none = await get(path('urn:epc:id:sgtin:6970123.010001.NOPE'));
      assert.equal(none.status, 200);
      assert.deepEqual(none.ids, []);
      const bad = await get(`${path(EPC.a1)}?orderDirection=SIDEWAYS`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.type, 'epcisException:QueryParameterException');
      assert.equal(bad.body.field, 'orderDirection');
    });

    test('top-level resources: /epcis/eventTypes, /epcis/bizSteps, /epcis/dispositions', async () => {
      const types = await t.inject({ method: 'GET', url: '/epcis/eventTypes', key });
      assert.equal(types.statusCode, 200);
      assert.equal(types.json().type, 'Collection');
      assert.deepEqual(types.json().member, ['AggregationEvent', 'AssociationEvent', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent']);

      const steps = await t.inject({ method: 'GET', url: '/epcis/bizSteps', key });
      assert.equal(steps.statusCode, 200);
      assert.equal(steps.json().type, 'Collection');
      assert.deepEqual([...steps.json().member].sort(), [...new Set([...BIZ_STEPS, CUSTOM_STEP])].sort());
      // Another firm's view lists only the standard terms: one firm's own vocabulary is not shown to others.
      const stranger = await t.party();
      const theirs = await t.inject({ method: 'GET', url: '/epcis/bizSteps', key: stranger.key });
      assert.deepEqual([...theirs.json().member].sort(), [...BIZ_STEPS].sort());

      const disps = await t.inject({ method: 'GET', url: '/epcis/dispositions', key });
      assert.equal(disps.statusCode, 200);
      assert.equal(disps.json().type, 'Collection');
      assert.deepEqual([...disps.json().member].sort(), [...DISPOSITIONS].sort());

      for (const path of ['/epcis/eventTypes', '/epcis/bizSteps', '/epcis/dispositions']) {
        const anon = await t.inject({ method: 'GET', url: path });
        assert.equal(anon.statusCode, 401, path);
      }
    });
  });
}
