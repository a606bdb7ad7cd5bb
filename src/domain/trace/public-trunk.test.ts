import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicTrunk, type TrunkEdge } from './public-trunk.ts';

// A pork lot: made by the slaughterhouse S, shipped whole to the wholesaler W, which sells it on to a market M and a
// school canteen C. Party ids stand for the capturers; ends are the parties' URIs.
const LOT = 'https://id.gs1.org/01/06970123100014/10/ZR1';
const PIG = 'urn:suyuan:local:91441322MA51PK0F1X:pig:20261101AK';
const [S, W, M, C] = ['S', 'W', 'M', 'C'];
const uri = (party: string) => `urn:party:${party}`;
const edge = (hour: number, kind: string, by: string, from: string, to: string, unit = LOT): TrunkEdge => ({ kind, from, to, unit, partyId: by, eventTime: hour });
const show = (edges: TrunkEdge[]) => edges.map((e) => `${e.eventTime} ${e.kind} ${e.partyId}`);

const made = [edge(1, 'transformed_into', S, PIG, LOT, ''), edge(1, 'produced', S, 'site:S', LOT), edge(2, 'observed', S, LOT, 'site:S')];
const toWholesaler = [edge(3, 'shipped', S, uri(S), uri(W)), edge(4, 'received', W, uri(S), uri(W)), edge(5, 'observed', W, LOT, 'site:W')];
const divided = [
  edge(6, 'shipped', W, uri(W), uri(M)), edge(7, 'received', M, uri(W), uri(M)), edge(8, 'sold', M, LOT, 'site:M'),
  edge(9, 'shipped', W, uri(W), uri(C)), edge(10, 'received', C, uri(W), uri(C)),
  edge(11, 'sold', W, LOT, 'site:W'),
];

test('a lot that stayed in one line of hands keeps every step', () => {
  const whole = [...made, ...toWholesaler, edge(6, 'shipped', W, uri(W), uri(M)), edge(7, 'received', M, uri(W), uri(M)), edge(8, 'sold', M, LOT, 'site:M')];
  assert.deepEqual(publicTrunk(whole, LOT), whole);
});

test('a lot divided among buyers stops at the divider: none of its customers, its own later sale kept', () => {
  assert.deepEqual(show(publicTrunk([...made, ...toWholesaler, ...divided], LOT)), [
    '1 transformed_into S', '1 produced S', '2 observed S', '3 shipped S', '4 received W', '5 observed W', '11 sold W',
  ]);
});

test('the first branch is hidden as well as the later one: which a pack took cannot be told from its code', () => {
  const kept = show(publicTrunk([...made, ...toWholesaler, ...divided], LOT));
  assert.ok(!kept.some((e) => e.endsWith(' M') || e.endsWith(' C')), kept.join(', '));
});

test('shipments that name no destination divide the lot by who received it from one source', () => {
  const noDestination = [
    edge(6, 'shipped', W, uri(W), LOT), edge(7, 'received', M, uri(W), uri(M)),
    edge(9, 'shipped', W, uri(W), LOT), edge(10, 'received', C, uri(W), uri(C)),
  ];
  assert.deepEqual(show(publicTrunk([...made, ...toWholesaler, ...noDestination], LOT)), [
    '1 transformed_into S', '1 produced S', '2 observed S', '3 shipped S', '4 received W', '5 observed W', '6 shipped W', '9 shipped W',
  ]);
  // With no source either, nothing names a branch: nothing is hidden.
  const anonymous = [edge(6, 'received', M, LOT, uri(M)), edge(7, 'received', C, LOT, uri(C))];
  assert.equal(publicTrunk([...made, ...anonymous], LOT).length, made.length + anonymous.length);
});

test('a used input lot shows only its path to the party that used it: not the farm\'s other buyer', () => {
  // Farm F sells its pig lot through dealer D, which divides it between slaughterhouse S (which made the pork lot) and
  // S2. A lab L inspected the pigs at the farm before any of it.
  const pig = (hour: number, kind: string, by: string, from: string, to: string) => edge(hour, kind, by, from, to, PIG);
  const pigEdges = [
    pig(-9, 'commissioned', 'F', 'site:F', PIG), pig(-8, 'observed', 'L', PIG, 'site:F'),
    pig(-7, 'shipped', 'F', uri('F'), uri('D')), pig(-6, 'received', 'D', uri('F'), uri('D')),
    pig(-5, 'shipped', 'D', uri('D'), uri('S2')), pig(-4, 'received', 'S2', uri('D'), uri('S2')), pig(-3, 'observed', 'S2', PIG, 'site:S2'),
    pig(-2, 'shipped', 'D', uri('D'), uri(S)), pig(-1, 'received', S, uri('D'), uri(S)), pig(0, 'shipped', 'D', uri('D'), PIG),
    pig(1, 'consumed', S, PIG, 'site:S'),
  ];
  // S used the pigs: its transformation into the pork lot (`made`) is in the chain.
  const kept = show(publicTrunk([...pigEdges, ...made], LOT).filter((e) => e.unit === PIG));
  assert.deepEqual(kept, ['-9 commissioned F', '-8 observed L', '-7 shipped F', '-6 received D', '-2 shipped D', '-1 received S', '0 shipped D', '1 consumed S']);
  // Not used by the chain (no transformation of it in the chain), the same edges pass unchanged.
  const notUsed = [...pigEdges, ...made.filter((e) => e.kind !== 'transformed_into')];
  assert.equal(publicTrunk(notUsed, LOT).length, notUsed.length);
});

test('a lot divided onto pallets for two buyers is divided: the pallets\' custody is the lot\'s', () => {
  const [P1, P2] = ['https://id.gs1.org/00/069701230000000017', 'https://id.gs1.org/00/069701230000000024'];
  const pallets = [
    edge(3, 'packed', S, LOT, P1, ''), edge(3, 'packed', S, LOT, P2, ''),
    edge(4, 'shipped', S, uri(S), uri(M), P1), edge(5, 'received', M, uri(S), uri(M), P1),
    edge(6, 'shipped', S, uri(S), uri(C), P2), edge(7, 'received', C, uri(S), uri(C), P2),
  ];
  assert.deepEqual(show(publicTrunk([...made, ...pallets], LOT)), [
    '1 transformed_into S', '1 produced S', '2 observed S', '3 packed S', '3 packed S',
  ]);
  // A lot on one pallet to one buyer keeps its pallet's path.
  assert.equal(publicTrunk([...made, ...pallets.slice(0, 1), ...pallets.slice(2, 4)], LOT).length, made.length + 3);
});

test('a used input lot carried on pallets: the pallets\' custody is the lot\'s, so only the pallet to its user shows', () => {
  // The farm F packs its pig lot onto two pallets, one for slaughterhouse S (which made the pork lot) and one for S2.
  const [P1, P2] = ['https://id.gs1.org/00/069701230000000031', 'https://id.gs1.org/00/069701230000000048'];
  const pigPallets = [
    edge(-9, 'commissioned', 'F', 'site:F', PIG, PIG),
    edge(-8, 'packed', 'F', PIG, P1, ''), edge(-8, 'packed', 'F', PIG, P2, ''),
    edge(-7, 'shipped', 'F', uri('F'), uri(S), P1), edge(-6, 'received', S, uri('F'), uri(S), P1),
    edge(-5, 'shipped', 'F', uri('F'), uri('S2'), P2), edge(-4, 'received', 'S2', uri('F'), uri('S2'), P2),
    edge(-3, 'observed', 'S2', P2, 'site:S2', P2),
    edge(0, 'consumed', S, PIG, 'site:S', PIG),
  ];
  const kept = show(publicTrunk([...pigPallets, ...made], LOT).filter((e) => e.eventTime < 1));
  assert.deepEqual(kept, ['-9 commissioned F', '-8 packed F', '-8 packed F', '-7 shipped F', '-6 received S', '0 consumed S']);
  // A pallet that carried the root and a used lot both is the root's: the root's own rule decides.
  const shared = [edge(2, 'packed', S, LOT, P1, ''), edge(2, 'packed', S, PIG, P1, ''), edge(3, 'shipped', S, uri(S), uri(W), P1), edge(4, 'received', W, uri(S), uri(W), P1)];
  assert.equal(publicTrunk([...made, ...shared], LOT).length, made.length + shared.length);
  // Scanned, the pallet that carried the pigs to S is the root: its own steps follow the root's rule, not the pigs' path.
  const palletRoot = publicTrunk([...pigPallets, ...made, edge(-6.5, 'observed', 'X', P1, 'site:X', P1)], P1);
  assert.ok(show(palletRoot).includes('-6.5 observed X'), show(palletRoot).join(', '));
});
