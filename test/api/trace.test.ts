import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, epcisDoc, freshGln, ADMIN_KEY, type TestApp } from '../support/test-app.ts';
import { testDialects } from '../support/stores.ts';
import { makeLocalCode } from '../../src/domain/identifiers/index.ts';
import { withCheckDigit } from '../../src/core/demo/huizhou-chains.ts';

// GET /api/v1/trace (issue 3 §2) over lineage kept at capture (§1): a pork chain with custody, transformation with
// quantities, serials in a lot, items → case SSCC → pallet SSCC and unpacking, retail selling; an unrelated dairy chain.

const EID = (n: number) => `urn:uuid:33333333-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const PORK_GTIN = withCheckDigit('697555010001');
const MILK_GTIN = withCheckDigit('697555020001');
const LOT_A = `https://id.gs1.org/01/0${PORK_GTIN}/10/ZA1`;
const LOT_B = `https://id.gs1.org/01/0${PORK_GTIN}/10/ZB1`;
const P = (n: number) => `https://id.gs1.org/01/0${PORK_GTIN}/21/P${n}`;
const C1 = `https://id.gs1.org/00/${withCheckDigit('06975550000000001')}`;
const C2 = `https://id.gs1.org/00/${withCheckDigit('06975550000000002')}`;
const PAL = `https://id.gs1.org/00/${withCheckDigit('06975550000000003')}`;
const MILK = `https://id.gs1.org/01/0${MILK_GTIN}/10/M1`;

const time = (n: number) => `2026-11-${String(n).padStart(2, '0')}T08:00:00.000Z`;

for (const dialect of testDialects()) {
  describe(`trace (${dialect})`, () => {
    let t: TestApp;
    const key: Record<string, string> = {};
    const alias = new Map<string, string>();
    let PIG = '';

    const ev = (n: number, type: string, body: Record<string, unknown>) => ({ type, eventID: EID(n), eventTime: time(n), eventTimeZoneOffset: '+00:00', ...body });
    const owning = (from: string, to: string) => ({ sourceList: [{ type: 'owning_party', source: from }], destinationList: [{ type: 'owning_party', destination: to }] });
    const q = (epcClass: string, quantity: number, uom: string) => ({ epcClass, quantity, uom });

    async function capture(who: string, events: unknown[]) {
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: key[who], payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().storedCount, events.length, res.body);
    }

    async function trace(who: string | undefined, code: string, query = '') {
      return t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(code)}${query}`, key: who ? (who === 'admin' ? ADMIN_KEY : key[who]) : undefined });
    }

    /** The trace's edges as `E<n> kind from>to [unit] qty`, names for ids. */
    async function edges(who: string, code: string, query = ''): Promise<string[]> {
      const res = await trace(who, code, query);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      return (body.edges as Array<Record<string, unknown>>).map((e) => {
        const n = Number(String(e.eventId).slice(-2));
        const unit = e.unit ? ` [${name(e.unit as string)}]` : '';
        const qty = e.quantity !== undefined ? ` ${e.quantity}${e.uom ?? ''}` : '';
        return `E${n} ${e.kind} ${name(e.from as string)}>${name(e.to as string)}${unit}${qty}`;
      }).sort();
    }
    const name = (id: string) => alias.get(id) ?? id;

    before(async () => {
      t = await createTestApp(dialect);
      const sGln = freshGln(), sSite = freshGln(), rGln = freshGln(), rSite = freshGln(), mGln = freshGln();
      const farm = await t.party({ name: '绿源养殖', kind: 'farm', region: '441322', sites: [{ localId: 'PIG-01', name: '石湾基地', address: '博罗县石湾镇', region: '441322' }] });
      const slaughter = await t.party({ gln: sGln, name: '金盛肉联', kind: 'slaughterhouse', region: '441303', sites: [{ gln: sSite, name: '淡水屠宰厂', address: '惠阳区淡水', region: '441303' }] });
      const retailer = await t.party({ gln: rGln, name: '百佳超市', kind: 'retailer', region: '441302', sites: [{ gln: rSite, name: '下埔店', address: '惠城区下埔路', region: '441302' }] });
      const market = await t.party({ gln: mGln, name: '东江农批', kind: 'market', region: '441302' });
      const dairy = await t.party({ name: '高潭牧业', kind: 'farm', region: '441323' });
      const canteen = await t.party({ name: '实验小学食堂', kind: 'canteen', region: '441302' });
      const stranger = await t.party({ name: '无关企业', kind: 'producer', region: '441302' });
      const agri = await t.party({ name: '惠州市农业局', kind: 'regulator', region: '441300', department: 'agriculture', regions: ['441300'] });
      const agriHuicheng = await t.party({ name: '惠城区农业局', kind: 'regulator', region: '441302', department: 'agriculture', regions: ['441302'] });
      const foodDrug = await t.party({ name: '惠州市食药监局', kind: 'regulator', region: '441300', department: 'food-drug', regions: ['441300'] });
      const noQuery = await t.party({ name: '只采集', kind: 'producer', region: '441302' }, ['capture']);
      Object.assign(key, {
        farm: farm.key, slaughter: slaughter.key, retailer: retailer.key, market: market.key, dairy: dairy.key, canteen: canteen.key, stranger: stranger.key,
        agri: agri.key, agriHuicheng: agriHuicheng.key, foodDrug: foodDrug.key, noQuery: noQuery.key,
      });
      PIG = makeLocalCode({ issuerUscc: farm.uscc, category: 'pig', code: '20261101' });
      for (const [id, n] of [
        [farm.uri, 'F'], [slaughter.uri, 'S'], [retailer.uri, 'R'], [market.uri, 'M'], [dairy.uri, 'D'], [canteen.uri, 'Y'],
        [farm.sites[0].uri, 'F-site'], [slaughter.sites[0].uri, 'S-site'], [retailer.sites[0].uri, 'R-site'],
        [PIG, 'PIG'], [LOT_A, 'A'], [LOT_B, 'B'], [P(1), 'P1'], [P(2), 'P2'], [P(3), 'P3'], [C1, 'C1'], [C2, 'C2'], [PAL, 'PAL'], [MILK, 'MILK'],
      ] as const) alias.set(id, n);
      for (const [who, body] of [
        ['farm', { localCode: 'pig', name: '生猪', category: 'farm-produce' }],
        ['slaughter', { gtin: PORK_GTIN, name: '冷鲜猪肉', category: 'farm-produce' }],
        ['dairy', { gtin: MILK_GTIN, name: '纯牛奶', category: 'food' }],
      ] as const) {
        const res = await t.inject({ method: 'POST', url: '/api/v1/enterprise/products', key: key[who], payload: body });
        assert.equal(res.statusCode, 201, res.body);
      }
      const fSite = { id: farm.sites[0].uri }, sS = { id: slaughter.sites[0].uri }, rS = { id: retailer.sites[0].uri };
      await capture('farm', [
        ev(1, 'ObjectEvent', { action: 'ADD', bizStep: 'commissioning', quantityList: [q(PIG, 20, 'H87')], readPoint: fSite, bizLocation: fSite }),
        ev(2, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'shipping', quantityList: [q(PIG, 20, 'H87')], readPoint: fSite, ...owning(farm.uri, slaughter.uri) }),
      ]);
      await capture('slaughter', [
        ev(3, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'receiving', quantityList: [q(PIG, 20, 'H87')], readPoint: sS, bizLocation: sS, ...owning(farm.uri, slaughter.uri) }),
        ev(4, 'TransformationEvent', { bizStep: 'killing', inputQuantityList: [q(PIG, 20, 'H87')], outputQuantityList: [q(LOT_A, 1000, 'KGM'), q(LOT_B, 500, 'KGM')], readPoint: sS, bizLocation: sS }),
        ev(5, 'ObjectEvent', { action: 'ADD', bizStep: 'commissioning', epcList: [P(1), P(2), P(3)], readPoint: sS, bizLocation: sS, ilmd: { 'cbvmda:lotNumber': 'ZA1' } }),
        ev(6, 'AggregationEvent', { action: 'ADD', bizStep: 'packing', parentID: C1, childEPCs: [P(1), P(2)], readPoint: sS }),
        ev(7, 'AggregationEvent', { action: 'ADD', bizStep: 'packing', parentID: C2, childEPCs: [P(3)], readPoint: sS }),
        ev(8, 'AggregationEvent', { action: 'ADD', bizStep: 'packing', parentID: PAL, childEPCs: [C1, C2], readPoint: sS }),
        ev(9, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'shipping', epcList: [PAL], readPoint: sS, ...owning(slaughter.uri, retailer.uri) }),
        ev(10, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'shipping', quantityList: [q(LOT_B, 500, 'KGM')], readPoint: sS, ...owning(slaughter.uri, market.uri) }),
      ]);
      await capture('retailer', [
        ev(11, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'receiving', epcList: [PAL], readPoint: rS, bizLocation: rS, ...owning(slaughter.uri, retailer.uri) }),
        ev(12, 'AggregationEvent', { action: 'DELETE', bizStep: 'unpacking', parentID: PAL, childEPCs: [C1, C2], readPoint: rS }),
        ev(13, 'AggregationEvent', { action: 'DELETE', bizStep: 'unpacking', parentID: C1, readPoint: rS }),
        ev(14, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'retail_selling', epcList: [P(1)], readPoint: rS, bizLocation: rS }),
      ]);
      await capture('market', [
        ev(15, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'receiving', quantityList: [q(LOT_B, 500, 'KGM')], ...owning(slaughter.uri, market.uri) }),
      ]);
      await capture('dairy', [
        ev(16, 'ObjectEvent', { action: 'ADD', bizStep: 'commissioning', quantityList: [q(MILK, 3200, 'KGM')] }),
        ev(17, 'ObjectEvent', { action: 'OBSERVE', bizStep: 'shipping', quantityList: [q(MILK, 3000, 'KGM')], ...owning(dairy.uri, canteen.uri) }),
      ]);
    });
    after(async () => t?.close());

    const PIG_OWN = ['E1 commissioned F-site>PIG [PIG] 20H87', 'E2 shipped F>S [PIG] 20H87', 'E3 received F>S [PIG] 20H87', 'E4 consumed PIG>S-site [PIG] 20H87'];

    test('back from a sold pack: its lot and the pig lot it came from, the case and pallet that carried it — no siblings', async () => {
      assert.deepEqual(await edges('admin', P(1), '&direction=back'), [
        ...PIG_OWN,
        'E11 received S>R [PAL]', 'E12 unpacked PAL>C1', 'E13 unpacked C1>C1', 'E14 sold P1>R-site [P1]',
        'E4 produced S-site>A [A] 1000KGM', 'E4 transformed_into PIG>A 1000KGM',
        'E5 commissioned S-site>P1 [P1]', 'E5 in_lot A>P1', 'E6 packed P1>C1', 'E8 packed C1>PAL', 'E9 shipped S>R [PAL]',
      ].sort());
    });

    test('a lot and a case reached from a pack are read without the edges to their other contents', async () => {
      const show = (rows: Array<{ kind: string; from: string; to: string }>) => rows.map((e) => `${e.kind} ${name(e.from)}>${name(e.to)}`).sort();
      const whole = show(await t.deps.lineage.listEdgesTouching([LOT_A, C1], { skipTransformations: 'out' }));
      const reachedUp = show(await t.deps.lineage.listEdgesTouching([LOT_A, C1], { skipTransformations: 'out', reachedFromContents: new Set([LOT_A, C1]) }));
      for (const other of ['in_lot A>P2', 'in_lot A>P3', 'packed P2>C1']) assert.ok(whole.includes(other), `${other} is among all of their edges`);
      assert.deepEqual(whole.filter((e) => !reachedUp.includes(e)).sort(), ['in_lot A>P1', 'in_lot A>P2', 'in_lot A>P3', 'packed P1>C1', 'packed P2>C1'],
        'only the edges to their contents are left out');
      assert.ok(reachedUp.includes('unpacked C1>C1') && reachedUp.includes('packed C1>PAL') && reachedUp.includes('transformed_into PIG>A'), 'their own steps and the way on stay');
      // The same lookups, one node of each kind: the others' set and the reached-up set go in as two parameters.
      const mixed = show(await t.deps.lineage.listEdgesTouching([LOT_A, C1], { skipTransformations: 'out', reachedFromContents: new Set([C1]) }));
      assert.ok(mixed.includes('in_lot A>P2') && !mixed.includes('packed P2>C1'));
    });

    test('forward from the pig lot: both pork lots, the packs of lot A, their cases and pallet, the sale, lot B to the market', async () => {
      const res = await trace('admin', PIG, '&direction=forward');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(await edges('admin', PIG, '&direction=forward'), [
        ...PIG_OWN,
        'E4 transformed_into PIG>A 1000KGM', 'E4 transformed_into PIG>B 500KGM', 'E4 produced S-site>A [A] 1000KGM', 'E4 produced S-site>B [B] 500KGM',
        'E5 commissioned S-site>P1 [P1]', 'E5 commissioned S-site>P2 [P2]', 'E5 commissioned S-site>P3 [P3]', 'E5 in_lot A>P1', 'E5 in_lot A>P2', 'E5 in_lot A>P3',
        'E6 packed P1>C1', 'E6 packed P2>C1', 'E7 packed P3>C2', 'E8 packed C1>PAL', 'E8 packed C2>PAL', 'E9 shipped S>R [PAL]',
        'E10 shipped S>M [B] 500KGM', 'E11 received S>R [PAL]', 'E12 unpacked PAL>C1', 'E12 unpacked PAL>C2', 'E13 unpacked C1>C1',
        'E14 sold P1>R-site [P1]', 'E15 received S>M [B] 500KGM',
      ].sort());
      assert.equal(body.root.code, PIG);
      assert.equal(body.truncated, false);
      // Nodes: units with product names, parties and sites with names and regions.
      const nodes = new Map((body.nodes as Array<Record<string, string>>).map((n) => [name(n.id), n]));
      assert.deepEqual([...nodes.keys()].sort(), ['A', 'B', 'C1', 'C2', 'F', 'F-site', 'M', 'P1', 'P2', 'P3', 'PAL', 'PIG', 'R', 'R-site', 'S', 'S-site'].sort());
      assert.deepEqual(nodes.get('PIG'), { id: PIG, type: 'unit', label: '生猪', category: 'farm-produce' });
      assert.deepEqual(nodes.get('A'), { id: LOT_A, type: 'unit', label: '冷鲜猪肉', category: 'farm-produce' });
      assert.deepEqual(nodes.get('PAL'), { id: PAL, type: 'unit' });
      assert.equal(nodes.get('S-site')!.label, '淡水屠宰厂');
      assert.equal(nodes.get('S-site')!.region, '441303');
      assert.equal(nodes.get('R')!.label, '百佳超市');
      // Each edge names the event, the time and the responsible party.
      const kill = (body.edges as Array<Record<string, any>>).find((e) => e.kind === 'transformed_into' && e.to === LOT_A)!;
      assert.equal(kill.eventId, EID(4));
      assert.equal(kill.time, time(4));
      assert.equal(kill.party.name, '金盛肉联');
      // The timeline: one step per event, in time order.
      const steps = body.timeline as Array<Record<string, any>>;
      assert.deepEqual(steps.map((s) => Number(s.eventId.slice(-2))), Array.from({ length: 15 }, (_, i) => i + 1));
      assert.deepEqual(steps.map((s) => s.kind), [
        'commissioned', 'shipped', 'received', 'transformed_into', 'commissioned', 'packed', 'packed', 'packed', 'shipped', 'shipped', 'received', 'unpacked', 'unpacked', 'sold', 'received',
      ]);
      assert.deepEqual(steps[3], {
        time: time(4), eventId: EID(4), eventType: 'TransformationEvent', kind: 'transformed_into', kinds: ['transformed_into', 'produced', 'consumed'], bizStep: 'killing',
        place: { id: [...alias].find(([, v]) => v === 'S-site')![0], name: '淡水屠宰厂', region: '441303' }, region: '441303',
        party: steps[3].party, units: [LOT_A, LOT_B, PIG].sort(),
      });
      assert.equal(steps[3].party.name, '金盛肉联');
      assert.equal(steps[13].place.name, '下埔店');
    });

    test('both directions from lot A: its origin and its serials’ destinations; depth limits the hops', async () => {
      const both = await edges('admin', LOT_A);
      assert.ok(both.includes('E1 commissioned F-site>PIG [PIG] 20H87'));
      assert.ok(both.includes('E14 sold P1>R-site [P1]'));
      assert.ok(!both.some((e) => e.includes('[B]')), 'lot B is a sibling output, not an origin nor a destination of A');
      assert.deepEqual(await edges('admin', LOT_A, '&depth=0'), ['E4 produced S-site>A [A] 1000KGM']);
      // One hop back: the pig lot it came from and the packs it was made into (its contents), each with its own steps.
      assert.deepEqual(await edges('admin', LOT_A, '&depth=1&direction=back'), [
        ...PIG_OWN, 'E4 produced S-site>A [A] 1000KGM', 'E4 transformed_into PIG>A 1000KGM',
        'E5 in_lot A>P1', 'E5 in_lot A>P2', 'E5 in_lot A>P3', 'E5 commissioned S-site>P1 [P1]', 'E5 commissioned S-site>P2 [P2]', 'E5 commissioned S-site>P3 [P3]',
      ].sort());
      assert.deepEqual(await edges('admin', PIG, '&depth=1&direction=forward'), [
        ...PIG_OWN, 'E4 transformed_into PIG>A 1000KGM', 'E4 transformed_into PIG>B 500KGM',
        'E4 produced S-site>A [A] 1000KGM', 'E4 produced S-site>B [B] 500KGM', 'E10 shipped S>M [B] 500KGM', 'E15 received S>M [B] 500KGM',
      ].sort());
      // Any accepted form of the code: the element string of the lot traces the same.
      assert.deepEqual(await edges('admin', `(01)0${PORK_GTIN}(10)ZA1`, '&depth=0'), ['E4 produced S-site>A [A] 1000KGM']);
    });

    test('the unrelated chain stays apart', async () => {
      assert.deepEqual(await edges('admin', MILK), ['E16 commissioned MILK>MILK [MILK] 3200KGM', 'E17 shipped D>Y [MILK] 3000KGM']);
      const pork = await edges('admin', PIG);
      assert.ok(!pork.some((e) => e.includes('MILK')));
    });

    test('a firm sees its own links and one step up and down', async () => {
      // The farm: its own events on the pig lot, and the slaughter that consumed it — not what became of the pork.
      assert.deepEqual(await edges('farm', PIG), [...PIG_OWN, 'E4 transformed_into PIG>A 1000KGM', 'E4 transformed_into PIG>B 500KGM'].sort());
      // The retailer, back from the pack it sold: the case it came in (the slaughterhouse's packing), the pallet it
      // received and unpacked — not the slaughter, the farm or the other packs.
      assert.deepEqual(await edges('retailer', P(1), '&direction=back'), [
        'E6 packed P1>C1', 'E9 shipped S>R [PAL]', 'E11 received S>R [PAL]', 'E12 unpacked PAL>C1', 'E13 unpacked C1>C1', 'E14 sold P1>R-site [P1]',
      ].sort());
      // The market sees lot B's shipment and receipt and the slaughter that made it, not the farm.
      assert.deepEqual(await edges('market', LOT_B, '&direction=back'), ['E10 shipped S>M [B] 500KGM', 'E15 received S>M [B] 500KGM', 'E4 produced S-site>B [B] 500KGM', 'E4 transformed_into PIG>B 500KGM'].sort());
      // A firm with no link to the chain sees nothing of it.
      const none = await trace('stranger', PIG);
      assert.equal(none.statusCode, 200);
      assert.deepEqual(none.json().edges, []);
      assert.deepEqual(none.json().timeline, []);
      assert.deepEqual(none.json().nodes.map((n: { id: string }) => n.id), [PIG]);
    });

    test('a firm named as a source or destination under a type of the sender’s own sees that event; others do not', async () => {
      // Visibility reads the identifier index by (identity, role, type, event): a type outside the CBV's three must
      // be found too.
      const X = `https://id.gs1.org/01/0${MILK_GTIN}/10/ZX9`;
      alias.set(X, 'X');
      const idOf = (a: string) => [...alias].find(([, n]) => n === a)![0];
      const consignee = 'https://ns.example.com/sdt/consignee';
      await capture('dairy', [
        ev(18, 'ObjectEvent', { action: 'ADD', bizStep: 'commissioning', quantityList: [q(X, 100, 'KGM')] }),
        ev(19, 'ObjectEvent', {
          action: 'OBSERVE', bizStep: 'shipping', quantityList: [q(X, 100, 'KGM')],
          sourceList: [{ type: consignee, source: idOf('D') }], destinationList: [{ type: consignee, destination: idOf('Y') }],
        }),
      ]);
      // The canteen: the shipment naming it, and one step back (the commissioning it did not see).
      assert.deepEqual(await edges('canteen', X), ['E18 commissioned X>X [X] 100KGM', 'E19 shipped D>Y [X] 100KGM']);
      assert.deepEqual(await edges('market', X), []);
    });

    test('a regulator sees everything in its department’s product lines and regions', async () => {
      const city = await edges('agri', PIG, '&direction=forward');
      // Farm-produce events anywhere in Huizhou. A pallet (SSCC) takes the product line of what was packed on it, so
      // its shipment and receipt are in scope too.
      assert.ok(city.includes('E1 commissioned F-site>PIG [PIG] 20H87'));
      assert.ok(city.includes('E9 shipped S>R [PAL]') && city.includes('E11 received S>R [PAL]'), city.join('\n'));
      assert.ok(city.includes('E15 received S>M [B] 500KGM'));
      assert.ok(city.includes('E14 sold P1>R-site [P1]'));
      assert.ok(!city.some((e) => e.includes('MILK')));
      // 惠城区 only: the market's receipt in 惠城区, nothing of the farm (博罗县) or the slaughterhouse (惠阳区).
      assert.deepEqual(await edges('agriHuicheng', LOT_B), ['E15 received S>M [B] 500KGM']);
      // Food and drugs: dairy, not pork.
      assert.deepEqual(await edges('foodDrug', PIG), []);
      assert.deepEqual(await edges('foodDrug', MILK), ['E16 commissioned MILK>MILK [MILK] 3200KGM', 'E17 shipped D>Y [MILK] 3000KGM']);
    });

    test('no key → 401, a key without the query scope → 403; every trace is audited', async () => {
      assert.equal((await trace(undefined, PIG)).statusCode, 401);
      const res = await trace('noQuery', PIG);
      assert.equal(res.statusCode, 403, res.body);
      const audit = await t.inject({ method: 'GET', url: '/api/v1/admin/audit?action=trace.read', key: ADMIN_KEY });
      assert.equal(audit.statusCode, 200, audit.body);
      const entries = JSON.stringify(audit.json());
      assert.match(entries, /trace\.read/);
      assert.ok(entries.includes(PIG));
    });

    test('a bad code → 400 naming code; a party code, a bad direction or depth → 400 naming the field', async () => {
      const bad = await trace('admin', `(01)0${PORK_GTIN.slice(0, -1)}${(Number(PORK_GTIN.at(-1)) + 1) % 10}`);
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().field, 'code');
      assert.equal(bad.json().code, 'invalid_code');
      assert.match(bad.json().detail, /check digit/);
      const party = await trace('admin', 'urn:suyuan:party:' + [...alias].find(([, v]) => v === 'F')![0].split(':').pop());
      assert.equal(party.statusCode, 400, party.body);
      assert.equal(party.json().code, 'not_a_unit');
      assert.equal(party.json().field, 'code');
      const missing = await t.inject({ method: 'GET', url: '/api/v1/trace', key: ADMIN_KEY });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().field, 'code');
      assert.equal((await trace('admin', PIG, '&direction=sideways')).statusCode, 400);
      const deep = await trace('admin', PIG, '&depth=51');
      assert.equal(deep.statusCode, 400);
      assert.equal(deep.json().field, 'depth');
    });
  });
}

for (const dialect of testDialects()) {
  test(`past the node cap a trace keeps no edge to a unit it left out (${dialect})`, async () => {
    const t = await createTestApp(dialect);
    try {
      const maker = await t.party({ name: '扇出食品', kind: 'producer', region: '441302' });
      const gtin = `0${withCheckDigit('697012345678')}`;
      const lot = `https://id.gs1.org/01/${gtin}/10/FAN1`;
      const serials = Array.from({ length: 30 }, (_, i) => `https://id.gs1.org/01/${gtin}/21/FAN1S${i}`);
      const made = {
        type: 'TransformationEvent', eventTime: '2026-11-01T08:00:00+08:00', eventTimeZoneOffset: '+08:00', bizStep: 'commissioning',
        inputQuantityList: [{ epcClass: lot, quantity: 30, uom: 'KGM' }], outputEPCList: serials,
      };
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: maker.key, payload: epcisDoc([made]) });
      assert.equal(res.statusCode, 202, res.body);

      const { traceUnit } = await import('../../src/core/trace-unit.ts');
      const capped = await traceUnit(t.deps, { kind: 'admin', keyId: 'test' }, { code: lot, direction: 'forward', depth: 10 }, { nodeCap: 10 });
      assert.equal(capped.truncated, true);
      const nodes = new Set(capped.nodes.map((n) => n.id));
      const toSerials = capped.edges.filter((e) => e.kind === 'transformed_into');
      // The lot and the serials the cap let in, and an edge to each of those serials only (there were 30 before).
      assert.ok(toSerials.length > 0 && toSerials.length < serials.length, `${toSerials.length} edges`);
      for (const e of toSerials) assert.ok(nodes.has(e.from) && nodes.has(e.to), `${e.from} → ${e.to} is in the trace's nodes`);
      // The resolver's question (was this code captured here?) reads one edge a lookup, not the lot's 30.
      const one = await t.deps.lineage.listEdgesTouchingAtMost([lot], 1);
      assert.ok(one.length >= 1 && one.length <= 3, `${one.length} rows`);
      const { findRegistration, resolveCode } = await import('../../src/core/public/resolve-code.ts');
      assert.equal((await findRegistration(t.deps, resolveCode(lot))).registered, true);
      const whole = await traceUnit(t.deps, { kind: 'admin', keyId: 'test' }, { code: lot, direction: 'forward', depth: 10 });
      assert.equal(whole.truncated, false);
      assert.equal(whole.edges.filter((e) => e.kind === 'transformed_into').length, serials.length);
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects()) {
  test(`back from a batch, its raw lot's use in earlier batches is not its ancestry; forward and from the lot it is (${dialect})`, async () => {
    const t = await createTestApp(dialect);
    try {
      const dairy = await t.party({ name: '东江乳业', kind: 'processor', region: '441302' });
      const milkGtin = `0${withCheckDigit('697012345690')}`;
      const yoghurtGtin = `0${withCheckDigit('697012345691')}`;
      const MILK = `https://id.gs1.org/01/${milkGtin}/10/RM1`;
      const Y = (n: number) => `https://id.gs1.org/01/${yoghurtGtin}/10/Y${n}`;
      const at = (day: number) => ({ eventTime: `2026-11-0${day}T08:00:00+08:00`, eventTimeZoneOffset: '+08:00' });
      const batch = (day: number, n: number, kg: number) => ({
        type: 'TransformationEvent', ...at(day), bizStep: 'commissioning',
        inputQuantityList: [{ epcClass: MILK, quantity: kg, uom: 'KGM' }], outputQuantityList: [{ epcClass: Y(n), quantity: kg, uom: 'KGM' }],
      });
      const events = [
        { type: 'ObjectEvent', ...at(1), action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: MILK, quantity: 3000, uom: 'KGM' }] },
        batch(2, 1, 1000), batch(3, 2, 1500), batch(4, 3, 500),
      ];
      const res = await t.inject({ method: 'POST', url: '/epcis/capture', key: dairy.key, payload: epcisDoc(events) });
      assert.equal(res.statusCode, 202, res.body);
      const name = (id: string) => (id === MILK ? 'MILK' : id.slice(id.lastIndexOf('/') + 1));
      const traced = async (code: string, direction: string) => {
        const r = await t.inject({ method: 'GET', url: `/api/v1/trace?code=${encodeURIComponent(code)}&direction=${direction}`, key: ADMIN_KEY });
        assert.equal(r.statusCode, 200, r.body);
        const body = r.json() as { edges: Array<{ kind: string; from: string; to: string; time: string }>; timeline: unknown[] };
        return { edges: body.edges.map((e) => `${e.time.slice(8, 10)} ${e.kind} ${name(e.from)}>${name(e.to)}`).sort(), steps: body.timeline.length };
      };
      // Y2 was made on the 3rd: the milk's commissioning and that batch, not the 2nd's batch Y1 made from the same lot.
      const back = await traced(Y(2), 'back');
      assert.deepEqual(back.edges, ['01 commissioned MILK>MILK', '03 consumed MILK>MILK', '03 produced Y2>Y2', '03 transformed_into MILK>Y2']);
      assert.equal(back.steps, 2, 'two events: the milk commissioned, the batch made');
      assert.ok(!back.edges.some((e) => e.startsWith('02 ')), 'the earlier batch Y1 is a sibling');
      // The lot itself shows all its own steps; forward from it, every batch.
      assert.deepEqual((await traced(MILK, 'back')).edges.filter((e) => e.includes('consumed')).map((e) => e.slice(0, 2)), ['02', '03', '04']);
      assert.deepEqual((await traced(MILK, 'forward')).edges.filter((e) => e.includes('transformed_into')), ['02 transformed_into MILK>Y1', '03 transformed_into MILK>Y2', '04 transformed_into MILK>Y3']);
      // The public chain behind Y2's scan page: the same two events, each checked against the ledger.
      const scan = await t.inject({ method: 'GET', url: `/api/v1/public/scan?code=${encodeURIComponent(Y(2))}` });
      assert.equal(scan.statusCode, 200, scan.body);
      const view = scan.json() as { timeline: Array<{ time: string }>; verification: { checked: number; verified: boolean } };
      assert.deepEqual(view.timeline.map((s) => s.time), ['2026-11-01T08:00:00+08:00', '2026-11-03T08:00:00+08:00'].map((d) => new Date(d).toISOString()));
      assert.deepEqual([view.verification.checked, view.verification.verified], [2, true]);
    } finally {
      await t.close();
    }
  });
}
