import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FoundRows } from './found-rows.ts';

test('found rows are read once; keys not found are asked for again', async () => {
  const rows = new FoundRows<string>(100);
  const table = new Map([['a', 'A'], ['b', 'B']]);
  const asked: string[][] = [];
  const read = async (missing: string[]) => {
    asked.push(missing);
    return missing.filter((k) => table.has(k)).map((k): [string, string] => [k, table.get(k)!]);
  };
  assert.deepEqual([...(await rows.get(['a', 'x', 'a'], read))], [['a', 'A']]);
  assert.deepEqual(asked, [['a', 'x']]);
  // 'a' is kept; 'x' was not found, so it is asked for again — and now exists (registered meanwhile).
  table.set('x', 'X');
  assert.deepEqual([...(await rows.get(['a', 'x', 'b'], read))].sort(), [['a', 'A'], ['b', 'B'], ['x', 'X']]);
  assert.deepEqual(asked, [['a', 'x'], ['x', 'b']]);
  // All kept: no read at all.
  assert.equal((await rows.get(['b', 'x'], async () => assert.fail('read called'))).size, 2);

  let reads = 0;
  const one = async (k: string) => (reads++, table.get(k));
  assert.equal(await rows.getOne('b', one), 'B');
  assert.equal(await rows.getOne('nope', one), undefined);
  assert.equal(await rows.getOne('nope', one), undefined);
  assert.equal(reads, 2, "'b' was kept from before; 'nope' is read each time");
  assert.equal(rows.peek('b'), 'B');
  assert.equal(rows.peek('never-read'), undefined);
});

test('kept rows are shared read-only: a caller cannot change what the next one gets', async () => {
  const rows = new FoundRows<{ name: string } | Array<{ no: string }>>(10);
  const party = (await rows.getOne('p', async () => ({ name: '惠州企业' }))) as { name: string };
  assert.throws(() => { party.name = 'changed'; }, TypeError);
  const licences = (await rows.get(['l'], async () => [['l', [{ no: 'B' }, { no: 'A' }]]])).get('l') as Array<{ no: string }>;
  assert.throws(() => licences.sort((a, b) => a.no.localeCompare(b.no)), TypeError);
  assert.throws(() => { licences[0]!.no = 'C'; }, TypeError);
  assert.deepEqual(await rows.getOne('p', async () => assert.fail('read called')), { name: '惠州企业' });
});
