import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testDialects } from '../support/stores.ts';
import { demoApp, epcisDoc, type TestApp } from '../support/test-app.ts';
import { gs1CheckDigit } from '../../src/domain/identifiers/gs1-linters.ts';

const PORK_LOT = 'https://id.gs1.org/01/06970123100014/10/ZR20261103';
const CARTON_LOT = 'https://id.gs1.org/01/06970123200011/10/LY261106';

for (const dialect of testDialects()) {
  describe(`recalls on ${dialect} (demo chains)`, () => {
    let t: TestApp;
    let keys: Record<string, { key: string; partyId: string }>;
    let pigLot: string;
    let milkLot: string;
    before(async () => {
      ({ t, keys } = await demoApp(dialect));
      const inputs = await t.deps.store.db.selectFrom('lineage_edge').select(['from_node', 'to_node']).where('kind', '=', 'transformed_into').execute();
      pigLot = inputs.find((e) => e.to_node === PORK_LOT)!.from_node;
      milkLot = inputs.find((e) => e.to_node === CARTON_LOT)!.from_node;
    });
    after(async () => t?.close());

    const open = (key: string, body: unknown) => t.inject({ method: 'POST', url: '/api/v1/regulator/recalls', key, payload: body });

    test('a recall of the pig lot reaches the pork, every holder with its stock, the sales scope and the origin', async () => {
      const res = await open(keys['reg-agriculture'].key, { codes: [pigLot], reason: '非洲猪瘟疫点排查 ASF suspicion', severity: 'level-1' });
      assert.equal(res.statusCode, 201, res.body);
      const r = res.json();
      assert.match(r.id, /^rcl_/);
      assert.equal(r.status, 'open');
      const codes = r.impact.units.map((u: { code: string }) => u.code).sort();
      assert.deepEqual(codes, [PORK_LOT, pigLot].sort());
      const pork = r.impact.units.find((u: { code: string }) => u.code === PORK_LOT);
      assert.equal(pork.product, '冷鲜猪肉（白条）');
      assert.deepEqual([pork.quantity, pork.unit], [1580, 'KGM'], 'what the slaughter made of the pigs');
      const onHand = Object.fromEntries(r.impact.holders.map((h: { partyId: string; onHand: Array<{ value: number }> }) => [h.partyId, h.onHand.map((o) => o.value)]));
      assert.deepEqual(onHand, { [keys.market.partyId]: [780], [keys.supermarket.partyId]: [187.5], [keys.canteen.partyId]: [200] });
      assert.deepEqual(r.impact.regions, ['441302', '441303']);
      assert.deepEqual(r.impact.sold, [{ region: '441302', value: 412.5, unit: 'KGM' }]);
      assert.deepEqual(r.impact.origins.map((o: { code: string; partyId: string }) => [o.code, o.partyId]), [[pigLot, keys.farm.partyId]]);
      assert.equal(r.notices.length, 3);
      // Wherever the pork is shown now, it is marked as under this recall.
      const trace = (await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(PORK_LOT)}`, key: keys['reg-agriculture'].key })).json();
      assert.deepEqual(trace.nodes.find((n: { id: string }) => n.id === PORK_LOT).recalls, [r.id]);
      const quantities = (await t.inject({ method: 'GET', url: `/api/v1/quantities?code=${encodeURIComponent(PORK_LOT)}`, key: keys.market.key })).json();
      assert.deepEqual(quantities.recalls, [r.id]);
      const again = await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${r.id}`, key: keys['reg-commerce'].key });
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json().impact, r.impact);
    });

    test('a recall of raw milk reaches cartons, the pallet they were packed on, and the sold carton', async () => {
      const r = (await open(keys['reg-food-drug'].key, { codes: [milkLot], reason: '抗生素残留 antibiotic residue', severity: 'level-2' })).json();
      const codes = new Set(r.impact.units.map((u: { code: string }) => u.code));
      assert.ok(codes.has(CARTON_LOT));
      for (let n = 1; n <= 3; n++) assert.ok(codes.has(`https://id.gs1.org/01/06970123200011/21/LY261106${String(n).padStart(4, '0')}`), `carton ${n}`);
      const pallet = r.impact.units.find((u: { code: string }) => u.code.startsWith('https://id.gs1.org/00/'));
      assert.ok(pallet, 'the pallet SSCC');
      // A container reached by packing is not as much as the carton lot packed on it: its quantity is unknown.
      assert.deepEqual([pallet.quantity, pallet.unit], [null, null]);
      assert.deepEqual(r.impact.sold, [{ region: '441302', value: 1, unit: 'H87' }]);
      const holders = new Set(r.impact.holders.map((h: { partyId: string }) => h.partyId));
      assert.ok(holders.has(keys.distributor.partyId) && holders.has(keys.supermarket.partyId) && holders.has(keys['dairy-plant'].partyId));
    });

    test('exports: one row per critical tracking event, as JSON, CSV and a sortable xlsx', async () => {
      const reg = keys['reg-agriculture'].key;
      const recallId = (await t.inject({ method: 'GET', url: '/api/v1/enterprise/recall-notices', key: keys.market.key })).json()[0].recallId;
      const json = await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${recallId}/export?format=json`, key: reg });
      assert.equal(json.statusCode, 200, json.body);
      const rows = json.json().rows as Array<Record<string, unknown>>;
      const porkRows = rows.filter((r) => r.traceabilityLotCode === PORK_LOT);
      const kinds = porkRows.map((r) => String(r.eventType).split(' ')[0]);
      assert.deepEqual(kinds.slice(0, 4), ['Transformation', 'Shipping', 'Receiving', 'Observation']);
      const shipToMarket = porkRows.find((r) => String(r.eventType).startsWith('Shipping') && r.quantity === 1580)!;
      assert.equal(shipToMarket.shipFrom, '惠州市惠阳区金盛肉联有限公司');
      assert.equal(shipToMarket.shipTo, '惠州市惠城区东江农产品批发市场有限公司');
      assert.equal(shipToMarket.unitOfMeasure, 'KGM');
      assert.equal(shipToMarket.productDescription, '冷鲜猪肉（白条）');
      assert.match(String(shipToMarket.referenceDocument), /desadv urn:suyuan:desadv:JS20261103-07/);
      assert.match(String(shipToMarket.eventId), /^ni:\/\/\/sha-256;/);
      assert.equal(porkRows.find((r) => String(r.eventType).startsWith('Retail'))!.quantity, 412.5);
      assert.ok(rows.some((r) => r.traceabilityLotCode !== PORK_LOT && String(r.eventType).startsWith('Initial packing')), 'the pig lot commissioning');

      const csv = await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${recallId}/export?format=csv`, key: reg });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.startsWith('\uFEFF关键追溯事件 Critical tracking event,'));
      assert.equal(csv.body.trim().split('\r\n').length, rows.length + 1);

      const xlsx = await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${recallId}/export?format=xlsx`, key: reg });
      assert.equal(xlsx.statusCode, 200);
      assert.match(xlsx.headers['content-disposition'] as string, /\.xlsx"$/);
      const ExcelJS = (await import('exceljs')).default;
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as never);
      const sheet = book.worksheets[0];
      assert.equal(sheet.rowCount, rows.length + 1);
      assert.equal(sheet.getRow(1).getCell(2).value, '追溯批次码 Traceability lot code');
      assert.ok(sheet.autoFilter, 'sortable: the header row carries a filter');
      assert.equal(sheet.views[0]?.state, 'frozen');
      assert.equal(sheet.getRow(1).font?.bold, true);
      assert.equal(book.worksheets[1]?.name, 'Recall 召回');
      assert.equal(book.worksheets[1]?.getCell('B2').value, recallId);
      assert.equal((await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${recallId}/export?format=pdf`, key: reg })).statusCode, 400);
      assert.equal((await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${recallId}/export`, key: keys.market.key })).statusCode, 403);
    });

    test('holders read and acknowledge their notices; only regulators open recalls; bad input names the field', async () => {
      const inbox = await t.inject({ method: 'GET', url: '/api/v1/enterprise/recall-notices', key: keys.canteen.key });
      assert.equal(inbox.statusCode, 200);
      const notices = inbox.json();
      assert.equal(notices.length, 1);
      assert.equal(notices[0].severity, 'level-1');
      assert.equal(notices[0].status, 'sent');
      const ack = await t.inject({ method: 'POST', url: `/api/v1/enterprise/recall-notices/${notices[0].id}/acknowledge`, key: keys.canteen.key });
      assert.equal(ack.statusCode, 200);
      assert.equal(ack.json().status, 'acknowledged');
      const recall = (await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${notices[0].recallId}`, key: keys['reg-agriculture'].key })).json();
      assert.equal(recall.notices.find((n: { partyId: string }) => n.partyId === keys.canteen.partyId).status, 'acknowledged');
      const foreign = await t.inject({ method: 'POST', url: `/api/v1/enterprise/recall-notices/${notices[0].id}/acknowledge`, key: keys.market.key });
      assert.equal(foreign.statusCode, 404);
      const firm = await open(keys.market.key, { codes: [PORK_LOT], reason: 'x', severity: 'level-3' });
      assert.equal(firm.statusCode, 403);
      assert.equal(firm.json().code, 'regulator_only');
      const badCode = await open(keys['reg-agriculture'].key, { codes: [PORK_LOT, '(01)06970123100013'], reason: 'x', severity: 'level-3' });
      assert.equal(badCode.statusCode, 400);
      assert.equal(badCode.json().field, 'codes[1]');
      const badLevel = await open(keys['reg-agriculture'].key, { codes: [PORK_LOT], reason: 'x', severity: 'urgent' });
      assert.equal(badLevel.statusCode, 400);
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/regulator/recalls/rcl_nope', key: keys['reg-agriculture'].key })).statusCode, 404);
    });

    test('a container packed with part of a recalled lot is reached, its quantity unknown; the lot keeps its own', async () => {
      const body = `06970123${'1'.repeat(9)}`;
      const sscc = `https://id.gs1.org/00/${body}${gs1CheckDigit(body)}`;
      const party = (await t.inject({ method: 'GET', url: `/api/v1/admin/parties/${keys.market.partyId}`, key: 'test-admin-key-0123456789' })).json();
      const packing = {
        type: 'AggregationEvent', eventTime: '2026-11-09T08:00:00+08:00', eventTimeZoneOffset: '+08:00', action: 'ADD', bizStep: 'packing',
        parentID: sscc, childQuantityList: [{ epcClass: PORK_LOT, quantity: 100, uom: 'KGM' }], readPoint: { id: party.sites[0].uri },
      };
      assert.equal((await t.inject({ method: 'POST', url: '/epcis/capture', key: keys.market.key, payload: epcisDoc([packing]) })).statusCode, 202);
      const r = (await open(keys['reg-agriculture'].key, { codes: [PORK_LOT], reason: '复检 re-test', severity: 'level-3' })).json();
      const unit = (code: string) => r.impact.units.find((u: { code: string }) => u.code === code);
      assert.ok(unit(sscc), 'the container is affected');
      assert.deepEqual([unit(sscc).quantity, unit(sscc).unit], [null, null]);
      assert.deepEqual([unit(PORK_LOT).quantity, unit(PORK_LOT).unit], [null, null], 'a recalled code is given no quantity of its own');
    });
  });
}

for (const dialect of testDialects()) {
  describe(`recall lifecycle on ${dialect}`, () => {
    let t: TestApp;
    let keys: Record<string, { key: string; partyId: string }>;
    before(async () => ({ t, keys } = await demoApp(dialect)));
    after(async () => t?.close());

    /** A holder reports, as an ordinary EPCIS event naming the recall, what it did with its stock. */
    const report = async (who: string, recall: { reportWith: { type: string; bizTransaction: string } }, bizStep: string, quantity: number, extra: Record<string, unknown> = {}) => {
      const party = (await t.inject({ method: 'GET', url: `/api/v1/admin/parties/${keys[who].partyId}`, key: 'test-admin-key-0123456789' })).json();
      const event = {
        type: 'ObjectEvent', eventTime: '2026-11-10T09:00:00+08:00', eventTimeZoneOffset: '+08:00', action: 'OBSERVE', bizStep,
        disposition: bizStep === 'destroying' ? 'destroyed' : 'in_transit', quantityList: [{ epcClass: PORK_LOT, quantity, uom: 'KGM' }],
        readPoint: { id: party.sites[0].uri }, bizLocation: { id: party.sites[0].uri },
        bizTransactionList: [recall.reportWith], ...extra,
      };
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: keys[who].key, payload: epcisDoc([event]) });
      assert.equal(res.statusCode, 202, res.body);
    };

    test('holders acknowledge and report destroyed or recovered stock; the recall closes only when all are accounted for', async () => {
      const reg = keys['reg-agriculture'].key;
      const opened = (await t.inject({ method: 'POST', url: '/api/v1/regulator/recalls', key: reg, payload: { codes: [PORK_LOT], reason: '检出违禁药物', severity: 'level-1' } })).json();
      assert.deepEqual(opened.reportWith, { type: 'urn:suyuan:btt:recall', bizTransaction: `urn:suyuan:recall:${opened.id}` });
      assert.deepEqual([opened.progress.accountedFor, opened.progress.total], [0, 3]);
      for (const who of ['canteen', 'supermarket', 'market']) {
        const notice = (await t.inject({ method: 'GET', url: '/api/v1/enterprise/recall-notices', key: keys[who].key })).json()[0];
        await t.inject({ method: 'POST', url: `/api/v1/enterprise/recall-notices/${notice.id}/acknowledge`, key: keys[who].key });
      }
      await report('canteen', opened, 'destroying', 200);
      await report('supermarket', opened, 'destroying', 187.5);
      const early = await t.inject({ method: 'POST', url: `/api/v1/regulator/recalls/${opened.id}/close`, key: reg });
      assert.equal(early.statusCode, 422, early.body);
      assert.equal(early.json().code, 'holders_unaccounted');
      assert.match(early.json().detail, new RegExp(keys.market.partyId));
      const mid = (await t.inject({ method: 'GET', url: `/api/v1/regulator/recalls/${opened.id}`, key: reg })).json();
      const canteen = mid.progress.holders.find((h: { partyId: string }) => h.partyId === keys.canteen.partyId);
      assert.deepEqual(canteen.destroyed, [{ code: PORK_LOT, value: 200, unit: 'KGM' }]);
      assert.deepEqual(canteen.onHandNow, []);
      assert.equal(canteen.accountedFor, true);
      assert.deepEqual([mid.progress.accountedFor, mid.progress.total], [2, 3]);
      // The market sends its 780 kg back to the slaughterhouse under the recall.
      const slaughter = (await t.inject({ method: 'GET', url: `/api/v1/admin/parties/${keys.slaughter.partyId}`, key: 'test-admin-key-0123456789' })).json();
      const market = (await t.inject({ method: 'GET', url: `/api/v1/admin/parties/${keys.market.partyId}`, key: 'test-admin-key-0123456789' })).json();
      await report('market', opened, 'shipping', 780, {
        sourceList: [{ type: 'owning_party', source: market.uri }], destinationList: [{ type: 'owning_party', destination: slaughter.uri }],
      });
      const closed = await t.inject({ method: 'POST', url: `/api/v1/regulator/recalls/${opened.id}/close`, key: reg });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.equal(closed.json().status, 'closed');
      assert.ok(closed.json().closedAt);
      const marketProgress = closed.json().progress.holders.find((h: { partyId: string }) => h.partyId === keys.market.partyId);
      assert.deepEqual(marketProgress.recovered, [{ code: PORK_LOT, value: 780, unit: 'KGM' }]);
      // A closed recall no longer marks the units.
      const q = (await t.inject({ method: 'GET', url: `/api/v1/quantities?code=${encodeURIComponent(PORK_LOT)}`, key: reg })).json();
      assert.deepEqual(q.recalls, []);
      assert.equal((await t.inject({ method: 'POST', url: `/api/v1/regulator/recalls/${opened.id}/close`, key: reg })).statusCode, 409);
    });
  });
}
