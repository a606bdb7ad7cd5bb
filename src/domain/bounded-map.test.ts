import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from './bounded-map.ts';

describe('BoundedMap', () => {
  it('keeps at most its capacity and at least half of it, the latest written always', () => {
    const map = new BoundedMap<number, string>(100);
    for (let i = 0; i < 1000; i++) {
      map.set(i, `v${i}`);
      assert.ok(map.size <= 100);
      assert.equal(map.get(i), `v${i}`);
      if (i >= 100) assert.ok(map.size >= 50);
    }
    assert.equal(map.get(0), undefined, 'the oldest are gone');
    assert.equal(map.get(949), 'v949');
  });

  it('carries an entry read from the old generation into the new one, so it outlives the rest', () => {
    const map = new BoundedMap<string, number>(6);
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) map.set(k, v); // old {a, b, c}, young {d}
    assert.equal(map.get('a'), 1); // carried: young {d, a}
    map.set('e', 5);
    map.set('f', 6); // old {d, a, e}, young {f}
    assert.equal(map.has('b'), false, 'b, never read, went with its generation');
    assert.equal(map.get('c'), undefined);
    assert.equal(map.get('a'), 1, 'a, read, outlived them');
  });

  it('stays fast when it evicts without end (no slowdown from deleted slots)', () => {
    const map = new BoundedMap<number, true>(1000);
    // 2M writes through a 1,000-entry map; a per-entry delete from a Map's front took seconds on this.
    for (let i = 0; i < 2_000_000; i++) map.set(i, true);
    assert.ok(map.size <= 1000 && map.has(1_999_999));
  });
});
