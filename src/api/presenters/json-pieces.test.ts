import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPieces } from './json-pieces.ts';

async function written(value: unknown): Promise<{ text: string; pieces: number }> {
  let text = '';
  let pieces = 0;
  for await (const piece of jsonPieces(value)) {
    text += piece;
    pieces++;
  }
  return { text, pieces };
}

test('jsonPieces writes what JSON.stringify writes, byte for byte', async () => {
  const recallLike = {
    id: 'rcl_1', closedAt: null, skipped: undefined, method: () => 1, when: new Date(Date.UTC(2026, 10, 30)), text: '沙门氏菌 "quoted"\n\u2028',
    impact: {
      units: Array.from({ length: 5_003 }, (_, i) => ({ code: `https://id.gs1.org/01/06970999100019/21/S${i}`, product: i % 2 ? '鲜奶' : null, quantity: i % 3 ? i / 7 : null, unit: undefined })),
      holders: [{ partyId: 'pty_1', onHand: Array.from({ length: 3_000 }, (_, i) => ({ code: `c${i}`, value: i, unit: 'H87' })) }, { partyId: 'pty_2', onHand: [] }],
      regions: ['441302', '441303'],
      truncated: false,
    },
    nested: [[1, [2, [3, { deep: [4] }]]], [], {}, [undefined, () => 1, Symbol('s')], 'end'],
  };
  for (const value of [recallLike, [], {}, 'text', 42, null, [[[]]], { a: { b: { c: [1, 2, 3] } } }]) {
    assert.equal((await written(value)).text, JSON.stringify(value));
  }
});

test('jsonPieces gives other work turns of the event loop while it writes long arrays', async () => {
  const units = Array.from({ length: 10_000 }, (_, i) => ({ code: `u${i}` }));
  // A callback queued before writing starts runs only in a turn of the event loop: awaiting pieces alone gives none.
  let turned = false;
  setImmediate(() => (turned = true));
  const { text, pieces } = await written({ impact: { units } });
  assert.ok(turned, 'a queued callback ran while the pieces were written');
  assert.ok(pieces > 5, `${pieces} pieces`);
  assert.equal(JSON.parse(text).impact.units.length, 10_000);

  let turnedForShort = false;
  setImmediate(() => (turnedForShort = true));
  await written({ units: units.slice(0, 10) });
  assert.equal(turnedForShort, false, 'a short reply is written without waiting for a turn');
});
