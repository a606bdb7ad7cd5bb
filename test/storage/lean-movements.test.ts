import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUANTITY_EDGE_KINDS } from '../../src/domain/trace/quantity-ledger.ts';
import { demoApp, epcisDoc } from '../support/test-app.ts';

const PORK_LOT = 'https://id.gs1.org/01/06970123100014/10/ZR20261103';
import { testDialects } from '../support/stores.ts';

for (const dialect of testDialects()) {
  test(`the recall's lean movement read gives what the general read gives, in its order, on ${dialect}`, async () => {
    const { t, keys } = await demoApp(dialect);
    try {
      const db = t.deps.store.db;
      // A lot re-worked into itself (trimmed: 10 kg in, 8 kg out): two edges of one event about one unit, whose order
      // by kind (consumed, produced) is not the stored order (by quantity first).
      const rework = {
        type: 'TransformationEvent', eventTime: '2026-11-09T08:00:00+08:00', eventTimeZoneOffset: '+08:00', bizStep: 'repackaging',
        inputQuantityList: [{ epcClass: PORK_LOT, quantity: 10, uom: 'KGM' }], outputQuantityList: [{ epcClass: PORK_LOT, quantity: 8, uom: 'KGM' }],
      };
      assert.equal((await t.inject({ method: 'POST', url: '/epcis/capture', key: keys.market.key, payload: epcisDoc([rework]) })).statusCode, 202);
      const about = await db.selectFrom('lineage_edge').select('unit').distinct().where('unit', '!=', '').execute();
      const containers = await db.selectFrom('lineage_edge').select('to_node').distinct().where('kind', 'in', ['packed', 'unpacked']).execute();
      // Shuffled, so that the order given is not the stored order.
      const units = [...new Set([...about.map((r) => r.unit), ...containers.map((r) => r.to_node)])].sort().reverse();
      const holdings = t.deps.holdings;
      const general = (await holdings.listMovementsOfUnits(units, { withBody: false })).filter((m) => QUANTITY_EDGE_KINDS.includes(m.kind));
      const lean = await holdings.listLeanMovementsOfUnits(units, QUANTITY_EDGE_KINDS);
      // Several edges of one event about one unit are what the order is about.
      const perEvent = new Map<string, number>();
      for (const m of general) perEvent.set(`${m.unit} ${m.eventRowId}`, (perEvent.get(`${m.unit} ${m.eventRowId}`) ?? 0) + 1);
      assert.ok([...perEvent.values()].some((n) => n > 1), 'a unit with several edges in one event');
      assert.ok(general.length > 30, `${general.length} movements`);
      // What the lean read gives of each movement: ends that are the unit itself as null; a container's packing and
      // unpacking with no ends and no quantity (the ledger needs only who recorded it).
      const expected = general.map((m) => {
        const container = m.kind === 'packed' || m.kind === 'unpacked';
        return [m.unit, m.kind, container || m.fromNode === m.unit ? null : m.fromNode, container || m.toNode === m.unit ? null : m.toNode, m.eventRowId, m.eventTime, m.partyId, container ? null : m.quantity, m.uom];
      });
      assert.deepEqual(lean.rows.map((r) => r.slice(0, 9)), expected);
    } finally {
      await t.close();
    }
  });

  test(`a walk's edge ends keep the quantities their edges give, exactly, on ${dialect}`, async () => {
    const { t, keys } = await demoApp(dialect);
    try {
      const minced = 'https://id.gs1.org/01/06970123100014/10/ZR20261103M';
      const odd = 0.1 + 0.2; // 0.30000000000000004: a double that 15 significant digits would round
      const mince = {
        type: 'TransformationEvent', eventTime: '2026-11-09T09:00:00+08:00', eventTimeZoneOffset: '+08:00', bizStep: 'commissioning',
        inputQuantityList: [{ epcClass: PORK_LOT, quantity: 12.5, uom: 'KGM' }],
        outputQuantityList: [{ epcClass: minced, quantity: odd, uom: 'KGM' }, { epcClass: `${minced}2`, quantity: 1e-7, uom: 'KGM' }],
      };
      assert.equal((await t.inject({ method: 'POST', url: '/epcis/capture', key: keys.market.key, payload: epcisDoc([mince]) })).statusCode, 202);
      const ends = await t.deps.recalls.listEdgeEnds([PORK_LOT], 'from', ['transformed_into']);
      const of = (node: string) => ends.node.flatMap((n, i) => (n === node ? [[ends.quantity[i], ends.uom[i]]] : []));
      assert.deepEqual(of(minced), [[odd, 'KGM']]);
      assert.deepEqual(of(`${minced}2`), [[1e-7, 'KGM']]);
      // A frontier large enough for the other statement (one seek per node) gives the same.
      const many = [PORK_LOT, ...Array.from({ length: 1500 }, (_, i) => `https://id.gs1.org/01/06970123100014/10/NONE${i}`)];
      const again = await t.deps.recalls.listEdgeEnds(many, 'from', ['transformed_into']);
      assert.deepEqual(again.node.map((n, i) => [n, again.quantity[i], again.uom[i]]).sort(), ends.node.map((n, i) => [n, ends.quantity[i], ends.uom[i]]).sort());
    } finally {
      await t.close();
    }
  });
}
