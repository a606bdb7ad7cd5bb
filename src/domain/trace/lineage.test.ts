import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineageEdgesOf } from './lineage.ts';
import type { LineageEdge } from './lineage-edge.ts';

const G = '06970123100014';
const PIG = 'urn:suyuan:local:91441322MA51PK0F1X:pig:20261101AK';
const PORK = `https://id.gs1.org/01/${G}/10/ZR20261103`;
const FAT = `https://id.gs1.org/01/${G}/10/FAT01`;
const S1 = `https://id.gs1.org/01/${G}/21/A1`;
const S2 = `https://id.gs1.org/01/${G}/21/A2`;
const CASE = 'https://id.gs1.org/00/069701230000000017';
const PALLET = 'https://id.gs1.org/00/069701230000000024';
const FARM = 'urn:suyuan:party:91441322MA51PK0F1X';
const SLAUGHTER = 'https://id.gs1.org/417/6970123000017';
const MARKET = 'https://id.gs1.org/417/6970123000024';
const SITE = 'https://id.gs1.org/414/6970123001014';
const DOCK = 'https://id.gs1.org/414/6970123001021';
const GRAI = 'https://id.gs1.org/8003/06970123000017C01';

type Ref = { role: string; type: string; value: string };
const r = (role: string, value: string, type = ''): Ref => ({ role, type, value });
const at = (bizLocation: string | null, readPoint: string | null = null) => ({ bizLocation, readPoint });
const e = (kind: string, from: string, to: string, unit = '', quantity: number | null = null, uom: string | null = null): LineageEdge => ({ kind, from, to, unit, quantity, uom });
const sorted = (edges: LineageEdge[]) => [...edges].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const same = (actual: LineageEdge[], expected: LineageEdge[]) => assert.deepEqual(sorted(actual), sorted(expected));

test('commissioning a lot with a quantity: place → lot', () => {
  const ev = { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', quantityList: [{ epcClass: 'x', quantity: 20, uom: 'H87' }] };
  same(lineageEdgesOf(ev, [r('epc_class', PIG)], at(SITE)), [e('commissioned', SITE, PIG, PIG, 20, 'H87')]);
});

test('an ObjectEvent ADD with no bizStep commissions; the bizStep may be a URI; no place → the unit itself', () => {
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'ADD' }, [r('epc', S1)], at(null)), [e('commissioned', S1, S1, S1)]);
  const uri = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning' };
  same(lineageEdgesOf(uri, [r('epc', S1)], at(null, SITE)), [e('commissioned', SITE, S1, S1)]);
});

test('shipping pairs source and destination lists by type, with each class quantity by position', () => {
  const ev = {
    type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
    quantityList: [{ epcClass: 'a', quantity: 600, uom: 'KGM' }, { epcClass: 'b', quantity: 12.5, uom: 'KGM' }],
  };
  const refs = [
    r('epc', S1), r('epc_class', PORK), r('epc_class', FAT),
    r('source', SLAUGHTER, 'owning_party'), r('source', SITE, 'location'),
    r('destination', MARKET, 'owning_party'), r('destination', DOCK, 'location'),
  ];
  same(lineageEdgesOf(ev, refs, at(null, SITE)), [
    e('shipped', SLAUGHTER, MARKET, S1), e('shipped', SITE, DOCK, S1),
    e('shipped', SLAUGHTER, MARKET, PORK, 600, 'KGM'), e('shipped', SITE, DOCK, PORK, 600, 'KGM'),
    e('shipped', SLAUGHTER, MARKET, FAT, 12.5, 'KGM'), e('shipped', SITE, DOCK, FAT, 12.5, 'KGM'),
  ]);
});

test('custody with no shared type pairs every source with every destination; a possessing party counts', () => {
  const ev = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'receiving' };
  const refs = [r('epc', S1), r('source', FARM, 'owning_party'), r('destination', MARKET, 'possessing_party')];
  same(lineageEdgesOf(ev, refs, at(DOCK)), [e('received', FARM, MARKET, S1)]);
});

test('custody with one list missing uses the place, or the unit itself', () => {
  const ship = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping' };
  same(lineageEdgesOf(ship, [r('epc', S1), r('destination', MARKET, 'owning_party')], at(null, SITE)), [e('shipped', SITE, MARKET, S1)]);
  same(lineageEdgesOf(ship, [r('epc', S1)], at(null, SITE)), [e('shipped', SITE, S1, S1)]);
  const recv = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'arriving' };
  same(lineageEdgesOf(recv, [r('epc', S1), r('source', FARM, 'owning_party')], at(DOCK)), [e('received', FARM, DOCK, S1)]);
  same(lineageEdgesOf(recv, [r('epc', S1)], at(DOCK)), [e('received', S1, DOCK, S1)]);
});

test('another step naming both lists is a transfer; a TransactionEvent names its parent too', () => {
  const ev = { type: 'TransactionEvent', action: 'ADD', bizStep: 'holding' };
  const refs = [r('epc', S1), r('parent', CASE), r('source', FARM, 'owning_party'), r('destination', MARKET, 'owning_party'), r('biz_transaction', 'urn:po:1', 'po')];
  same(lineageEdgesOf(ev, refs, at(null)), [e('transferred', FARM, MARKET, S1), e('transferred', FARM, MARKET, CASE)]);
});

test('selling, dispensing, destroying, decommissioning: unit → place', () => {
  const q = [{ epcClass: 'x', quantity: 412.5, uom: 'KGM' }];
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'retail_selling', quantityList: q }, [r('epc_class', PORK)], at(SITE)), [e('sold', PORK, SITE, PORK, 412.5, 'KGM')]);
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'dispensing' }, [r('epc', 'urn:suyuan:drug:81234560012345678901')], at(SITE)),
    [e('dispensed', 'urn:suyuan:drug:81234560012345678901', SITE, 'urn:suyuan:drug:81234560012345678901')]);
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'DELETE', bizStep: 'destroying', quantityList: q }, [r('epc_class', PORK)], at(null, DOCK)), [e('destroyed', PORK, DOCK, PORK, 412.5, 'KGM')]);
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning' }, [r('epc', GRAI)], at(SITE)), [e('decommissioned', GRAI, SITE, GRAI)]);
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'DELETE' }, [r('epc', GRAI)], at(SITE)), [e('decommissioned', GRAI, SITE, GRAI)]);
});

test('observations need a place; without one they leave no edge', () => {
  const ev = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'inspecting' };
  same(lineageEdgesOf(ev, [r('epc', S1)], at(null, SITE)), [e('observed', S1, SITE, S1)]);
  same(lineageEdgesOf(ev, [r('epc', S1)], at(null)), []);
  same(lineageEdgesOf({ type: 'ObjectEvent', action: 'OBSERVE' }, [r('epc', S1)], at(null)), []);
});

test('transformation: every input to every output with the output quantity; consumed and produced with their own', () => {
  const ev = {
    type: 'TransformationEvent', bizStep: 'killing',
    inputQuantityList: [{ epcClass: 'pig', quantity: 20, uom: 'H87' }],
    outputQuantityList: [{ epcClass: 'pork', quantity: 1580, uom: 'KGM' }, { epcClass: 'fat', quantity: 90, uom: 'KGM' }],
  };
  const refs = [r('input_class', PIG), r('output_class', PORK), r('output_class', FAT)];
  same(lineageEdgesOf(ev, refs, at(SITE)), [
    e('transformed_into', PIG, PORK, '', 1580, 'KGM'), e('transformed_into', PIG, FAT, '', 90, 'KGM'),
    e('consumed', PIG, SITE, PIG, 20, 'H87'),
    e('produced', SITE, PORK, PORK, 1580, 'KGM'), e('produced', SITE, FAT, FAT, 90, 'KGM'),
  ]);
});

test('transformation with instance inputs and outputs (blending, repacking) and serials put in their lot', () => {
  const ev = { type: 'TransformationEvent', bizStep: 'repackaging', outputQuantityList: [{ epcClass: 'lot', quantity: 2, uom: 'H87' }] };
  const refs = [r('input', CASE), r('output', S1), r('output', S2), r('output_class', PORK)];
  same(lineageEdgesOf(ev, refs, at(null, SITE)), [
    e('transformed_into', CASE, S1), e('transformed_into', CASE, S2), e('transformed_into', CASE, PORK, '', 2, 'H87'),
    e('consumed', CASE, SITE, CASE),
    e('produced', SITE, S1, S1), e('produced', SITE, S2, S2), e('produced', SITE, PORK, PORK, 2, 'H87'),
    e('in_lot', PORK, S1), e('in_lot', PORK, S2),
  ]);
});

test('the ilmd lot number puts commissioned serials in their lot (percent-encoded as Digital Link)', () => {
  const ev = { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', ilmd: { 'cbvmda:lotNumber': 'L/7' } };
  const lot = `https://id.gs1.org/01/${G}/10/L%2F7`;
  same(lineageEdgesOf(ev, [r('epc', S1), r('epc', 'https://id.gs1.org/00/069701230000000017')], at(SITE)), [
    e('commissioned', SITE, S1, S1), e('commissioned', SITE, CASE, CASE), e('in_lot', lot, S1),
  ]);
});

test('packing items into a case and the case onto a pallet: child → parent, class children with quantities', () => {
  const pack = { type: 'AggregationEvent', action: 'ADD', bizStep: 'packing', childQuantityList: [{ epcClass: 'p', quantity: 5, uom: 'KGM' }] };
  same(lineageEdgesOf(pack, [r('child', S1), r('child', S2), r('parent', CASE), r('child_class', PORK)], at(null, SITE)), [
    e('packed', S1, CASE), e('packed', S2, CASE), e('packed', PORK, CASE, '', 5, 'KGM'),
  ]);
  same(lineageEdgesOf({ type: 'AggregationEvent', action: 'OBSERVE' }, [r('parent', PALLET), r('child', CASE)], at(null)), [e('packed', CASE, PALLET)]);
});

test('unpacking: parent → child; a DELETE naming no children unpacks all (parent → parent)', () => {
  same(lineageEdgesOf({ type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking' }, [r('parent', PALLET), r('child', CASE)], at(DOCK)), [e('unpacked', PALLET, CASE)]);
  same(lineageEdgesOf({ type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking' }, [r('parent', PALLET)], at(DOCK)), [e('unpacked', PALLET, PALLET)]);
});

test('an aggregation that ships its logistic unit also records the custody of the parent', () => {
  const ev = { type: 'AggregationEvent', action: 'ADD', bizStep: 'shipping' };
  const refs = [r('parent', PALLET), r('child', CASE), r('source', SLAUGHTER, 'owning_party'), r('destination', MARKET, 'owning_party')];
  same(lineageEdgesOf(ev, refs, at(null, SITE)), [e('packed', CASE, PALLET), e('shipped', SLAUGHTER, MARKET, PALLET)]);
});

test('association of units with an asset (GRAI crate): associated child → asset, disassociated asset → child', () => {
  same(lineageEdgesOf({ type: 'AssociationEvent', action: 'ADD', bizStep: 'assembling' }, [r('parent', GRAI), r('child', S1)], at(SITE)), [e('associated', S1, GRAI)]);
  same(lineageEdgesOf({ type: 'AssociationEvent', action: 'DELETE', bizStep: 'disassembling' }, [r('parent', GRAI), r('child', S1)], at(SITE)), [e('disassociated', GRAI, S1)]);
});

test('a class listed twice is one edge with the quantities summed; missing quantity or uom stays null', () => {
  const ev = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'retail_selling', quantityList: [{ epcClass: 'a', quantity: 2, uom: 'KGM' }, { epcClass: 'a', quantity: 3, uom: 'KGM' }, { epcClass: 'b' }, { epcClass: 'c', quantity: 4 }] };
  const refs = [r('epc_class', PORK), r('epc_class', PORK), r('epc_class', FAT), r('epc_class', PIG)];
  same(lineageEdgesOf(ev, refs, at(SITE)), [e('sold', PORK, SITE, PORK, 5, 'KGM'), e('sold', FAT, SITE, FAT), e('sold', PIG, SITE, PIG, 4, null)]);
});

test('is fast enough for the capture hot path', () => {
  const epcs = Array.from({ length: 1000 }, (_, i) => r('epc', `https://id.gs1.org/01/${G}/21/S${i}`));
  const ev = { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping' };
  const refs = [...epcs, r('source', SLAUGHTER, 'owning_party'), r('destination', MARKET, 'owning_party')];
  const start = performance.now();
  for (let i = 0; i < 100; i++) lineageEdgesOf(ev, refs, at(null, SITE));
  const perEvent = (performance.now() - start) / 100;
  assert.ok(perEvent < 5, `${perEvent} ms for a 1,000-EPC event`);
});
