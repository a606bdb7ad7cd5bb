import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnHandLedger, QUANTITY_EDGE_KINDS, replayQuantities, type Movement } from './quantity-ledger.ts';
import { Rng } from '../random.ts';

const m = (kind: string, from: string | null, to: string | null, quantity: number, time: number, uom = 'KGM'): Movement => ({ kind, from, to, quantity, uom, eventId: `e${time}`, time });

test('received − shipped − transformed − sold − destroyed (+ produced) = on hand, per holder and unit', () => {
  const { balances, anomalies } = replayQuantities([
    m('produced', null, 'A', 100, 1),
    m('shipped', 'A', null, 60, 2),
    m('received', null, 'B', 60, 3),
    m('sold', 'B', null, 20.5, 4),
    m('consumed', 'B', null, 10, 5),
    m('destroyed', 'B', null, 4.5, 6),
    m('received', null, 'B', 3, 7, 'H87'),
  ]);
  assert.deepEqual(anomalies, []);
  const a = balances.find((b) => b.holder === 'A')!;
  assert.deepEqual([a.produced, a.shipped, a.onHand], [100, 60, 40]);
  const b = balances.find((x) => x.holder === 'B' && x.uom === 'KGM')!;
  assert.deepEqual([b.received, b.sold, b.transformed, b.destroyed, b.onHand], [60, 20.5, 10, 4.5, 25]);
  assert.equal(balances.find((x) => x.holder === 'B' && x.uom === 'H87')!.onHand, 3);
});

test('a holder that gives out more than it held is an anomaly, and the record is kept', () => {
  const { balances, anomalies } = replayQuantities([m('received', null, 'A', 10, 1), m('shipped', 'A', null, 8, 2), m('shipped', 'A', null, 5, 3), m('transferred', 'A', 'C', 1, 4)]);
  assert.deepEqual(anomalies.map((a) => [a.holder, a.eventId, a.quantity, a.onHandBefore]), [['A', 'e3', 5, 2], ['A', 'e4', 1, -3]]);
  assert.equal(balances.find((b) => b.holder === 'A')!.onHand, -4);
  assert.equal(balances.find((b) => b.holder === 'C')!.onHand, 1);
});

test('custody through containers: the packer holds the container once, the unpacker holds what it takes out', () => {
  const inst = (kind: string, from: string | null, to: string | null, time: number): Movement => ({ kind, from, to, quantity: 1, uom: 'H87', eventId: `e${time}`, time, instance: true });
  // A pallet packed at the plant in two packing events, shipped to the distributor, which unpacks a carton and ships it.
  const pallet = replayQuantities([inst('packed', null, 'plant', 1), inst('packed', null, 'plant', 2), inst('shipped', 'plant', null, 3), inst('received', null, 'dc', 4)]);
  assert.deepEqual(pallet.anomalies, []);
  assert.deepEqual(pallet.balances.map((b) => [b.holder, b.produced, b.shipped, b.received, b.onHand]), [['plant', 1, 1, 0, 0], ['dc', 0, 0, 1, 1]]);
  const carton = replayQuantities([inst('commissioned', null, 'plant', 1), inst('unpacked', null, 'dc', 5), inst('shipped', 'dc', null, 6), inst('received', null, 'shop', 7), inst('received', null, 'shop', 8)]);
  assert.deepEqual(carton.anomalies, [], 'the distributor shipped a carton it took out of a pallet it received');
  assert.deepEqual(carton.balances.find((b) => b.holder === 'dc'), { holder: 'dc', uom: 'H87', received: 0, unpacked: 1, produced: 0, shipped: 1, transformed: 0, sold: 0, destroyed: 0, onHand: 0 });
  assert.equal(carton.balances.find((b) => b.holder === 'shop')!.onHand, 1, 'one instance received twice is held once');
});

test('the recall\'s reusable OnHandLedger gives exactly the on-hand balances of replayQuantities, unit after unit', () => {
  const rng = new Rng(20261129);
  const holders = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];
  const ledger = new OnHandLedger();
  for (let unit = 0; unit < 300; unit++) {
    const instance = rng.chance(0.4);
    const movements: Movement[] = Array.from({ length: rng.int(1, 25) }, (_, i) => ({
      kind: rng.pick([...QUANTITY_EDGE_KINDS, 'observed']),
      from: rng.chance(0.8) ? rng.pick(holders) : null,
      to: rng.chance(0.8) ? rng.pick(holders) : null,
      quantity: instance ? 1 : rng.real(0.5, 50, 1),
      uom: instance ? 'H87' : rng.pick(['KGM', 'LTR']),
      eventId: `e${i}`,
      time: i,
      instance,
    }));
    ledger.reset();
    for (const m of movements) ledger.apply(m.kind, m.from, m.to, m.quantity, m.uom, m.instance ?? false);
    const fromLedger = Array.from({ length: ledger.size }, (_, b) => [ledger.holders[b], ledger.uoms[b], ledger.onHand[b]]);
    assert.deepEqual(fromLedger, replayQuantities(movements).balances.map((b) => [b.holder, b.uom, b.onHand]), `unit ${unit}`);
  }
});
