import { test } from 'node:test';
import assert from 'node:assert/strict';
import { largeSet, preparedRows } from '../../src/storage/repositories/raw-select.ts';
import { testDialects } from '../support/stores.ts';
import { createTestApp } from '../support/test-app.ts';

// A recall of 100,000 units looks up tens of thousands of identifiers at once; SQLite refuses more than 32,766 bound
// variables in one statement, so every such lookup must go in batches.
for (const dialect of testDialects()) {
  test(`lookups by tens of thousands of identifiers work on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const p = await t.party({ sites: [{ localId: 'BIG-1', name: '仓库', address: '惠城区', region: '441302' }] });
      const uris = [...Array.from({ length: 40_000 }, (_, i) => `urn:suyuan:site:${p.uscc}:X${i}`), p.uri, p.sites[0].uri];
      const owners = await t.deps.parties.ownersByUris(uris);
      assert.equal(owners.size, 2);
      assert.equal(owners.get(p.sites[0].uri)?.partyId, p.id);
      const byId = await t.deps.parties.listPartiesByIds([...Array.from({ length: 40_000 }, (_, i) => `pty_${i}`), p.id]);
      assert.deepEqual(byId.map((r) => r.id), [p.id]);
      assert.equal((await t.deps.parties.listSitesByUris(uris)).length, 1);
      assert.equal((await t.deps.products.listProductsByClassUris(uris)).length, 0);
    } finally {
      await t.close();
    }
  });
}

for (const dialect of testDialects()) {
  test(`a large set is looked up the same in whichever form it is sent on ${dialect}`, async () => {
    const t = await createTestApp(dialect);
    try {
      const store = t.deps.store;
      const look = async (values: string[]) => {
        const set = largeSet(store, values);
        const text = `SELECT v FROM (SELECT 'a' AS v UNION ALL SELECT 'b,c' UNION ALL SELECT 'd\ne' UNION ALL SELECT '' UNION ALL SELECT '{x}') s WHERE ${set.in('v')} ORDER BY v`;
        return { rows: (await preparedRows(store, text, [set.parameter])).map((r) => r[0]), sentAsText: typeof set.parameter === 'string' && dialect === 'postgres' };
      };
      // Commas, braces and quotes are nothing special in the newline-joined text.
      const plain = await look(['a', 'b,c', '{x}', 'zz"q', ...Array.from({ length: 20_000 }, (_, i) => `urn:x:${i}`)]);
      assert.deepEqual(plain.rows, ['a', 'b,c', '{x}']);
      assert.equal(plain.sentAsText, dialect === 'postgres');
      // A value with a newline, or an empty one, cannot go in that text: such a set goes as an array instead.
      for (const odd of [['a', 'd\ne'], ['']]) {
        const r = await look(odd);
        assert.deepEqual(r.rows, [...odd].sort());
        assert.equal(r.sentAsText, false);
      }
    } finally {
      await t.close();
    }
  });
}
